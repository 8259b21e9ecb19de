package dev.imageaudit.core.internal.format;

import static dev.imageaudit.core.internal.format.Fixtures.judge;
import static dev.imageaudit.core.internal.format.Fixtures.putLe16;
import static dev.imageaudit.core.internal.format.Fixtures.putLe32;
import static dev.imageaudit.core.internal.format.Fixtures.putLe64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VhdxDetails;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VHDX: the qemu-img fixtures against qemu's answers, a differencing disk and broken tables built by hand. */
public class VhdxDetectorTest {

  /**
   * Everything a VHDX detection may read: head, two headers, two region tables, the metadata cap
   * (and what every audit reads, which {@link Fixtures#judge(byte[], long)} adds).
   */
  private static final long CAP = Caps.HEAD + 2L * VhdxDetector.HEADER + 2L * VhdxDetector.REGION_TABLE
      + Caps.VHDX_METADATA;

  // Where qemu-img puts things in dynamic.vhdx (read from its region and metadata tables).
  private static final int TABLE_1 = 0x30000;
  private static final int TABLE_2 = 0x40000;
  private static final int METADATA = 3 << 20;
  private static final int ITEMS = METADATA + 0x10000; // file parameters, then the others
  private static final int FILE_PARAMETERS = ITEMS;
  private static final int DISK_SIZE = ITEMS + 8;
  private static final int LOGICAL_SECTOR = ITEMS + 0x20;

  /**
   * Head, both headers, one region table, the metadata table (5 entries), four items: the detector's
   * reads, to which every audit adds {@link Fixtures#sharedReads(byte[])}.
   */
  private static final long FIXTURE_READ = Caps.HEAD + 2 * 4096 + 65536 + 32 + 5 * 32 + 8 + 8 + 4 + 4;

