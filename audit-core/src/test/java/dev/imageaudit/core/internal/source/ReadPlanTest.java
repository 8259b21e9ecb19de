package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.format.Formats;
import dev.imageaudit.core.internal.format.Iso9660Detector;
import dev.imageaudit.core.internal.format.LuksDetector;
import dev.imageaudit.core.internal.format.QcowDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * One merged set of first-phase reads for all detectors: ranges at most 8 KiB apart are one {@code
 * pread}, so a file of up to 16 KiB is one read, a larger one a read each for its head, its ISO
 * descriptor at 32 KiB (when it reaches it) and its tail, and an image is judged from them exactly as
 * from its bytes in memory.
 */
class ReadPlanTest {

  @TempDir Path dir;

  private static ReadPlan.Range range(long offset, int length) {
    return new ReadPlan.Range(offset, length);
  }

  @Test
  void theDetectorsDeclareHeadIsoDescriptorAndTail() {
    ReadPlan.Needs needs = Formats.needs(Formats.REGISTERED);
    assertThat(needs.tail()).isTrue();
    assertThat(needs.fixed()).containsExactly(range(Iso9660Detector.DESCRIPTOR_OFFSET, Iso9660Detector.DESCRIPTOR_CAP));
  }

  @Test
  void aSmallFileIsOneReadOfItAllAndOneByteMore() {
    // One byte past the end: a file that grew since its size was taken is noticed.
    assertThat(Formats.plan(1).ranges()).containsExactly(range(0, 2));
    assertThat(Formats.plan(3000).ranges()).containsExactly(range(0, 3001));
    assertThat(Formats.plan(4096).ranges()).containsExactly(range(0, 4097));
    // Head and tail at most 8 KiB apart: one read.
    assertThat(Formats.plan(12 * 1024).ranges()).containsExactly(range(0, 12 * 1024 + 1));
    assertThat(Formats.plan(16 * 1024).ranges()).containsExactly(range(0, 16 * 1024 + 1));
  }

  @Test
  void headAndTailFartherApartThanTheGapAreTwoReads() {
    assertThat(Formats.plan(16 * 1024 + 1).ranges()).containsExactly(range(0, 4096), range(12 * 1024 + 1, 4097));
    assertThat(Formats.plan(20_000).ranges()).containsExactly(range(0, 4096), range(20_000 - 4096, 4097));
  }

  @Test
  void theIsoDescriptorIsItsOwnReadOrOneWithANearTail() {
    // A tail that ends within 8 KiB of the descriptor's end takes the descriptor with it.
    assertThat(Formats.plan(40 * 1024).ranges()).containsExactly(range(0, 4096), range(0x8000, 8 * 1024 + 1));
    assertThat(Formats.plan(64 * 1024).ranges())
        .containsExactly(range(0, 4096), range(0x8000, 0x800), range(60 * 1024, 4097));
    long gib = 1L << 30;
    assertThat(Formats.plan(gib).ranges()).containsExactly(range(0, 4096), range(0x8000, 0x800), range(gib - 4096, 4097));
  }

  @Test
  void aFileOfUnknownSizeGetsTheHeadAndItsIsoDescriptorOnly() {
    assertThat(Formats.plan(0).ranges()).containsExactly(range(0, 4096), range(0x8000, 0x800));
  }

  @Test
  void detectorsThatReadOnlyTheHeadPlanOnlyTheHead() {
    ReadPlan.Needs head = Formats.needs(List.of(new QcowDetector(), new LuksDetector()));
    assertThat(ReadPlan.of(head, 1L << 20).ranges()).containsExactly(range(0, 4096));
    assertThat(ReadPlan.of(head, 100).ranges()).containsExactly(range(0, 101));
  }

  @Test
  void rangesArePlannedInOrderOfOffsetWhateverOrderTheyAreDeclaredIn() {
    ReadPlan.Needs needs = new ReadPlan.Needs(List.of(range(200_000, 100), range(100_000, 100)), true);
    assertThat(ReadPlan.of(needs, 1L << 20).ranges())
        .containsExactly(range(0, 4096), range(100_000, 100), range(200_000, 100), range((1L << 20) - 4096, 4097));
    // A tail that starts before a fixed range takes its place in the order, and merges with it.
    assertThat(ReadPlan.of(needs, 200_050).ranges())
        .containsExactly(range(0, 4096), range(100_000, 100), range(200_050 - 4096, 4097));
  }

  @Test
  void aPlanNeverOutgrowsItsBuffer() {
    List<ReadPlan.Range> far = List.of(range(1 << 20, ReadPlan.MAX_RANGE), range(2 << 20, ReadPlan.MAX_RANGE));
    ReadPlan plan = ReadPlan.of(new ReadPlan.Needs(far, true), 4L << 20);
    assertThat(plan.ranges().stream().mapToInt(ReadPlan.Range::length).sum()).isLessThanOrEqualTo(ReadPlan.CAPACITY);
    assertThat(plan.ranges()).contains(range(0, 4096));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void theReadsOfAllDetectorsCostOnePreadUpTo16KiBAndAtMostThreePast() throws IOException {
    assertThat(judged(3000).preads).isEqualTo(1);
    assertThat(judged(16 * 1024).preads).isEqualTo(1);
    assertThat(judged(20_000).preads).isEqualTo(2);
    assertThat(judged(40 * 1024).preads).isEqualTo(2);
    assertThat(judged(64 * 1024).preads).isEqualTo(3);
    assertThat(judged(1 << 20).preads).isEqualTo(3);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aFileGrownSinceItsSizeWasTakenIsStillNoticed() throws IOException {
    byte[] bytes = new byte[40 * 1024];
    Path file = Files.write(dir.resolve("grown.img"), bytes);
    // The size the source was opened with is one sector short of what the file now holds.
    int fd = LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, LinuxFiles.cPath(file), LinuxFiles.O_RDONLY | LinuxFiles.O_CLOEXEC);
    try {
      long size = bytes.length - 512;
      NativeSource source = new NativeSource(fd, size, Caps.PER_FILE, LinuxFiles.ReadBuffer.get(), Formats.plan(size));
      AuditEntry.Image image = Auditor.judge("grown.img", null, source, size);
      assertThat(image.flags()).contains(Flag.CHANGED_DURING_AUDIT);
    } finally {
      LinuxFiles.close(fd);
    }
  }

  private record Judged(AuditEntry.Image image, int preads) {}

  /** Judges a file of random bytes through its plan, checking it against the same bytes in memory. */
  private Judged judged(int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    Path file = Files.write(dir.resolve("f" + size + ".img"), bytes);
    int fd = LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, LinuxFiles.cPath(file), LinuxFiles.O_RDONLY | LinuxFiles.O_CLOEXEC);
    try {
      NativeSource source = new NativeSource(fd, size, Caps.PER_FILE, LinuxFiles.ReadBuffer.get(), Formats.plan(size));
      AuditEntry.Image image = Auditor.judge("f.img", null, source, size);
      AuditEntry.Image inMemory = Auditor.judge("f.img", null, new ByteArraySource(bytes), size);
      // Same answer and the same bytesRead: the plan changes how the bytes are fetched, not what is read.
      assertThat(image).isEqualTo(inMemory);
      return new Judged(image, source.preads());
    } finally {
      LinuxFiles.close(fd);
    }
  }
}
