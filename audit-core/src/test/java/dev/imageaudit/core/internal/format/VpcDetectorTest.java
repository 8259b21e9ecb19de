package dev.imageaudit.core.internal.format;

import static dev.imageaudit.core.internal.format.Fixtures.judge;
import static dev.imageaudit.core.internal.format.Fixtures.putBe32;
import static dev.imageaudit.core.internal.format.Fixtures.putBe64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VHD (vpc): the qemu-img fixtures against qemu's answers, and hand-built broken footers. */
public class VpcDetectorTest {

  /**
   * Everything a VHD detection may read: head, tail, the dynamic header, eight locators. The tail is
   * among the reads every audit makes, which {@link Fixtures#judge(byte[], long)} adds: it is not
   * counted here.
   */
  private static final long CAP = Caps.HEAD + VpcDetector.DYNAMIC_HEADER + 8 * Caps.VPC_PARENT_LOCATOR;

  /** dynamic.vhd: footer copy at 0, dynamic header at 512, one BAT entry at 1536, footer at 2048. */
  private static final int DYNAMIC_HEADER_AT = 512;

  @ParameterizedTest
  @ValueSource(strings = {"dynamic.vhd", "dynamic-force-size.vhd"})
  void dynamicDisksMatchQemuImg(String name) throws IOException {
    Fixtures.QemuInfo qemu = Fixtures.qemu("vpc", name);
    byte[] bytes = Fixtures.bytes("vpc", name);
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format().id()).isEqualTo(qemu.format());
    assertThat(image.virtualSize()).hasToString(qemu.virtualSize());
    assertThat(image.details().toMap()).containsEntry("blockSize", qemu.clusterSize().orElseThrow());
    assertThat(image.flags()).isEmpty();
    // The whole file is in the head: nothing else is read.
    assertThat(image.bytesRead()).isEqualTo(bytes.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fixed.vhd", "fixed-force-size.vhd"})
  void fixedDisksAreVpcSizedAsQemusVpcDriverWhereQemusProbeSaysRaw(String name) throws IOException {
    byte[] bytes = Fixtures.bytes("vpc", name);
    Fixtures.QemuInfo probed = Fixtures.qemu("vpc", name);
    Fixtures.QemuInfo forced = Fixtures.qemu("vpc", name, "qemu-img-info-f-vpc.json");
    // qemu-img's probe: raw, the whole file, footer included.
    assertThat(probed.format()).isEqualTo("raw");
    assertThat(probed.virtualSize()).isEqualTo(Long.toString(bytes.length));
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VPC);
    assertThat(forced.format()).isEqualTo("vpc");
    assertThat(image.virtualSize()).hasToString(forced.virtualSize());
    assertThat(image.virtualSize()).isEqualTo(U64.of(bytes.length - 512));
    assertThat(image.details().toMap()).containsEntry("diskType", "fixed").containsEntry("footerOnlyAtEnd", true);
    assertThat(image.flags()).isEmpty();
    // The detector reads the tail itself: of the shared reads, only the ISO 9660 descriptor is extra.
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Caps.TAIL + Fixtures.isoRead(bytes));
  }

  @Test
  void theSizeComesFromTheGeometryOrTheFooterAsTheCreatorDictates() throws IOException {
    assertThat(judge(Fixtures.bytes("vpc", "dynamic.vhd")).details().toMap())
        .containsEntry("diskType", "dynamic")
        .containsEntry("creatorApp", "qemu")
        .containsEntry("cylinders", 2)
        .containsEntry("heads", 4)
        .containsEntry("sectorsPerTrack", 17)
        .containsEntry("currentSize", U64.of(69632))
        .containsEntry("originalSize", U64.of(69632))
        .containsEntry("sizeFrom", "chs");
    assertThat(judge(Fixtures.bytes("vpc", "dynamic-force-size.vhd")).details().toMap())
        .containsEntry("creatorApp", "qem2")
        .containsEntry("cylinders", 65535)
        .containsEntry("heads", 16)
        .containsEntry("sectorsPerTrack", 255)
        .containsEntry("sizeFrom", "currentSize");
  }

  @Test
  void anAzureCreatorIsSizedFromTheFooterWhereQemu72StillUsesTheGeometry() throws IOException {
    Fixtures.QemuInfo qemu = Fixtures.qemu("vpc", "creator-wa.vhd");
    AuditEntry.Image image = judge(Fixtures.bytes("vpc", "creator-wa.vhd"), CAP);
    assertThat(image.details().toMap()).containsEntry("creatorApp", "wa\\x00\\x00").containsEntry("sizeFrom", "currentSize");
    assertThat(image.virtualSize()).isEqualTo(U64.of(65536));
    // qemu-img 7.2: CHS 2 x 4 x 17 sectors. QEMU 10 changed to current_size for unknown creators.
    assertThat(qemu.virtualSize()).isEqualTo("69632");
    assertThat(image.flags()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // footers and dynamic headers built or cut by hand

  @Test
  void aFooterWhoseChecksumFailsIsAnInvalidHeader() throws IOException {
    byte[] b = dynamic();
    b[100] ^= 1;
    assertInvalid(b, "checksum", U64.of(69632));
    byte[] fixed = Fixtures.bytes("vpc", "fixed.vhd");
    fixed[fixed.length - 300] ^= 1;
    assertInvalid(fixed, "checksum", U64.of(69632));
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 28, 48, 56, 60, 64, 100, 511})
  void aFooterCutShortIsTruncatedWithoutASize(int length) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(dynamic(), length), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VPC);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "footer");
    assertThat(image.virtualSize()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 520, 528, 544, 1100, 1535})
  void aDynamicHeaderCutShortIsTruncated(int length) throws IOException {
    assertTruncated(Arrays.copyOf(dynamic(), length), "dynamicHeader");
  }

  @Test
  void aBlockTableOrFooterCopyCutOffIsTruncated() throws IOException {
    assertTruncated(Arrays.copyOf(dynamic(), 1538), "blockAllocationTable");
    assertTruncated(Arrays.copyOf(dynamic(), 2048), "footer");
    assertTruncated(Arrays.copyOf(dynamic(), 2559), "footer");
  }

  @Test
  void dataOffsetsPastTheEndOrWrappingAreNotRead() throws IOException {
    assertInvalid(footer(dynamic(), 16, -1L), "dataOffset", U64.of(69632));
    assertInvalid(footer(dynamic(), 16, 0), "dataOffset", U64.of(69632));
    for (long offset : new long[] {1L << 40, Long.MIN_VALUE, -1L - 1024}) {
      AuditEntry.Image image = assertTruncated(footer(dynamic(), 16, offset), "dynamicHeader");
      assertThat(image.bytesRead()).isEqualTo(2560);
    }
    assertInvalid(footer(dynamic(), 16, -1L - 1023), "dataOffset", U64.of(69632));
  }

  @Test
  void absurdDynamicHeaderFieldsAreInvalidHeaders() throws IOException {
    assertInvalid(dynamicHeader(dynamic(), 32, 0), "blockSize", U64.of(69632));
    assertInvalid(dynamicHeader(dynamic(), 32, 3000), "blockSize", U64.of(69632));
    assertInvalid(dynamicHeader(dynamic(), 28, 0), "blockAllocationTable", U64.of(69632));
    AuditEntry.Image image = assertInvalid(dynamicHeader(dynamic(), 28, 0xFFFF_FFFFL), "maxTableEntries", U64.of(69632));
    assertThat(image.flags()).contains(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "blockAllocationTable");
    image = judge(dynamicHeader(dynamic(), 16, -8L), CAP);
    assertThat(image.details().toMap()).containsEntry("truncated", "blockAllocationTable");
    byte[] badCookie = dynamic();
    badCookie[DYNAMIC_HEADER_AT] = 'X';
    assertInvalid(badCookie, "dynamicHeaderCookie", U64.of(69632));
  }

  @Test
  void absurdSizesStayUnsignedAndPastVhdsLimitAreInvalid() throws IOException {
    byte[] b = dynamic();
    Fixtures.put(b, 28, "win ".getBytes(StandardCharsets.US_ASCII));
    b = footer(b, 48, -1L);
    AuditEntry.Image image = assertInvalid(b, "diskSize", U64.of(-512L));
    assertThat(image.virtualSize()).hasToString("18446744073709551104");
    assertThat(image.details().toMap()).containsEntry("currentSize", U64.of(-1L));
    // The largest geometry QEMU still sizes by CHS: 65535 x 16 x 254 sectors, inside the limit.
    byte[] chs = dynamic();
    Fixtures.putBe16(chs, 56, 65535);
    chs[58] = 16;
    chs[59] = (byte) 254;
    chs = dynamicHeader(footer(chs, 48, 0), 28, 65024); // blocks of 2 MiB, rounded up
    image = judge(chs, CAP);
    assertThat(image.virtualSize()).isEqualTo(U64.of(65535L * 16 * 254 * 512));
    assertThat(image.details().toMap()).containsEntry("sizeFrom", "chs").doesNotContainKey("invalidHeader");
  }

  @Test
  void unknownDiskTypesAreInvalid() throws IOException {
    AuditEntry.Image image = assertInvalid(footer(dynamic(), 60, 5), "diskType", U64.of(69632));
    assertThat(image.details().toMap()).containsEntry("diskType", "unknown(5)");
  }

  @Test
  void aDifferencingDiskNamesItsParentAndReadsOnlyShortLocators() throws IOException {
    byte[] dynamic = dynamic();
    byte[] b = new byte[12288];
    System.arraycopy(dynamic, 0, b, 0, 2048);
    System.arraycopy(dynamic, 2048, b, b.length - 512, 512);
    byte[] relative = "..\\base.vhd".getBytes(StandardCharsets.UTF_16LE);
    Fixtures.put(b, 8192, relative);
    Fixtures.put(b, DYNAMIC_HEADER_AT + 64, "base.vhd".getBytes(StandardCharsets.UTF_16BE));
    locator(b, 0, "W2ru", relative.length, 8192);
    locator(b, 1, "W2ku", 0x8000_0000L, 8192); // longer than the cap: listed, not read
    locator(b, 2, "MacX", 16, -8L); // wraps past 2^64: listed, not read
    b = footer(b, 60, 4);
    AuditEntry.Image image = judge(b, CAP);
    assertThat(image.flags()).containsExactly(Flag.DIFFERENCING_DISK);
    assertThat(image.details().toMap()).containsEntry("diskType", "differencing").containsEntry("parentName", "base.vhd");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> locators = (List<Map<String, Object>>) image.details().toMap().get("parentLocators");
    assertThat(locators).extracting(l -> l.get("platform")).containsExactly("W2ru", "W2ku", "MacX");
    assertThat(locators.get(0)).containsEntry("path", "..\\base.vhd");
    assertThat(locators.get(1)).doesNotContainKey("path").containsEntry("dataLength", 0x8000_0000L);
    assertThat(locators.get(2)).doesNotContainKey("path").containsEntry("dataOffset", U64.of(-8L));
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Caps.TAIL + relative.length);
  }

  // ---------------------------------------------------------------------------------------------
  // the footer at the end

  @Test
  void aFooterOnlyAtTheEndMustBeAFixedDisk() throws IOException {
    byte[] fixed = Fixtures.bytes("vpc", "fixed.vhd");
    AuditEntry.Image image = assertInvalid(footer(fixed, fixed.length - 512, 60, 3), "diskType", U64.of(69632));
    assertThat(image.details().toMap()).containsEntry("diskType", "dynamic").containsEntry("footerOnlyAtEnd", true);
  }

  @Test
  void aFixedDiskCutAnywhereIsRawAsItsFooterIsGone() throws IOException {
    byte[] fixed = Fixtures.bytes("vpc", "fixed.vhd");
    for (int cut : new int[] {1, 100, 512, 4096}) {
      byte[] shorter = Arrays.copyOf(fixed, fixed.length - cut);
      AuditEntry.Image image = judge(shorter, CAP);
      assertThat(image.format()).isEqualTo(ImageFormat.RAW);
      assertThat(image.virtualSize()).isEqualTo(U64.of(shorter.length));
    }
    assertThat(judge(Arrays.copyOf(fixed, 300)).format()).isEqualTo(ImageFormat.RAW);
  }

  @Test
  void aHeaderAtTheStartWinsOverAFooterAtTheEnd() throws IOException {
    byte[] fixed = Fixtures.bytes("vpc", "fixed.vhd");
    byte[] vmdk = Fixtures.bytes("vmdk", "monolithicSparse.vmdk");
    System.arraycopy(fixed, fixed.length - 512, vmdk, vmdk.length - 512, 512);
    AuditEntry.Image image = judge(vmdk);
    assertThat(image.format()).isEqualTo(ImageFormat.VMDK);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  // ---------------------------------------------------------------------------------------------

  private static AuditEntry.Image assertInvalid(byte[] bytes, String check, U64 size) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VPC);
    assertThat(image.flags()).as(check).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", check);
    assertThat(image.virtualSize()).isEqualTo(size);
    return image;
  }

  private static AuditEntry.Image assertTruncated(byte[] bytes, String part) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VPC);
    assertThat(image.flags()).as(part).contains(Flag.TRUNCATED).doesNotContain(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("truncated", part);
    assertThat(image.virtualSize()).isEqualTo(U64.of(69632));
    return image;
  }

  public static byte[] dynamic() throws IOException {
    return Fixtures.bytes("vpc", "dynamic.vhd");
  }

  /** Returns a copy with a footer field at 0 changed (u64 at 16, 40, 48; u32 elsewhere), checksum fixed. */
  public static byte[] footer(byte[] b, int field, long value) {
    return footer(b, 0, field, value);
  }

  public static byte[] footer(byte[] b, int footerAt, int field, long value) {
    byte[] copy = b.clone();
    if (field == 16 || field == 40 || field == 48) {
      putBe64(copy, footerAt + field, value);
    } else {
      putBe32(copy, footerAt + field, value);
    }
    putBe32(copy, footerAt + 64, VpcDetector.checksum(Arrays.copyOfRange(copy, footerAt, footerAt + 512)));
    return copy;
  }

  /** Returns a copy with a dynamic header field changed (u64 at 16, u32 elsewhere). */
  private static byte[] dynamicHeader(byte[] b, int field, long value) {
    byte[] copy = b.clone();
    if (field == 16) {
      putBe64(copy, DYNAMIC_HEADER_AT + field, value);
    } else {
      putBe32(copy, DYNAMIC_HEADER_AT + field, value);
    }
    return copy;
  }

  public static void locator(byte[] b, int index, String platform, long length, long offset) {
    int at = DYNAMIC_HEADER_AT + 576 + 24 * index;
    Fixtures.put(b, at, platform.getBytes(StandardCharsets.US_ASCII));
    putBe32(b, at + 4, (length + 511) / 512);
    putBe32(b, at + 8, length);
    putBe64(b, at + 16, offset);
  }
}