  @ParameterizedTest
  @ValueSource(strings = {"dynamic.vhdx", "dynamic-default-block.vhdx", "fixed.vhdx"})
  void formatSizeAndBlockSizeAreQemuImgs(String name) throws IOException {
    Fixtures.QemuInfo qemu = Fixtures.qemu("vhdx", name);
    byte[] bytes = Fixtures.bytes("vhdx", name + ".gz");
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format().id()).isEqualTo(qemu.format());
    assertThat(image.virtualSize()).hasToString(qemu.virtualSize());
    assertThat(image.details().toMap())
        .containsEntry("blockSize", qemu.clusterSize().orElseThrow())
        .containsEntry("leaveBlocksAllocated", name.startsWith("fixed"))
        .containsEntry("hasParent", false)
        .containsEntry("logicalSectorSize", 512L)
        .containsEntry("virtualDiskSize", U64.of(1 << 20));
    assertThat((String) image.details().toMap().get("creator")).startsWith("QEMU v");
    assertThat(image.flags()).isEmpty();
    assertThat(image.bytesRead()).isEqualTo(FIXTURE_READ + Fixtures.sharedReads(bytes));
  }

  @Test
  void aDifferencingDiskReportsItsParentLocatorWithoutOpeningIt() throws IOException {
    byte[] b = differencing(locator(
        "parent_linkage", "{83ad0a27-7d8c-4a27-9c3c-6a87e3e4c7a1}",
        "relative_path", "..\\base.vhdx",
        "absolute_win32_path", "C:\\vm\\base.vhdx"));
    AuditEntry.Image image = judge(b, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VHDX);
    assertThat(image.flags()).containsExactly(Flag.DIFFERENCING_DISK);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image.details().toMap()).containsEntry("hasParent", true);
    @SuppressWarnings("unchecked")
    Map<String, Object> locator = (Map<String, Object>) image.details().toMap().get("parentLocator");
    assertThat(locator).containsEntry("type", "B04AEFB7-D19E-4A81-B789-25B8E9445913");
    assertThat(locator.get("entries")).isEqualTo(Map.of(
        "parent_linkage", "{83ad0a27-7d8c-4a27-9c3c-6a87e3e4c7a1}",
        "relative_path", "..\\base.vhdx",
        "absolute_win32_path", "C:\\vm\\base.vhdx"));
    assertThat(image.details().header()).isInstanceOfSatisfying(VhdxDetails.class, vhdx -> {
      assertThat(vhdx.hasParent()).isTrue();
      assertThat(vhdx.parentLocator().type()).isEqualTo("B04AEFB7-D19E-4A81-B789-25B8E9445913");
      assertThat(vhdx.parentLocator().entries()).containsExactly(
          Map.entry("parent_linkage", "{83ad0a27-7d8c-4a27-9c3c-6a87e3e4c7a1}"),
          Map.entry("relative_path", "..\\base.vhdx"),
          Map.entry("absolute_win32_path", "C:\\vm\\base.vhdx"));
    });
  }

  @Test
  void brokenParentLocatorsAreInvalidHeaders() throws IOException {
    byte[] noLocator = dynamic();
    noLocator[FILE_PARAMETERS + 4] |= 2;
    AuditEntry.Image image = assertInvalid(noLocator, "parentLocatorMissing", U64.of(1 << 20));
    assertThat(image.flags()).contains(Flag.DIFFERENCING_DISK);

    byte[] outside = locator("relative_path", "..\\base.vhdx");
    putLe32(outside, 20 + 4, 0x7FFF_0000); // the value's offset, far past the item
    assertInvalid(differencing(outside), "parentLocator", U64.of(1 << 20));

    byte[] tooMany = locator("relative_path", "x");
    putLe16(tooMany, 18, 0xFFFF); // 65535 entries in a 40-byte item
    assertInvalid(differencing(tooMany), "parentLocator", U64.of(1 << 20));

    byte[] huge = differencing(locator("relative_path", "x"));
    putLe32(huge, METADATA + 32 + 5 * 32 + 20, 0xFFFF_FFF0L); // the item's length
    image = assertInvalid(huge, "parentLocatorSize", U64.of(1 << 20));
    assertThat(image.bytesRead()).isEqualTo(FIXTURE_READ + 32 + Fixtures.sharedReads(huge));
  }

  // ---------------------------------------------------------------------------------------------
  // region tables

  @Test
  void aBrokenFirstRegionTableFallsBackToTheCopyButIsReported() throws IOException {
    byte[] signature = dynamic();
    signature[TABLE_1] = 'X';
    AuditEntry.Image image = assertInvalid(signature, "regionTableSignature", U64.of(1 << 20));
    assertThat(image.details().toMap()).containsEntry("regionTableCopyUsed", true);
    assertThat(image.bytesRead()).isEqualTo(FIXTURE_READ + VhdxDetector.REGION_TABLE + Fixtures.sharedReads(signature));

    byte[] checksum = dynamic();
    checksum[TABLE_1 + 100] ^= 1;
    assertInvalid(checksum, "regionTableChecksum", U64.of(1 << 20));

    byte[] both = dynamic();
    both[TABLE_1 + 100] ^= 1;
    both[TABLE_2 + 100] ^= 1;
    assertInvalid(both, "regionTableChecksum", null);
  }

  @Test
  void absurdRegionTablesAreInvalidHeaders() throws IOException {
    assertInvalid(regions(dynamic(), t -> putLe32(t, 8, 2048)), "regionEntryCount", null);
    assertInvalid(regions(dynamic(), t -> putLe32(t, 8, 0xFFFF_FFFFL)), "regionEntryCount", null);
    // The metadata region's GUID changed: no metadata region.
    assertInvalid(regions(dynamic(), t -> t[16 + 32] ^= 1), "metadataRegionMissing", null);
    // A second metadata region.
    assertInvalid(regions(dynamic(), t -> {
      putLe32(t, 8, 3);
      System.arraycopy(t, 16 + 32, t, 16 + 64, 32);
    }), "metadataRegionDuplicate", U64.of(1 << 20));
    // A required region this audit does not know: QEMU refuses the file.
    AuditEntry.Image image = judge(regions(dynamic(), t -> {
      putLe32(t, 8, 3);
      Arrays.fill(t, 16 + 64, 16 + 80, (byte) 0x5A);
      putLe64(t, 16 + 64 + 16, 5L << 20);
      putLe32(t, 16 + 64 + 24, 1 << 20);
      putLe32(t, 16 + 64 + 28, 1);
    }), CAP);
    assertThat(image.flags()).containsExactly(Flag.UNKNOWN_FEATURES);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  @Test
  void regionOffsetsPastTheEndOrWrappingAreNotRead() throws IOException {
    for (long offset : new long[] {-1L, -16L, 1L << 40, Long.MIN_VALUE}) {
      byte[] metadataPast = regions(dynamic(), t -> putLe64(t, 16 + 32 + 16, offset));
      AuditEntry.Image image = judge(metadataPast, CAP);
      assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
      assertThat(image.details().toMap()).containsEntry("truncated", "metadataTable");
      assertThat(image.virtualSize()).isNull();
      assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + 2 * 4096 + 65536 + Fixtures.sharedReads(metadataPast));
      image = judge(regions(dynamic(), t -> putLe64(t, 16 + 16, offset)), CAP);
      assertThat(image.details().toMap()).containsEntry("truncated", "batRegion");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // metadata

  @Test
  void absurdMetadataTablesAreInvalidHeaders() throws IOException {
    byte[] signature = dynamic();
    signature[METADATA] = 'X';
    assertInvalid(signature, "metadataSignature", null);

    byte[] count = dynamic();
    putLe16(count, METADATA + 10, 0xFFFF);
    AuditEntry.Image image = assertInvalid(count, "metadataEntryCount", null);
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + 2 * 4096 + 65536 + 32 + Fixtures.sharedReads(count));

    byte[] outside = dynamic();
    putLe32(outside, METADATA + 32 + 32 + 16, 0xFFFF_FFF0L); // the disk size item's offset
    assertInvalid(outside, "metadataItemOutsideRegion", null);

    byte[] shortItem = dynamic();
    putLe32(shortItem, METADATA + 32 + 32 + 20, 4); // the disk size item's length
    assertInvalid(shortItem, "metadataItemLength", null);

    byte[] missing = dynamic();
    missing[METADATA + 32 + 32] ^= 1; // the disk size item's GUID
    assertInvalid(missing, "virtualDiskSizeMissing", null);

    byte[] duplicate = dynamic();
    System.arraycopy(duplicate, METADATA + 32 + 32, duplicate, METADATA + 32 + 64, 32);
    assertInvalid(duplicate, "metadataItemDuplicate", U64.of(1 << 20));

    byte[] unknownRequired = dynamic();
    unknownRequired[METADATA + 32 + 64] ^= 1; // page 83's GUID, required
    image = assertInvalid(unknownRequired, "page83Missing", U64.of(1 << 20));
    assertThat(image.flags()).contains(Flag.UNKNOWN_FEATURES);
  }

  @Test
  void absurdMetadataItemsAreInvalidHeaders() throws IOException {
    assertInvalid(with(dynamic(), FILE_PARAMETERS, 0), "blockSize", U64.of(1 << 20));
    assertInvalid(with(dynamic(), FILE_PARAMETERS, (1L << 20) + 512), "blockSize", U64.of(1 << 20));
    assertInvalid(with(dynamic(), FILE_PARAMETERS, 512L << 20), "blockSize", U64.of(1 << 20));
    assertInvalid(with(dynamic(), LOGICAL_SECTOR, 1000), "logicalSectorSize", U64.of(1 << 20));
    // A size the BAT region (1 MiB: 131072 entries) cannot cover; still exact, never negative.
    byte[] huge = dynamic();
    putLe64(huge, DISK_SIZE, Long.MIN_VALUE);
    AuditEntry.Image image = assertInvalid(huge, "batTooSmall", U64.of(Long.MIN_VALUE));
    assertThat(image.virtualSize()).hasToString("9223372036854775808");
    byte[] odd = dynamic();
    putLe64(odd, DISK_SIZE, -1L);
    assertInvalid(odd, "virtualDiskSize", U64.of(-512L));
    // 131072 BAT entries, 1 MiB blocks, one bitmap entry per 4096 blocks: 130000 MiB still fits.
    byte[] largest = dynamic();
    putLe64(largest, DISK_SIZE, 130_000L << 20);
    assertThat(judge(largest, CAP).details().toMap()).doesNotContainKey("invalidHeader");
  }

  @Test
  void headersMustPassTheirChecksum() throws IOException {
    byte[] one = dynamic();
    one[0x10000 + 200] ^= 1;
    assertThat(judge(one, CAP).flags()).isEmpty();
    byte[] both = dynamic();
    both[0x10000 + 200] ^= 1;
    both[0x20000 + 200] ^= 1;
    assertInvalid(both, "header", U64.of(1 << 20));
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 520, 0x10000 + 100, 0x30000, 0x30000 + 100, 0x40000, 0x50000, 2 << 20,
      METADATA + 16, METADATA + 100, ITEMS + 4, DISK_SIZE + 4, LOGICAL_SECTOR + 2})
  void cutAtEachStructureIsTruncated(int length) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(dynamic(), length), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VHDX);
    assertThat(image.flags()).contains(Flag.TRUNCATED).doesNotContain(Flag.INVALID_HEADER);
    assertThat(image.virtualSize()).isEqualTo(length >= DISK_SIZE + 8 ? U64.of(1 << 20) : null);
  }

  // ---------------------------------------------------------------------------------------------

  private static AuditEntry.Image assertInvalid(byte[] bytes, String check, U64 size) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VHDX);
    assertThat(image.flags()).as(check).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", check);
    assertThat(image.virtualSize()).isEqualTo(size);
    return image;
  }

  static byte[] dynamic() throws IOException {
    return Fixtures.bytes("vhdx", "dynamic.vhdx.gz");
  }

  private static byte[] with(byte[] b, int at, long u32) {
    putLe32(b, at, u32);
    return b;
  }

  /** Applies {@code change} to both region tables and fixes their checksums. */
  private static byte[] regions(byte[] b, Consumer<byte[]> change) {
    for (int at : new int[] {TABLE_1, TABLE_2}) {
      byte[] table = Arrays.copyOfRange(b, at, at + 65536);
      change.accept(table);
      putLe32(table, 4, 0);
      CRC32C crc = new CRC32C();
      crc.update(table);
      putLe32(table, 4, crc.getValue());
      System.arraycopy(table, 0, b, at, table.length);
    }
    return b;
  }

  /**
   * Returns dynamic.vhdx made a differencing disk: HasParent set, a sixth metadata entry for the
   * parent locator item at 128 KiB into the metadata region.
   */
  public static byte[] differencing(byte[] locator) throws IOException {
    byte[] b = dynamic();
    b[FILE_PARAMETERS + 4] |= 2;
    putLe16(b, METADATA + 10, 6);
    int entry = METADATA + 32 + 5 * 32;
    Fixtures.put(b, entry, VhdxDetector.guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C"));
    putLe32(b, entry + 16, 0x20000);
    putLe32(b, entry + 20, locator.length);
    putLe32(b, entry + 24, 4 | 2); // required, virtual disk
    Fixtures.put(b, METADATA + 0x20000, locator);
    return b;
  }

  /** Returns a VHDX parent locator item: type GUID, count, entries, then the UTF-16LE keys and values. */
  public static byte[] locator(String... keyValues) {
    int count = keyValues.length / 2;
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    byte[] header = new byte[20 + 12 * count];
    Fixtures.put(header, 0, VhdxDetector.guid("B04AEFB7-D19E-4A81-B789-25B8E9445913"));
    putLe16(header, 18, count);
    for (int i = 0; i < count; i++) {
      byte[] key = keyValues[2 * i].getBytes(StandardCharsets.UTF_16LE);
      byte[] value = keyValues[2 * i + 1].getBytes(StandardCharsets.UTF_16LE);
      putLe32(header, 20 + 12 * i, header.length + strings.size());
      strings.writeBytes(key);
      putLe32(header, 20 + 12 * i + 4, header.length + strings.size());
      strings.writeBytes(value);
      putLe16(header, 20 + 12 * i + 8, key.length);
      putLe16(header, 20 + 12 * i + 10, value.length);
    }
    byte[] all = Arrays.copyOf(header, header.length + strings.size());
    System.arraycopy(strings.toByteArray(), 0, all, header.length, strings.size());
    return all;
  }
}
