package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.internal.format.FormatSeeds;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ChannelSource;
import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files that change while they are audited, at each read of every detector, on an image of every
 * format: shrunk to every length that matters for that read, grown, replaced by other bytes of the
 * same length; and real files truncated between two reads. The audit never fails on them (no
 * exception, so never an {@code internal} entry) and flags {@code changed-during-audit} exactly
 * when a read saw the change.
 */
class ChangingFilesTest {

  static Stream<Arguments> seeds() {
    return FormatSeeds.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seeds")
  void aFileThatShrinksBeforeAnyOfItsReadsIsFlaggedNeverAnError(String name, byte[] image) throws IOException {
    List<Long> offsets = readOffsets(image);
    for (int read = 0; read < offsets.size(); read++) {
      for (int length : shrunkLengths(image.length, offsets.get(read))) {
        assertJudgedAsChanged(image, Arrays.copyOf(image, length), read, name + " cut to " + length + " before read " + read);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seeds")
  void aFileThatGrowsOrIsRewrittenBeforeAnyOfItsReadsIsFlaggedWhenARead(String name, byte[] image) throws IOException {
    byte[] grown = Arrays.copyOf(image, image.length + 4096);
    Arrays.fill(grown, image.length, grown.length, (byte) 0x5A);
    byte[] rewritten = image.clone();
    for (int i = 0; i < rewritten.length; i += 7) {
      rewritten[i] ^= 0x55;
    }
    int reads = readOffsets(image).size();
    for (int read = 0; read < reads; read++) {
      assertJudgedAsChanged(image, grown, read, name + " grown before read " + read);
      // Same length, other bytes: no read can tell, and none claims to.
      assertJudgedAsChanged(image, rewritten, read, name + " rewritten before read " + read);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vhdx/dynamic.vhdx.gz", "luks/v2.luks2", "iso9660/hybrid-gpt.iso", "android-sparse/split-0.simg", "vmdk/streamOptimized-footer.vmdk"})
  void aRealFileTruncatedBetweenTwoReadsIsFlagged(String seed, @TempDir Path dir) throws IOException {
    byte[] image = FormatSeeds.all().get(seed);
    List<Long> offsets = readOffsets(image);
    Path file = dir.resolve("image");
    int flagged = 0;
    for (int read = 1; read < offsets.size(); read++) {
      long length = offsets.get(read);
      Files.write(file, image);
      ChangingSource model = new ChangingSource(image, Arrays.copyOf(image, (int) length), read);
      Auditor.judge("model", null, model, image.length);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
          FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE)) {
        TruncatingSource source = new TruncatingSource(new ChannelSource(channel, Caps.PER_FILE), writer, read, length);
        AuditEntry.Image judged = Auditor.judge(seed, null, source, image.length);
        assertThat(judged.flags().contains(Flag.CHANGED_DURING_AUDIT)).as("%s truncated to %d before read %d", seed, length, read)
            .isEqualTo(model.changeSeen());
        flagged += model.changeSeen() ? 1 : 0;
      }
    }
    assertThat(flagged).as("truncations that a read saw").isPositive();
  }

  /** Judges {@code before} changing to {@code after} at read {@code read}: no exception, the flag iff a read saw it. */
  private static void assertJudgedAsChanged(byte[] before, byte[] after, int read, String what) throws IOException {
    ChangingSource source = new ChangingSource(before, after, read);
    AuditEntry.Image judged = Auditor.judge("changing", null, source, before.length);
    assertThat(judged.flags().contains(Flag.CHANGED_DURING_AUDIT)).as(what).isEqualTo(source.changeSeen());
    assertThat(judged.bytesRead()).as(what).isLessThanOrEqualTo(Caps.PER_FILE);
  }

  /** Returns the offset of every read an audit of {@code image} makes. */
  private static List<Long> readOffsets(byte[] image) throws IOException {
    ChangingSource unchanged = new ChangingSource(image, image, Integer.MAX_VALUE);
    AuditEntry.Image judged = Auditor.judge("unchanged", null, unchanged, image.length);
    assertThat(judged.flags()).doesNotContain(Flag.CHANGED_DURING_AUDIT);
    return unchanged.offsets();
  }

  /** Lengths that cut a read at {@code offset} every way: before it, at it, inside it, at the end. */
  private static TreeSet<Integer> shrunkLengths(int size, long offset) {
    TreeSet<Integer> lengths = new TreeSet<>();
    for (long length : new long[] {0, 1, offset - 1, offset, offset + 1, offset + 11, offset + 512, size / 2, size - 1}) {
      if (length >= 0 && length < size) {
        lengths.add((int) length);
      }
    }
    return lengths;
  }

  /** A real file's source that truncates the file on disk just before its read number {@code at}. */
  private static final class TruncatingSource implements ImageSource {
    private final ChannelSource source;
    private final FileChannel writer;
    private final int at;
    private final long length;
    private int reads;

    TruncatingSource(ChannelSource source, FileChannel writer, int at, long length) {
      this.source = source;
      this.writer = writer;
      this.at = at;
      this.length = length;
    }

    @Override
    public long size() {
      return source.size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
      if (reads++ == at) {
        writer.truncate(this.length);
      }
      return source.read(offset, length);
    }

    @Override
    public long bytesRead() {
      return source.bytesRead();
    }

    @Override
    public long readCap() {
      return source.readCap();
    }

    @Override
    public boolean changed() {
      return source.changed();
    }
  }
}
