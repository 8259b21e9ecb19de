package dev.imageaudit.core.internal.format;

import static dev.imageaudit.core.internal.format.Fixtures.judge;
import static dev.imageaudit.core.internal.format.Fixtures.putLe32;
import static dev.imageaudit.core.internal.format.Fixtures.putLe64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmdkDetails;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** VMDK: the qemu-img fixtures against qemu's answers, and hand-built broken headers. */
class VmdkDetectorTest {

  /**
   * Everything a VMDK detection may read: head, tail, one descriptor. The tail is among the reads
   * every audit makes, which {@link Fixtures#judge(byte[], long)} adds: it is not counted here.
   */
  private static final long CAP = Caps.HEAD + Caps.VMDK_DESCRIPTOR;

  /** Where the descriptor qemu-img embeds in a sparse extent ends: 20 sectors from sector 1. */
  private static final int EMBEDDED_DESCRIPTOR_END = 512 + 20 * 512;

  static Stream<String> qemuImages() {
    return Stream.of(
        "monolithicSparse.vmdk", "zeroedGrain.vmdk", "streamOptimized.vmdk", "streamOptimized-footer.vmdk",
        "monolithicFlat.vmdk", "twoGbMaxExtentFlat.vmdk", "twoGbMaxExtentSparse.vmdk", "overlay.vmdk",
        "cowd.vmdk", "extentAccess.vmdk", "monolithicFlat-flat.vmdk", "twoGbMaxExtentFlat-f001.vmdk");
  }

  @ParameterizedTest
  @MethodSource("qemuImages")
  void formatSizeAndClusterSizeAreQemuImgs(String name) throws IOException {
    Fixtures.QemuInfo qemu = Fixtures.qemu("vmdk", name);
    AuditEntry.Image image = judge(Fixtures.bytes("vmdk", name), CAP);
    assertThat(image.format().id()).isEqualTo(qemu.format());
    assertThat(image.virtualSize()).hasToString(qemu.virtualSize());
    // A descriptor's cluster size is its extents': qemu-img opens them to know it, this audit never does.
    if (qemu.clusterSize().isPresent() && !"descriptor".equals(image.details().toMap().get("headerType"))) {
      assertThat(image.details().toMap()).containsEntry("clusterSize", qemu.clusterSize().get());
    }
    if (qemu.cid().isPresent()) {
      assertThat(Long.parseLong((String) image.details().toMap().get("cid"), 16)).isEqualTo(qemu.cid().get());
      assertThat(Long.parseLong((String) image.details().toMap().get("parentCid"), 16)).isEqualTo(qemu.parentCid().get());
    }
    assertThat(image.details().toMap().get("parentFileNameHint")).isEqualTo(qemu.backingFilename().orElse(null));
  }

