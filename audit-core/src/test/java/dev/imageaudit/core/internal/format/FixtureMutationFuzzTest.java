package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.internal.audit.ChangingSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target: a real image of each format ({@link FormatSeeds}) with fuzzed bytes written over it
 * anywhere in the file, cut or grown, and changing under the audit at a fuzzed read. Structures
 * far into a file (VHDX region tables at 192 KiB, metadata at 3 MiB) are reached this way, which
 * inputs of a few KiB never reach. The seed is never copied: patches are laid over it as it is read.
 *
 * <p>An input is a recipe, read from its start: a byte choosing the seed; a byte choosing what
 * happens to the file (low two bits: nothing, it shrinks, it grows) and before which read (the
 * rest); a u32 for the new length; then patches, each a u32 offset (modulo the seed's length),
 * a length byte (at most 64) and that many bytes. Its committed inputs pick each seed unchanged.
 */
class FixtureMutationFuzzTest {

  private static final List<byte[]> SEEDS = List.copyOf(FormatSeeds.all().values());

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void patchedAndChangingImagesAreJudgedWithinTheCaps(byte[] recipe) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(recipe);
    byte[] seed = SEEDS.get(in.hasRemaining() ? Byte.toUnsignedInt(in.get()) % SEEDS.size() : 0);
    int change = in.hasRemaining() ? Byte.toUnsignedInt(in.get()) : 0;
    long newLength = in.remaining() >= 4 ? Integer.toUnsignedLong(in.getInt()) % (seed.length + 8192L) : seed.length;
    List<Patch> patches = new ArrayList<>();
    while (in.remaining() >= 5) {
      long offset = Integer.toUnsignedLong(in.getInt()) % seed.length;
      byte[] bytes = new byte[Math.min(in.get() & 63, in.remaining())];
      in.get(bytes);
      patches.add(new Patch(offset, bytes));
    }
    Patched before = new Patched(seed, patches, seed.length);
    Patched after = switch (change & 3) {
      case 1 -> new Patched(seed, patches, Math.min(newLength, seed.length));
      case 2 -> new Patched(seed, patches, Math.max(newLength, seed.length + 1));
      default -> before;
    };
    ChangingSource source = new ChangingSource(before, after, change >>> 2);
    AuditEntry.Image entry = Fuzzing.judge(source, seed.length);
    assertThat(entry.flags().contains(Flag.CHANGED_DURING_AUDIT)).isEqualTo(source.changeSeen());
  }

  /** Bytes written over the seed at {@code offset}. */
  private record Patch(long offset, byte[] bytes) {}

  /** The seed with the patches laid over it, {@code length} bytes long (zeros past the seed). */
  private record Patched(byte[] seed, List<Patch> patches, long length) implements ChangingSource.Content {
    @Override
    public int copy(long offset, byte[] into, int n) {
      int count = (int) Math.max(0, Math.min(n, length - offset));
      int fromSeed = (int) Math.max(0, Math.min(count, seed.length - offset));
      if (fromSeed > 0) {
        System.arraycopy(seed, (int) offset, into, 0, fromSeed);
      }
      java.util.Arrays.fill(into, fromSeed, count, (byte) 0);
      for (Patch p : patches) {
        for (int i = 0; i < p.bytes().length; i++) {
          long at = p.offset() + i - offset;
          if (at >= 0 && at < count) {
            into[(int) at] = p.bytes()[i];
          }
        }
      }
      return count;
    }
  }
}
