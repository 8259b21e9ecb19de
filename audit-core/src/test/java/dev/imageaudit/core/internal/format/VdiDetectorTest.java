package dev.imageaudit.core.internal.format;

import static dev.imageaudit.core.internal.format.Fixtures.judge;
import static dev.imageaudit.core.internal.format.Fixtures.putLe32;
import static dev.imageaudit.core.internal.format.Fixtures.putLe64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VDI: the qemu-img fixtures against qemu's answers, and hand-built broken headers. */
class VdiDetectorTest {

  /**
   * The whole VDI header is in the head: nothing past it is ever read (bar what every audit reads,
   * which {@link Fixtures#judge(byte[], long)} adds).
   */
  private static final long CAP = Caps.HEAD;

  @ParameterizedTest
  @ValueSource(strings = {"dynamic.vdi", "static.vdi.gz", "odd-size.vdi"})
  void formatSizeAndBlockSizeAreQemuImgs(String name) throws IOException {
    String image = name.replace(".gz", "");
    Fixtures.QemuInfo qemu = Fixtures.qemu("vdi", image);
    byte[] bytes = Fixtures.bytes("vdi", name);
    AuditEntry.Image judged = judge(bytes, CAP);
    assertThat(judged.format().id()).isEqualTo(qemu.format());
    assertThat(judged.virtualSize()).hasToString(qemu.virtualSize());
    boolean isStatic = image.startsWith("static");
    assertThat(judged.details().toMap())
        .containsEntry("blockSize", qemu.clusterSize().orElseThrow())
        .containsEntry("version", "1.1")
        .containsEntry("imageType", isStatic ? "static" : "dynamic")
        .containsEntry("blocks", 1L)
        .containsEntry("blocksAllocated", isStatic ? 1L : 0L)
        .containsEntry("sectorSize", 512L);
    assertThat(judged.flags()).isEmpty();
    assertThat(judged.bytesRead()).isEqualTo(Math.min(bytes.length, Caps.HEAD) + Fixtures.sharedReads(bytes));
  }

  @Test
  void anOddDiskSizeIsRoundedUpToWholeSectorsAsQemuDoes() throws IOException {
    AuditEntry.Image image = judge(Fixtures.bytes("vdi", "odd-size.vdi"));
    assertThat(image.details().toMap()).containsEntry("diskSize", U64.of(1_000_001));
    assertThat(image.virtualSize()).isEqualTo(U64.of(1_000_448));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x44, 0x48, 0x4C, 0x100, 0x154, 0x170, 0x174, 0x178, 0x180, 0x1B8, 0x1C7})
  void aHeaderCutAtEachFieldBoundaryIsTruncated(int length) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(dynamic(), length), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VDI);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "header");
    assertThat(image.virtualSize()).isEqualTo(length >= 0x178 ? U64.of(1 << 20) : null);
  }

  @Test
  void withoutItsWholeSignatureAFileIsNotVdi() throws IOException {
    assertThat(judge(Arrays.copyOf(dynamic(), 0x43)).format()).isEqualTo(ImageFormat.RAW);
  }

  @Test
  void blockMapOrBlocksPastTheEndAreTruncated() throws IOException {
    assertTruncated(Arrays.copyOf(dynamic(), 0x200), "blockMap", U64.of(1 << 20));
    assertTruncated(with(dynamic(), 0x154, 0xFFFF_FFFFL), "blockMap", U64.of(1 << 20));
    byte[] stat = Fixtures.bytes("vdi", "static.vdi.gz");
    assertTruncated(Arrays.copyOf(stat, stat.length - 1), "blocks", U64.of(1 << 20));
    assertTruncated(with(stat, 0x158, 0xFFFF_FFFFL), "blocks", U64.of(1 << 20));
  }

  @Test
  void absurdFieldsAreInvalidHeaders() throws IOException {
    assertInvalid(with(dynamic(), 0x44, 0x0001_0000), "version", null);
    assertInvalid(with(dynamic(), 0x4C, 9), "imageType", U64.of(1 << 20));
    assertInvalid(with(dynamic(), 0x168, 4096), "sectorSize", U64.of(1 << 20));
    assertInvalid(with(dynamic(), 0x184, 2), "blocksAllocated", U64.of(1 << 20));
    // More disk than the block map covers (1 block of 1 MiB).
    assertInvalid(with64(dynamic(), 0x170, 2L << 20), "diskSize", U64.of(2 << 20));
    // Sizes near 2^64: exact and unsigned up to the last whole sector, none past it.
    assertInvalid(with64(dynamic(), 0x170, -512L), "diskSize", U64.of(-512L));
    assertInvalid(with64(dynamic(), 0x170, -511L), "diskSize", null);
    AuditEntry.Image image = assertInvalid(with(dynamic(), 0x180, 0xFFFF_FFFFL), "blocks", U64.of(1 << 20));
    assertThat(image.flags()).contains(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("imageType", "dynamic").containsEntry("blocks", 0xFFFF_FFFFL);
  }

  @Test
  void aParentUuidOrTheDifferencingTypeMakesADifferencingDisk() throws IOException {
    byte[] child = dynamic();
    child[0x1B8] = 0x42;
    AuditEntry.Image image = judge(child, CAP);
    assertThat(image.flags()).containsExactly(Flag.DIFFERENCING_DISK);
    assertThat(image.details().toMap()).containsEntry("parentUuid", "42000000000000000000000000000000");
    AuditEntry.Image typed = judge(with(dynamic(), 0x4C, 4), CAP);
    assertThat(typed.flags()).containsExactly(Flag.DIFFERENCING_DISK);
    assertThat(typed.details().toMap()).containsEntry("imageType", "differencing");
  }

  // ---------------------------------------------------------------------------------------------

  private static AuditEntry.Image assertInvalid(byte[] bytes, String check, U64 size) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VDI);
    assertThat(image.flags()).as(check).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", check);
    assertThat(image.virtualSize()).isEqualTo(size);
    return image;
  }

  private static void assertTruncated(byte[] bytes, String part, U64 size) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VDI);
    assertThat(image.flags()).as(part).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", part);
    assertThat(image.virtualSize()).isEqualTo(size);
  }

  private static byte[] dynamic() throws IOException {
    return Fixtures.bytes("vdi", "dynamic.vdi");
  }

  private static byte[] with(byte[] b, int at, long u32) {
    putLe32(b, at, u32);
    return b;
  }

  private static byte[] with64(byte[] b, int at, long u64) {
    putLe64(b, at, u64);
    return b;
  }
}