  @Test
  void monolithicSparseListsItsEmbeddedExtentButNamesNoOtherFile() throws IOException {
    byte[] bytes = Fixtures.bytes("vmdk", "monolithicSparse.vmdk");
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.details().toMap())
        .containsEntry("headerType", "KDMV")
        .containsEntry("version", 1L)
        .containsEntry("capacitySectors", U64.of(2048))
        .containsEntry("grainTableEntries", 512L)
        .containsEntry("compressed", false)
        .containsEntry("createType", "monolithicSparse")
        .containsEntry("descriptorVersion", "1")
        .containsEntry("extents", List.of(extent("RW", 2048, "SPARSE", "monolithicSparse.vmdk", null)));
    // The embedded descriptor names the file itself, and QEMU never opens it: not external.
    assertThat(image.flags()).isEmpty();
    // The head alone (and what every audit reads): the descriptor's text at sector 1 ends inside it,
    // so the rest of its 20 sectors, zeros, is not read.
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Fixtures.sharedReads(bytes));
  }

  @Test
  void aDescriptorWhoseTextRunsPastTheHeadIsReadWhole() throws IOException {
    byte[] bytes = Fixtures.bytes("vmdk", "monolithicSparse.vmdk");
    // The text ends at byte 861; comment lines carry it past the head, then a key only the rest holds.
    int at = 861;
    byte[] comment = "# filler filler filler filler filler filler filler filler filler\n".getBytes(StandardCharsets.US_ASCII);
    while (at < 6000) {
      System.arraycopy(comment, 0, bytes, at, comment.length);
      at += comment.length;
    }
    byte[] hint = "parentFileNameHint=\"far.vmdk\"\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(hint, 0, bytes, at, hint.length);
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.details().toMap()).containsEntry("parentFileNameHint", "far.vmdk");
    // The head, then the rest of the 20-sector descriptor at sector 1 (and what every audit reads).
    assertThat(image.bytesRead()).isEqualTo(EMBEDDED_DESCRIPTOR_END + Fixtures.sharedReads(bytes));
  }

  @Test
  void zeroedGrainAndStreamOptimizedAreReadFromTheHeader() throws IOException {
    assertThat(judge(Fixtures.bytes("vmdk", "zeroedGrain.vmdk")).details().toMap())
        .containsEntry("version", 2L)
        .containsEntry("zeroedGrain", true);
    AuditEntry.Image stream = judge(Fixtures.bytes("vmdk", "streamOptimized.vmdk"));
    assertThat(stream.details().toMap())
        .containsEntry("version", 3L)
        .containsEntry("compressed", true)
        .containsEntry("createType", "streamOptimized")
        .doesNotContainKey("headerInFooter");
  }

  @Test
  void streamFooterOverridesTheHeaderAndIsTakenFromTheTailAlone() throws IOException {
    byte[] bytes = Fixtures.bytes("vmdk", "streamOptimized-footer.vmdk");
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.details().toMap()).containsEntry("headerInFooter", true).containsEntry("capacitySectors", U64.of(4096));
    assertThat(image.virtualSize()).isEqualTo(U64.of(2 << 20));
    assertThat(image.flags()).isEmpty();
    // The detector reads the tail itself: of the shared reads, only the ISO 9660 descriptor is extra.
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Caps.TAIL + Fixtures.isoRead(bytes));
  }

  @Test
  void descriptorFilesNameTheirExtentsWhichAreNeverRead() throws IOException {
    byte[] bytes = Fixtures.bytes("vmdk", "monolithicFlat.vmdk");
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.flags()).containsExactly(Flag.EXTERNAL_EXTENT);
    assertThat(image.details().toMap())
        .containsEntry("headerType", "descriptor")
        .containsEntry("version", "1")
        .containsEntry("createType", "monolithicFlat")
        .containsEntry("extents", List.of(extent("RW", 128, "FLAT", "monolithicFlat-flat.vmdk", 0L)));
    assertThat(image.bytesRead()).isEqualTo(bytes.length);

    AuditEntry.Image split = judge(Fixtures.bytes("vmdk", "twoGbMaxExtentSparse.vmdk"), CAP);
    assertThat(split.flags()).containsExactly(Flag.EXTERNAL_EXTENT);
    assertThat(split.details().toMap())
        .containsEntry("extents", List.of(extent("RW", 2048, "SPARSE", "twoGbMaxExtentSparse-s001.vmdk", null)));
  }

  @Test
  void aSparseExtentWithoutDescriptorIsSizedFromItsHeaderWhereQemuImgGivesUp() throws IOException {
    String error = Files.readString(Fixtures.ROOT.resolve("vmdk/twoGbMaxExtentSparse-s001.vmdk.qemu-img-info.err"));
    assertThat(error).contains("Invalid argument");
    AuditEntry.Image image = judge(Fixtures.bytes("vmdk", "twoGbMaxExtentSparse-s001.vmdk"), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VMDK);
    // What qemu-img reports for this extent through its descriptor.
    assertThat(image.virtualSize()).hasToString(Fixtures.qemu("vmdk", "twoGbMaxExtentSparse.vmdk").virtualSize());
    assertThat(image.details().toMap()).doesNotContainKey("extents").containsEntry("embeddedDescriptor", "blank");
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void onlyRwExtentsOfTypesQemuOpensCountInTheSize() throws IOException {
    AuditEntry.Image image = judge(Fixtures.bytes("vmdk", "extentAccess.vmdk"), CAP);
    assertThat(image.virtualSize()).isEqualTo(U64.of(128 * 512));
    assertThat(image.details().toMap()).containsEntry("allExtentsSize", U64.of((128 + 64 + 32 + 16) * 512));
    assertThat(image.details().toMap())
        .containsEntry("extents", List.of(
            extent("RW", 128, "FLAT", "monolithicFlat-flat.vmdk", 0L),
            extent("RDONLY", 64, "FLAT", "monolithicFlat-flat.vmdk", 0L),
            extent("NOACCESS", 32, "FLAT", "monolithicFlat-flat.vmdk", 0L),
            extent("RW", 16, "ZERO", null, null)));
  }

  @Test
  void aParentIsABackingFile() throws IOException {
    AuditEntry.Image overlay = judge(Fixtures.bytes("vmdk", "overlay.vmdk"), CAP);
    assertThat(overlay.flags()).containsExactly(Flag.BACKING_FILE);
    assertThat(overlay.details().toMap()).containsEntry("parentFileNameHint", "monolithicSparse.vmdk");

    String base = "version=1\nCID=1\ncreateType=\"monolithicFlat\"\nRW 8 FLAT \"a.img\" 0\n";
    assertThat(judge(ascii(base + "parentCID=12345678\n")).flags())
        .containsExactlyInAnyOrder(Flag.BACKING_FILE, Flag.EXTERNAL_EXTENT);
    assertThat(judge(ascii(base.replace("monolithicFlat", "vmfsSparseDelta"))).flags()).contains(Flag.BACKING_FILE);
    assertThat(judge(ascii(base + "parentCID=ffffffff\n")).flags()).containsExactly(Flag.EXTERNAL_EXTENT);
  }

  @Test
  void cowdIsSizedFromItsV3Header() throws IOException {
    AuditEntry.Image image = judge(Fixtures.bytes("vmdk", "cowd.vmdk"), CAP);
    assertThat(image.details().toMap())
        .containsEntry("headerType", "COWD")
        .containsEntry("capacitySectors", 4096L)
        .containsEntry("cid", "12345678");
    assertThat(image.flags()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // v4 headers built or cut by hand

  @ParameterizedTest
  @ValueSource(ints = {4, 8, 12, 20, 28, 36, 44, 48, 56, 64, 72, 73, 77, 78})
  void kdmvCutAtEachFieldBoundaryIsTruncated(int length) throws IOException {
    byte[] whole = Fixtures.bytes("vmdk", "monolithicSparse.vmdk");
    AuditEntry.Image image = judge(Arrays.copyOf(whole, length), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VMDK);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "header");
    assertThat(image.virtualSize()).isEqualTo(length >= 20 ? U64.of(1 << 20) : null);
  }

  @ParameterizedTest
  @ValueSource(ints = {79, 512, 600, 4096, 13314, 65024})
  void kdmvWithItsGrainsCutOffIsTruncated(int length) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(Fixtures.bytes("vmdk", "monolithicSparse.vmdk"), length), CAP);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "grains");
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  @Test
  void kdmvOffsetsPastTheEndOrWrappingAreTruncatedAndNotRead() throws IOException {
    for (long offset : new long[] {1L << 40, -1L, Long.MIN_VALUE, (-1L >>> 9) + 1}) {
      byte[] b = sparse();
      putLe64(b, 28, offset); // descriptor offset
      AuditEntry.Image image = judge(b, CAP);
      assertThat(image.flags()).as("descriptor at %x", offset).containsExactly(Flag.TRUNCATED);
      assertThat(image.details().toMap()).containsEntry("truncated", "descriptor");
      assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Fixtures.sharedReads(b));

      b = sparse();
      putLe64(b, 56, offset == -1L ? -2L : offset); // grain directory (all ones means "in the footer")
      image = judge(b, CAP);
      assertThat(image.details().toMap()).as("directory at %x", offset).containsEntry("truncated", "grainDirectory");

      b = sparse();
      putLe64(b, 64, offset); // grains
      assertThat(judge(b, CAP).details().toMap()).containsEntry("truncated", "grains");
    }
    byte[] b = sparse();
    putLe32(b, 8, 3); // redundant grain directory present...
    putLe64(b, 48, 1L << 30); // ...far past the end
    assertThat(judge(b, CAP).details().toMap()).containsEntry("truncated", "redundantGrainDirectory");
  }

  @Test
  void kdmvAbsurdFieldsAreInvalidHeaders() throws IOException {
    assertInvalid(with(sparse(), 4, 4, 4), "version", U64.of(1 << 20));
    assertInvalid(with(sparse(), 44, 0, 4), "grainTableEntries", U64.of(1 << 20));
    assertInvalid(with(sparse(), 44, 513, 4), "grainTableEntries", U64.of(1 << 20));
    assertInvalid(with(sparse(), 20, 0, 8), "granularity", U64.of(1 << 20));
    assertInvalid(with(sparse(), 20, 0x200001, 8), "granularity", U64.of(1 << 20));
    assertInvalid(with(sparse(), 20, -1L, 8), "granularity", U64.of(1 << 20));
    // Capacity beyond 32 Mi grain directory entries, and one whose byte count passes 2^64.
    assertInvalid(with(sparse(), 12, -1L, 8), "grainDirectorySize", null);
    byte[] widest = with(with(sparse(), 44, 512, 4), 20, 0x200000, 8);
    assertInvalid(with(widest, 12, 1L << 55, 8), "capacity", null);
    assertThat(judge(with(widest, 12, (1L << 55) - 1, 8), CAP).virtualSize()).hasToString("18446744073709551104");
    // An embedded descriptor larger than the cap is not read at all.
    byte[] hugeDescriptor = with(sparse(), 36, 1L << 60, 8);
    AuditEntry.Image image = assertInvalid(hugeDescriptor, "descriptorSize", U64.of(1 << 20));
    assertThat(image.bytesRead()).isEqualTo(Caps.HEAD + Fixtures.sharedReads(hugeDescriptor));
    assertThat(image.details().toMap()).doesNotContainKey("extents");
  }

  @Test
  void streamFooterMissingOrCutIsReportedWithoutASize() throws IOException {
    byte[] noFooter = with(sparse(), 56, -1L, 8);
    assertInvalid(noFooter, "streamFooter", null);
    AuditEntry.Image tiny = judge(Arrays.copyOf(noFooter, 1024), CAP);
    assertThat(tiny.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(tiny.details().toMap()).containsEntry("truncated", "streamFooter");
    // A footer whose own header still says "at end" has no grain directory anywhere.
    byte[] footer = Fixtures.bytes("vmdk", "streamOptimized-footer.vmdk");
    putLe64(footer, footer.length - 1024 + 56, -1L);
    assertInvalid(footer, "grainDirectoryOffset", U64.of(2 << 20));
  }

  @Test
  void zeroCapacityMakesTheEmbeddedDescriptorTheDisk() throws IOException {
    byte[] b = with(sparse(), 12, 0, 8);
    String text = "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
        + "RW 100 FLAT \"/dev/sda\" 0\nRW 28 FLAT \"other.img\" 7\n";
    Arrays.fill(b, 512, 512 + 20 * 512, (byte) 0);
    Fixtures.put(b, 512, ascii(text));
    AuditEntry.Image image = judge(b, CAP);
    assertThat(image.virtualSize()).isEqualTo(U64.of(128 * 512));
    assertThat(image.flags()).containsExactly(Flag.EXTERNAL_EXTENT);
    assertThat(image.details().toMap()).containsEntry("descriptorIsDisk", true);
  }

  // ---------------------------------------------------------------------------------------------
  // v3 (COWD)

  @ParameterizedTest
  @ValueSource(ints = {4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 43})
  void cowdCutAtEachFieldBoundaryIsTruncated(int length) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(Fixtures.bytes("vmdk", "cowd.vmdk"), length), CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VMDK);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isEqualTo(length >= 16 ? U64.of(2 << 20) : null);
  }

  @Test
  void cowdAbsurdOrOutOfFileFieldsAreFlagged() throws IOException {
    byte[] cowd = Fixtures.bytes("vmdk", "cowd.vmdk");
    assertInvalid(with(cowd, 16, 0, 4), "granularity", U64.of(2 << 20));
    assertInvalid(with(cowd, 16, 0xFFFF_FFFFL, 4), "granularity", U64.of(2 << 20));
    assertInvalid(with(cowd, 24, 0xFFFF_FFFFL, 4), "grainDirectorySize", U64.of(2 << 20));
    AuditEntry.Image image = judge(with(cowd, 20, 0xFFFF_FFFFL, 4), CAP);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "grainDirectory");
    // Sectors are u32: the largest still fits, exactly.
    assertThat(judge(with(cowd, 12, 0xFFFF_FFFFL, 4), CAP).virtualSize()).isEqualTo(U64.of(0xFFFF_FFFFL * 512));
  }

  @Test
  void cowdParentHintWhereQemuLooksIsABackingFile() throws IOException {
    byte[] cowd = Fixtures.bytes("vmdk", "cowd.vmdk");
    Fixtures.put(cowd, 512 + 32, ascii("parentFileNameHint=\"../base.vmdk\"\n"));
    AuditEntry.Image image = judge(cowd, CAP);
    assertThat(image.flags()).containsExactly(Flag.BACKING_FILE);
    assertThat(image.details().toMap()).containsEntry("parentFileNameHint", "../base.vmdk");
  }

  // ---------------------------------------------------------------------------------------------
  // text descriptors

  @Test
  void descriptorsAreNamedByQemusProbeRules() throws IOException {
    String rest = "createType=\"monolithicFlat\"\nRW 8 FLAT \"a.img\" 0\n";
    assertThat(judge(ascii("# c\n   \r\nversion=2\r\n" + rest)).format()).isEqualTo(ImageFormat.VMDK);
    assertThat(judge(ascii("version=3\n" + rest)).format()).isEqualTo(ImageFormat.VMDK);
    // qemu-img 7.2 calls these raw: an empty line before the version, version 4, no version.
    assertThat(judge(ascii("# c\n\nversion=1\n" + rest)).format()).isEqualTo(ImageFormat.RAW);
    assertThat(judge(ascii("version=4\n" + rest)).format()).isEqualTo(ImageFormat.RAW);
    assertThat(judge(ascii(rest)).format()).isEqualTo(ImageFormat.RAW);
    assertThat(judge(ascii("version=1")).format()).isEqualTo(ImageFormat.RAW);
    // The version line must start within QEMU's 512-byte probe window.
    String comment = "#" + "x".repeat(600) + "\n";
    assertThat(judge(ascii(comment + "version=1\n" + rest)).format()).isEqualTo(ImageFormat.RAW);
  }

  @Test
  void brokenDescriptorLinesAreInvalidHeaders() throws IOException {
    String start = "version=1\ncreateType=\"twoGbMaxExtentFlat\"\n";
    assertInvalid(ascii(start + "RW 8 FLAT \"a.img\"\n"), "extentLine", U64.ZERO);
    assertInvalid(ascii(start + "RW 99999999999999999999999 FLAT \"a.img\" 0\n"), "extentLine", U64.ZERO);
    assertInvalid(ascii(start + "RW -8 SPARSE \"a.img\"\n"), "extentLine", U64.ZERO);
    assertInvalid(ascii("version=1\nRW 8 FLAT \"a.img\" 0\n"), "createType", U64.of(4096));
    // Two extents of 2^63 sectors: the byte count passes 2^64.
    String huge = "RW 9223372036854775808 FLAT \"a.img\" 0\n";
    AuditEntry.Image image = assertInvalid(ascii(start + huge + huge), "extentSectors", null);
    assertThat(image.flags()).contains(Flag.EXTERNAL_EXTENT);
    // The largest sector count whose byte count fits is exact, never negative.
    assertThat(judge(ascii(start + "RW 36028797018963967 FLAT \"a.img\" 0\n")).virtualSize())
        .hasToString("18446744073709551104");
  }

  @Test
  void hostileExtentPathsAreReportedVerbatim() throws IOException {
    String text = "version=1\ncreateType=\"fullDevice\"\nRW 2048 FLAT \"/dev/sda\" 0\n"
        + "RW 2048 VMFS \"../../../../etc/shadow\"\n";
    AuditEntry.Image image = judge(ascii(text), CAP);
    assertThat(image.flags()).containsExactly(Flag.EXTERNAL_EXTENT);
    assertThat(image.virtualSize()).isEqualTo(U64.of(4096 * 512));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> extents = (List<Map<String, Object>>) image.details().toMap().get("extents");
    assertThat(extents).extracting(e -> e.get("file")).containsExactly("/dev/sda", "../../../../etc/shadow");
  }

  @Test
  void descriptorTextPastTheCapIsNotRead() throws IOException {
    byte[] big = new byte[Caps.VMDK_DESCRIPTOR + 8192];
    Arrays.fill(big, (byte) '\n');
    Fixtures.put(big, 0, ascii("version=1\ncreateType=\"monolithicFlat\"\nRW 8 FLAT \"a.img\" 0\n"));
    // A line past the cap that would double the size if it were read.
    Fixtures.put(big, Caps.VMDK_DESCRIPTOR + 10, ascii("RW 8 FLAT \"b.img\" 0\n"));
    AuditEntry.Image image = judge(big, Caps.VMDK_DESCRIPTOR);
    assertThat(image.bytesRead()).isEqualTo(Caps.VMDK_DESCRIPTOR + Fixtures.sharedReads(big));
    assertThat(image.virtualSize()).isEqualTo(U64.of(4096));
    assertThat(image.details().toMap()).containsEntry("descriptorCapped", true);
  }

  // ---------------------------------------------------------------------------------------------

  private static AuditEntry.Image assertInvalid(byte[] bytes, String check, U64 size) throws IOException {
    AuditEntry.Image image = judge(bytes, CAP);
    assertThat(image.format()).isEqualTo(ImageFormat.VMDK);
    assertThat(image.flags()).as(check).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", check);
    assertThat(image.virtualSize()).isEqualTo(size);
    return image;
  }

  /** The monolithicSparse fixture: 1 MiB, grains at 64 KiB, the whole file present. */
  private static byte[] sparse() throws IOException {
    return Fixtures.bytes("vmdk", "monolithicSparse.vmdk");
  }

  private static byte[] with(byte[] b, int at, long value, int width) {
    byte[] copy = b.clone();
    if (width == 8) {
      putLe64(copy, at, value);
    } else {
      putLe32(copy, at, value);
    }
    return copy;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, Object> extent(String access, long sectors, String type, String file, Long offset) {
    return new VmdkDetails.Extent(access, U64.of(sectors), type, file, offset == null ? null : U64.of(offset))
        .fields();
  }
}
