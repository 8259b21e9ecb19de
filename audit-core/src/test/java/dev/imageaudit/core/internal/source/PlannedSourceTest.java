package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both sources, native and JDK, read a planned range once and answer later reads in it from memory. */
class PlannedSourceTest {

  /** What the registered detectors need: the head, the ISO descriptor at 32 KiB, the tail. */
  private static final ReadPlan.Needs HEAD_AND_TAIL =
      new ReadPlan.Needs(java.util.List.of(new ReadPlan.Range(0x8000, 0x800)), true);

  @Test
  void headAndTailOfA12KibFileAreOneReadOfTheFile() throws IOException {
    byte[] bytes = random(12 * 1024);
    CountingSource source = new CountingSource(bytes, ReadPlan.of(HEAD_AND_TAIL, bytes.length));
    assertThat(source.read(0, Caps.HEAD)).isEqualTo(slice(bytes, 0, Caps.HEAD));
    assertThat(source.read(bytes.length - Caps.TAIL, Caps.TAIL)).isEqualTo(slice(bytes, bytes.length - Caps.TAIL, Caps.TAIL));
    assertThat(source.read(5000, 100)).isEqualTo(slice(bytes, 5000, 100));
    assertThat(source.reads).isEqualTo(1);
  }

  @Test
  void headIsoDescriptorAndTailOfA64KibFileAreAReadEach() throws IOException {
    byte[] bytes = random(64 * 1024);
    CountingSource source = new CountingSource(bytes, ReadPlan.of(HEAD_AND_TAIL, bytes.length));
    assertThat(source.read(0, Caps.HEAD)).isEqualTo(slice(bytes, 0, Caps.HEAD));
    assertThat(source.read(0x8000, 0x800)).isEqualTo(slice(bytes, 0x8000, 0x800));
    assertThat(source.read(bytes.length - Caps.TAIL, Caps.TAIL)).isEqualTo(slice(bytes, bytes.length - Caps.TAIL, Caps.TAIL));
    assertThat(source.reads).isEqualTo(3);
    // Read again, from memory.
    assertThat(source.read(0x8100, 0x100)).isEqualTo(slice(bytes, 0x8100, 0x100));
    assertThat(source.reads).isEqualTo(3);
  }

  @Test
  void aLargerFileTakesOneReadForItsHeadOneForItsTailAndOneForEachReadOutsideThePlan() throws IOException {
    byte[] bytes = random(1024 * 1024);
    CountingSource source = new CountingSource(bytes, ReadPlan.of(HEAD_AND_TAIL, bytes.length));
    source.read(0, 512);
    source.read(512, 512);
    source.read(bytes.length - 512, 512);
    source.read(bytes.length - 4096, 512);
    assertThat(source.reads).isEqualTo(2);
    assertThat(source.read(300_000, 100)).isEqualTo(slice(bytes, 300_000, 100));
    assertThat(source.reads).isEqualTo(3);
  }

  @Test
  void theJdkSourceFollowsItsPlanAndReturnsTheSameBytes(@TempDir Path dir) throws IOException {
    byte[] bytes = random(200_000);
    Path file = Files.write(dir.resolve("image"), bytes);
    try (FileChannel planned = FileChannel.open(file); FileChannel plain = FileChannel.open(file)) {
      ChannelSource withPlan = new ChannelSource(planned, bytes.length, Caps.PER_FILE, ReadPlan.of(HEAD_AND_TAIL, bytes.length));
      ChannelSource withoutPlan = new ChannelSource(plain, Caps.PER_FILE);
      for (long offset : new long[] {0, 100, 4000, 150_000, bytes.length - 4096, bytes.length - 10}) {
        assertThat(withPlan.read(offset, 4096)).as("at %d", offset).isEqualTo(withoutPlan.read(offset, 4096))
            .isEqualTo(slice(bytes, offset, 4096));
      }
      assertThat(withPlan.bytesRead()).isEqualTo(withoutPlan.bytesRead());
      assertThat(withPlan.changed()).isFalse();
    }
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  private static byte[] slice(byte[] bytes, long offset, int length) {
    int end = (int) Math.min(bytes.length, offset + length);
    return java.util.Arrays.copyOfRange(bytes, (int) offset, end);
  }

  /** A planned source over bytes in memory that counts its reads of the "file". */
  private static final class CountingSource extends PlannedSource {
    private final byte[] bytes;
    int reads;

    CountingSource(byte[] bytes, ReadPlan plan) {
      super(bytes.length, Caps.PER_FILE, plan, new byte[ReadPlan.CAPACITY]);
      this.bytes = bytes;
    }

    @Override
    protected int readFile(long offset, byte[] into, int at, int length) {
      reads++;
      int n = (int) Math.max(0, Math.min(length, bytes.length - offset));
      System.arraycopy(bytes, (int) offset, into, at, n);
      return n;
    }
  }
}
