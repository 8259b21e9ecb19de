package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Headers of qed, parallels, luks, bochs, cloop, dmg, iso9660 and MBR/GPT built byte by byte and
 * broken on purpose: cut at field boundaries, offsets and counts past the end or wrapping u64,
 * absurd sizes. Each is judged through a source whose cap is exactly what the audit may read (head,
 * tail, the ISO descriptor and the format's own cap), so a read past a cap fails the test.
 */
public class MalformedFormatsTest {

  private static final long BASE = FormatFixturesTest.BASE_READS;

  // ---------------------------------------------------------------- QED

  public static ByteBuffer qed(long clusterSize, long tableSize, long headerClusters, long features,
      long l1Offset, long imageSize, long nameOffset, long nameLength) {
    return le(64).put(QedDetector.MAGIC).putInt((int) clusterSize).putInt((int) tableSize)
        .putInt((int) headerClusters).putLong(features).putLong(0).putLong(0).putLong(l1Offset)
        .putLong(imageSize).putInt((int) nameOffset).putInt((int) nameLength);
  }

  /** A valid QED image of 1 MiB: one 4 KiB header cluster, a 2-cluster L1 table, 12 KiB in all. */
  private static byte[] qedImage(long features, long nameOffset, long nameLength) {
    return Arrays.copyOf(qed(4096, 2, 1, features, 4096, 1 << 20, nameOffset, nameLength).array(), 12288);
  }

  @Test
  void qedValidHeaderHasItsSizeAndNoFlag() throws IOException {
    AuditEntry.Image image = judge(qedImage(0, 0, 0), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.QED);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image.flags()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8, 12, 16, 24, 32, 40, 48, 56, 60, 63})
  void qedCutAtAFieldBoundaryIsTruncated(int cut) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(qedImage(0, 0, 0), cut), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.QED);
    assertThat(image.flags()).contains(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isEqualTo(cut >= 56 ? U64.of(1 << 20) : null);
  }

  @Test
  void qedHeaderChecksAreQemus() throws IOException {
    assertInvalid(qed(3000, 2, 1, 0, 4096, 1 << 20, 0, 0), "cluster size 3000");
    assertInvalid(qed(1L << 27, 2, 1, 0, 4096, 1 << 20, 0, 0), "cluster size");
    assertInvalid(qed(4096, 32, 1, 0, 4096, 1 << 20, 0, 0), "table size 32");
    assertInvalid(qed(4096, 2, 1, 0, 4096, 1000, 0, 0), "not a multiple of 512");
    assertInvalid(qed(4096, 2, 1, 0, 4100, 1 << 20, 0, 0), "not cluster aligned");
    assertInvalid(qed(4096, 2, 2, 0, 4096, 1 << 20, 0, 0), "overlaps the header");
    // 4 KiB clusters, 2-cluster tables: 1024 entries each, at most 1024 x 1024 x 4 KiB = 4 GiB.
    assertInvalid(qed(4096, 2, 1, 0, 4096, (4L << 30) + 512, 0, 0), "passes what the L1 and L2 tables can map");
  }

  @Test
  void qedAbsurdSizeStaysUnsignedAndIsInvalid() throws IOException {
    AuditEntry.Image image = judge(qed(4096, 2, 1, 0, 4096, -512L, 0, 0).array(), BASE);
    assertThat(image.virtualSize()).hasToString("18446744073709551104");
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
  }

  @Test
  void qedTableOffsetPastTheEndOrWrappingIsCaught() throws IOException {
    AuditEntry.Image past = judge(Arrays.copyOf(qed(4096, 2, 1, 0, 1L << 40, 1 << 20, 0, 0).array(), 12288), BASE);
    assertThat(past.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(past.details().toMap()).containsEntry("truncated", "L1 table ends past the end of the file");
    AuditEntry.Image wraps = judge(qed(4096, 2, 1, 0, -4096L, 1 << 20, 0, 0).array(), BASE);
    assertThat(wraps.details().toMap()).containsEntry("invalidHeader", "L1 table end wraps past 2^64");
  }

  @Test
  void qedBackingNameIsReadUnderItsCapAndNeverOutsideTheHeaderClusters() throws IOException {
    byte[] name = "/var/lib/images/../../etc/passwd".getBytes(StandardCharsets.UTF_8);
    // Four header clusters: the name at 8000 lies past the head and is read on its own.
    byte[] image = Arrays.copyOf(qed(4096, 2, 4, 1, 16384, 1 << 20, 8000, name.length).array(), 16384 + 8192);
    System.arraycopy(name, 0, image, 8000, name.length);
    AuditEntry.Image judged = judge(image, BASE + name.length);
    assertThat(judged.flags()).containsExactly(Flag.BACKING_FILE, Flag.DIFFERENCING_DISK);
    assertThat(judged.details().toMap()).containsEntry("backingFile", "/var/lib/images/../../etc/passwd")
        .containsEntry("backingFormatProbed", true);

    AuditEntry.Image outside = judge(qedImage(1, 4000, 200), BASE);
    assertThat(outside.details().toMap()).containsEntry("invalidHeader", "backing file name lies outside the header clusters")
        .doesNotContainKey("backingFile");
    assertThat(outside.flags()).contains(Flag.BACKING_FILE, Flag.DIFFERENCING_DISK);
    AuditEntry.Image huge = judge(qedImage(1, 64, 0xFFFF_FFFFL), BASE);
    assertThat(huge.details().toMap()).doesNotContainKey("backingFile");
    assertThat(huge.bytesRead()).isLessThanOrEqualTo(BASE);

    // The name's cluster is cut off: what is there is reported, and the file is truncated.
    byte[] cut = Arrays.copyOf(image, 8000 + 4);
    AuditEntry.Image short_ = judge(cut, BASE + name.length);
    assertThat(short_.details().toMap()).containsEntry("backingFile", "/var");
    assertThat(short_.flags()).contains(Flag.TRUNCATED);
  }

  @Test
  void qedUnknownFeatureBitsAndNeedCheckAreFlagged() throws IOException {
    AuditEntry.Image image = judge(qedImage(2 | 8 | (1L << 63), 0, 0), BASE);
    assertThat(image.flags()).containsExactly(Flag.DIRTY, Flag.UNKNOWN_FEATURES);
    assertThat(image.details().toMap()).containsEntry("unknownFeatures", U64.of(8 | (1L << 63)));
  }

  // ---------------------------------------------------------------- Parallels

  private static ByteBuffer parallels(byte[] magic, long version, long tracks, long batEntries, long sectors, long inUse) {
    return le(64).put(magic).putInt((int) version).putInt(16).putInt(2).putInt((int) tracks)
        .putInt((int) batEntries).putLong(sectors).putInt((int) inUse).putInt(8).putInt(0).putLong(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 20, 24, 28, 32, 36, 44, 48, 63})
  void parallelsCutAtAFieldBoundaryIsTruncated(int cut) throws IOException {
    byte[] full = parallels(ParallelsDetector.MAGIC_EXT, 2, 8, 32, 2048, 0).array();
    AuditEntry.Image image = judge(Arrays.copyOf(full, cut), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.PARALLELS);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isNull();
  }

  @Test
  void parallelsHeaderChecksAreQemus() throws IOException {
    byte[] ext = ParallelsDetector.MAGIC_EXT;
    assertInvalid(parallels(ext, 3, 8, 32, 2048, 0), "version 3 is not 2");
    assertInvalid(parallels(ext, 2, 0, 32, 2048, 0), "zero sectors per cluster");
    assertInvalid(parallels(ext, 2, 0x7FFF_FFFFL, 32, 2048, 0), "is too big");
    assertInvalid(parallels(ext, 2, 8, 0x4000_0000L, 2048, 0), "allocation table of 1073741824 entries");
    AuditEntry.Image batPastEnd = judge(parallels(ext, 2, 8, 10_000, 2048, 0).array(), BASE);
    assertThat(batPastEnd.flags()).containsExactly(Flag.TRUNCATED);
  }

  @Test
  void parallelsSizesStayUnsignedAndNeverWrap() throws IOException {
    byte[] ext = ParallelsDetector.MAGIC_EXT;
    AuditEntry.Image largest = judge(parallels(ext, 2, 8, 0, -1L >>> 9, 0).array(), BASE);
    assertThat(largest.virtualSize()).hasToString("18446744073709551104");
    AuditEntry.Image wraps = judge(parallels(ext, 2, 8, 0, -1L, 0).array(), BASE);
    assertThat(wraps.virtualSize()).isNull();
    assertThat(wraps.details().toMap()).containsEntry("invalidHeader", "sector count times 512 passes 2^64");
    // The old magic keeps 32 bits: all ones in the high half change nothing.
    AuditEntry.Image old = judge(parallels(ParallelsDetector.MAGIC, 2, 8, 0, 0xFFFF_FFFF_0000_0800L, 0).array(), BASE);
    assertThat(old.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  @Test
  void parallelsInUseMarkerIsDirty() throws IOException {
    AuditEntry.Image image = judge(parallels(ParallelsDetector.MAGIC_EXT, 2, 8, 0, 2048, 0x746F6E59L).array(), BASE);
    assertThat(image.flags()).containsExactly(Flag.DIRTY);
    assertThat(image.details().toMap()).containsEntry("inUse", true);
  }

  // ---------------------------------------------------------------- LUKS1

  /** A LUKS1 header: aes cbc-essiv:sha256 with a 16-byte key, payload at sector 1032, slot 0 active. */
  private static ByteBuffer luks1(long payloadSectors) {
    ByteBuffer b = ByteBuffer.allocate(592).put(LuksDetector.MAGIC).putShort((short) 1);
    b.put(8, ascii("aes")).put(40, ascii("cbc-essiv:sha256")).put(72, ascii("sha256"));
    b.putInt(104, (int) payloadSectors).putInt(108, 16);
    b.put(168, ascii("0e1c43f4-53a4-4f2b-a0f4-9f3bd2e3a0a1"));
    for (int i = 0; i < 8; i++) {
      // 16 x 4000 bytes = 125 sectors, aligned to 8: 128 sectors a slot, from sector 8.
      b.putInt(208 + 48 * i, i == 0 ? 0x00AC71F3 : 0x0000DEAD).putInt(208 + 48 * i + 4, 1000);
      b.putInt(208 + 48 * i + 40, 8 + 128 * i).putInt(208 + 48 * i + 44, 4000);
    }
    return b;
  }

  private static byte[] luks1Image(ByteBuffer header, int length) {
    return Arrays.copyOf(header.array(), length);
  }

  @Test
  void luks1ValidHeaderIsSizedFromThePayloadOffset() throws IOException {
    AuditEntry.Image image = judge(luks1Image(luks1(1032), 1032 * 512 + 8192), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.LUKS);
    assertThat(image.flags()).containsExactly(Flag.ENCRYPTED);
    assertThat(image.virtualSize()).isEqualTo(U64.of(8192));
    assertThat(image.details().toMap()).containsEntry("activeKeySlots", 1).containsEntry("cipherMode", "cbc-essiv:sha256");
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, 8, 40, 104, 108, 112, 208, 400, 591})
  void luks1CutAtAFieldBoundaryIsTruncatedAndStillEncrypted(int cut) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(luks1(1032).array(), cut), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.LUKS);
    assertThat(image.flags()).contains(Flag.ENCRYPTED, Flag.TRUNCATED);
    assertThat(image.virtualSize()).isNull();
  }

  @Test
  void luks1KeySlotChecksAreQemus() throws IOException {
    ByteBuffer badState = luks1(1032);
    badState.putInt(208 + 48 * 3, 0x12345678);
    assertInvalidLuks(badState, "key slot 3 state is neither enabled nor disabled");
    ByteBuffer noStripes = luks1(1032);
    noStripes.putInt(208 + 48 * 5 + 44, 0);
    assertInvalidLuks(noStripes, "key slot 5 has zero stripes");
    assertInvalidLuks(luks1(1000), "key slot 7 overlaps the encrypted payload");
    ByteBuffer overlap = luks1(1032);
    overlap.putInt(208 + 48 * 2 + 40, 8 + 128 + 64);
    assertInvalidLuks(overlap, "key slots 1 and 2 overlap");
    ByteBuffer version = luks1(1032);
    version.putShort(6, (short) 7);
    assertInvalidLuks(version, "version 7 is neither 1 nor 2");
  }

  @Test
  void luks1PayloadPastTheEndIsTruncatedWithNoSize() throws IOException {
    AuditEntry.Image image = judge(luks1Image(luks1(0xFFFF_FFFFL), 600_000), BASE);
    assertThat(image.virtualSize()).isNull();
    assertThat(image.flags()).contains(Flag.TRUNCATED, Flag.ENCRYPTED);
    assertThat(image.details().toMap()).containsEntry("payloadOffset", 0xFFFF_FFFFL * 512);
  }

  private static void assertInvalidLuks(ByteBuffer header, String check) throws IOException {
    AuditEntry.Image image = judge(luks1Image(header, 1032 * 512 + 512), BASE);
    assertThat(image.flags()).contains(Flag.INVALID_HEADER, Flag.ENCRYPTED);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", check);
  }

  // ---------------------------------------------------------------- LUKS2

  private static final String LUKS2_JSON = "{\"keyslots\":{\"0\":{\"type\":\"luks2\"}},\"tokens\":{},"
      + "\"segments\":{\"0\":{\"type\":\"crypt\",\"offset\":\"%s\",\"size\":\"%s\",\"iv_tweak\":\"0\","
      + "\"encryption\":\"aes-xts-plain64\",\"sector_size\":4096}},\"digests\":{},"
      + "\"config\":{\"json_size\":\"12288\",\"keyslots_size\":\"16384\"}}";

  /** A LUKS2 volume: binary header, JSON area, checksum over both, padded to {@code length}. */
  public static byte[] luks2(long headerSize, String json, int length) throws Exception {
    byte[] image = new byte[length];
    ByteBuffer b = ByteBuffer.wrap(image).put(LuksDetector.MAGIC).putShort((short) 2).putLong(headerSize);
    b.put(24, ascii("lab")).put(72, ascii("sha256")).put(168, ascii("6f1c2b5e-0000-4000-8000-000000000001"));
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, image, 4096, Math.min(text.length, length - 4096));
    if (headerSize > 0 && headerSize <= length) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(image, 0, (int) headerSize);
      System.arraycopy(sha.digest(), 0, image, 448, 32);
    }
    return image;
  }

  @Test
  void luks2SegmentGivesTheSizeFixedOrDynamic() throws Exception {
    AuditEntry.Image fixed = judge(luks2(16384, String.format(LUKS2_JSON, "32768", "65536"), 131072), BASE + 12288);
    assertThat(fixed.virtualSize()).isEqualTo(U64.of(65536));
    assertThat(fixed.flags()).containsExactly(Flag.ENCRYPTED);
    assertThat(fixed.details().toMap()).containsEntry("checksumChecked", true).containsEntry("label", "lab");
    AuditEntry.Image dynamic = judge(luks2(16384, String.format(LUKS2_JSON, "32768", "dynamic"), 131072), BASE + 12288);
    assertThat(dynamic.virtualSize()).isEqualTo(U64.of(131072 - 32768));
  }

  @Test
  void luks2ChecksumMismatchIsInvalid() throws Exception {
    byte[] image = luks2(16384, String.format(LUKS2_JSON, "32768", "dynamic"), 65536);
    image[5000] ^= 1;
    AuditEntry.Image judged = judge(image, BASE + 12288);
    assertThat(judged.details().toMap().get("invalidHeader")).asString().startsWith("header checksum mismatch");
  }

  @Test
  void luks2HeaderSizeMustBeAPowerOfTwoInRangeAndItsJsonIsReadUnderTheCap() throws Exception {
    String json = String.format(LUKS2_JSON, "32768", "dynamic");
    AuditEntry.Image odd = judge(luks2(20000, json, 65536), BASE);
    assertThat(odd.details().toMap()).containsEntry("invalidHeader", "header size is not a power of two from 16 KiB to 4 MiB");
    assertThat(judge(luks2(-1L, json, 65536), BASE).flags()).contains(Flag.INVALID_HEADER);
    // 4 MiB headers exist: the JSON is read up to the cap only, and the checksum left unchecked.
    AuditEntry.Image big = judge(luks2(4 << 20, String.format(LUKS2_JSON, "4194304", "dynamic"), (4 << 20) + 4096),
        BASE + Caps.LUKS2_JSON);
    assertThat(big.virtualSize()).isEqualTo(U64.of(4096));
    assertThat(big.details().toMap()).containsEntry("checksumChecked", false);
  }

  @Test
  void luks2JsonLongerThanTheCapIsReportedNotRead() throws Exception {
    String filler = "{\"x\":\"" + "a".repeat(Caps.LUKS2_JSON) + "\"}";
    AuditEntry.Image image = judge(luks2(1 << 20, filler, (1 << 20) + 4096), BASE + Caps.LUKS2_JSON);
    assertThat(image.details().toMap().get("metadataError")).asString().contains("longer than the cap");
    assertThat(image.virtualSize()).isNull();
  }

  @Test
  void luks2BrokenJsonIsInvalidAndDeepNestingDoesNotOverflowTheStack() throws Exception {
    AuditEntry.Image garbage = judge(luks2(16384, "{\"segments\": [1, 2", 65536), BASE + 12288);
    assertThat(garbage.details().toMap().get("invalidHeader")).asString().startsWith("JSON metadata: ");
    AuditEntry.Image deep = judge(luks2(16384, "[".repeat(10_000), 65536), BASE + 12288);
    assertThat(deep.details().toMap().get("invalidHeader")).asString().contains("nesting deeper than");
    AuditEntry.Image noSegments = judge(luks2(16384, "{\"keyslots\":{}}", 65536), BASE + 12288);
    assertThat(noSegments.details().toMap()).containsEntry("invalidHeader", "JSON metadata has no segments object");
  }

  @Test
  void luks2JsonIsOneValueWithBlanksAroundNestedAtMost64DeepAndItsLastDuplicateKeyCounts() throws Exception {
    String segment = "{\"0\":{\"offset\":\"32768\",\"size\":\"%s\",\"sector_size\":%s}}";
    String twice = "\t{\"segments\":" + String.format(segment, "512", "512")
        + ",\"segments\":" + String.format(segment, "4096", "4096.0") + "}\r\n";
    AuditEntry.Image last = judge(luks2(16384, twice, 65536), BASE + 12288);
    assertThat(last.virtualSize()).isEqualTo(U64.of(4096));
    // Only a whole sector_size is reported.
    assertThat(last.details().toMap().get("segments")).asList().singleElement().satisfies(s -> assertThat(FormatFixturesTest.map(s))
        .doesNotContainKey("sectorSize"));
    AuditEntry.Image trailing = judge(luks2(16384, String.format(LUKS2_JSON, "32768", "dynamic") + " {}", 65536), BASE + 12288);
    assertThat(trailing.details().toMap().get("invalidHeader")).asString().startsWith("JSON metadata: ");
    AuditEntry.Image blank = judge(luks2(16384, " \n ", 65536), BASE + 12288);
    assertThat(blank.details().toMap()).containsEntry("invalidHeader", "JSON metadata: unexpected end at offset 3");
    AuditEntry.Image deep64 = judge(luks2(16384, "[".repeat(64) + "]".repeat(64), 65536), BASE + 12288);
    assertThat(deep64.details().toMap()).containsEntry("invalidHeader", "JSON metadata has no segments object");
    AuditEntry.Image deep65 = judge(luks2(16384, "[".repeat(65) + "]".repeat(65), 65536), BASE + 12288);
    assertThat(deep65.details().toMap()).containsEntry("invalidHeader", "JSON metadata: nesting deeper than 64");
  }

  @Test
  void luks2SegmentOffsetsPastTheEndOrWrappingAreCaught() throws Exception {
    AuditEntry.Image wraps = judge(luks2(16384, String.format(LUKS2_JSON, "18446744073709551615", "512"), 65536), BASE + 12288);
    assertThat(wraps.details().toMap()).containsEntry("invalidHeader", "segment 0 end wraps past 2^64");
    AuditEntry.Image tooBig = judge(luks2(16384, String.format(LUKS2_JSON, "18446744073709551616", "512"), 65536), BASE + 12288);
    assertThat(tooBig.details().toMap().get("invalidHeader")).asString().contains("not a decimal u64");
    AuditEntry.Image past = judge(luks2(16384, String.format(LUKS2_JSON, "1048576", "dynamic"), 65536), BASE + 12288);
    assertThat(past.flags()).contains(Flag.TRUNCATED);
    assertThat(past.virtualSize()).isNull();
    AuditEntry.Image cut = judge(Arrays.copyOf(luks2(16384, String.format(LUKS2_JSON, "32768", "dynamic"), 65536), 6000), BASE + 12288);
    assertThat(cut.details().toMap()).containsEntry("truncated", "JSON metadata ends past the end of the file");
    AuditEntry.Image binaryCut = judge(Arrays.copyOf(luks2(16384, "{}", 65536), 2000), BASE);
    assertThat(binaryCut.flags()).contains(Flag.TRUNCATED, Flag.ENCRYPTED);
  }

  // ---------------------------------------------------------------- Bochs

  private static ByteBuffer bochs(String subtype, long version, long catalog, long extent, long disk) {
    ByteBuffer b = le(512).put(BochsDetector.MAGIC);
    b.put(32, ascii("Redolog")).put(48, ascii(subtype));
    b.putInt(64, (int) version).putInt(68, 512).putInt(72, (int) catalog).putInt(76, 512).putInt(80, (int) extent);
    b.putLong(version == 0x00010000 ? 84 : 88, disk);
    return b;
  }

  private static byte[] bochsImage(ByteBuffer header, long catalog) {
    return Arrays.copyOf(header.array(), (int) (512 + catalog * 4));
  }

  @Test
  void bochsValidHeadersOfBothVersions() throws IOException {
    assertThat(judge(bochsImage(bochs("Growing", 0x00020000, 64, 16384, 1 << 20), 64), BASE).virtualSize())
        .isEqualTo(U64.of(1 << 20));
    AuditEntry.Image v1 = judge(bochsImage(bochs("Growing", 0x00010000, 64, 16384, 1 << 20), 64), BASE);
    assertThat(v1.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(v1.flags()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {22, 32, 48, 64, 72, 80, 88, 96, 511})
  void bochsCutAtAFieldBoundaryIsTruncated(int cut) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(bochs("Growing", 0x00020000, 64, 16384, 1 << 20).array(), cut), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.BOCHS);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isNull();
  }

  @Test
  void bochsHeaderChecksAreQemus() throws IOException {
    assertInvalidBochs(bochs("Undoable", 0x00020000, 64, 16384, 1 << 20), "type Redolog/Undoable is not Redolog/Growing");
    assertInvalidBochs(bochs("Growing", 0x00030000, 64, 16384, 1 << 20), "version 0x30000 is neither 1 nor 2");
    assertInvalidBochs(bochs("Growing", 0x00020000, 0x100001, 16384, 1 << 20), "catalog of 1048577 entries is too large");
    assertInvalidBochs(bochs("Growing", 0x00020000, 64, 1000, 1 << 20), "extent size 1000");
    assertInvalidBochs(bochs("Growing", 0x00020000, 64, 1 << 24, 1 << 20), "extent size 16777216");
    assertInvalidBochs(bochs("Growing", 0x00020000, 63, 16384, 1 << 20), "catalog too small for the disk size");
    // An absurd disk size: unsigned, rounded down to sectors, and the catalog cannot cover it.
    AuditEntry.Image absurd = judge(bochsImage(bochs("Growing", 0x00020000, 64, 16384, -1L), 64), BASE);
    assertThat(absurd.virtualSize()).hasToString("18446744073709551104");
    assertThat(absurd.flags()).contains(Flag.INVALID_HEADER);
  }

  @Test
  void bochsCatalogPastTheEndIsTruncated() throws IOException {
    AuditEntry.Image image = judge(bochsImage(bochs("Growing", 0x00020000, 64, 16384, 1 << 20), 10), BASE);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  private static void assertInvalidBochs(ByteBuffer header, String check) throws IOException {
    AuditEntry.Image image = judge(bochsImage(header, 64), BASE);
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
    assertThat((String) image.details().toMap().get("invalidHeader")).startsWith(check);
  }

  // ---------------------------------------------------------------- cloop

  /** A cloop image: preamble, block size, block count and an offsets table of count + 1 entries. */
  private static byte[] cloop(long blockSize, long blocks, int length, long... offsets) {
    ByteBuffer b = ByteBuffer.allocate(length).put(CloopDetector.PREAMBLE);
    b.putInt(128, (int) blockSize).putInt(132, (int) blocks);
    for (int i = 0; i < offsets.length; i++) {
      b.putLong(136 + 8 * i, offsets[i]);
    }
    return b.array();
  }

  @Test
  void cloopValidImageIsSizedFromItsBlocks() throws IOException {
    AuditEntry.Image image = judge(cloop(4096, 2, 200, 160, 180, 200), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.CLOOP);
    assertThat(image.virtualSize()).isEqualTo(U64.of(8192));
    assertThat(image.flags()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {23, 40, 82, 83, 128, 132, 135})
  void cloopCutAtAFieldBoundaryIsTruncated(int cut) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(cloop(4096, 2, 200, 160, 180, 200), cut), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.CLOOP);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.virtualSize()).isNull();
  }

  @Test
  void cloopShorterThanItsVersionLineOrWithAnotherScriptIsNotCloop() throws IOException {
    assertThat(judge(Arrays.copyOf(CloopDetector.PREAMBLE, 22), BASE).format()).isEqualTo(ImageFormat.RAW);
    byte[] other = cloop(4096, 2, 200, 160, 180, 200);
    other[30] = 'X';
    assertThat(judge(other, BASE).format()).isEqualTo(ImageFormat.RAW);
  }

  @Test
  void cloopHeaderChecksAreQemus() throws IOException {
    assertInvalidCloop(cloop(1000, 2, 200, 160, 180, 200), "block size 1000 is not a non-zero multiple of 512");
    assertInvalidCloop(cloop(0, 2, 200, 160, 180, 200), "block size 0");
    assertInvalidCloop(cloop(128L << 20, 2, 200, 160, 180, 200), "block size 134217728 passes 64 MiB");
    assertInvalidCloop(cloop(4096, 0xFFFF_FFFFL, 200), "4294967295 blocks need an offsets table over 512 MiB");
    assertInvalidCloop(cloop(4096, 2, 200, 160, 150, 200), "offsets table entry 1 does not follow entry 0");
    AuditEntry.Image absurd = judge(cloop(64L << 20, 0x3FFF_FFFFL, 200), BASE);
    assertThat(absurd.virtualSize()).isEqualTo(U64.of((64L << 20) * 0x3FFF_FFFFL));
  }

  @Test
  void cloopTablePastTheEndIsTruncatedAndItsLastEntryReadUnderItsCap() throws IOException {
    assertThat(judge(cloop(4096, 100, 300, 160), BASE).details().toMap())
        .containsEntry("truncated", "offsets table ends past the end of the file");
    // 1000 blocks: the table ends at 8144, past the head; its last entry is read alone (8 bytes).
    long[] offsets = new long[1001];
    for (int i = 0; i <= 1000; i++) {
      offsets[i] = 8144 + 10L * i;
    }
    byte[] fine = cloop(4096, 1000, 8144 + 10_000, offsets);
    AuditEntry.Image ok = judge(fine, BASE + CloopDetector.LAST_OFFSET_CAP);
    assertThat(ok.flags()).isEmpty();
    offsets[1000] = 1L << 40;
    AuditEntry.Image past = judge(cloop(4096, 1000, 8144 + 10_000, offsets), BASE + CloopDetector.LAST_OFFSET_CAP);
    assertThat(past.details().toMap()).containsEntry("truncated", "compressed data ends past the end of the file");
  }

  private static void assertInvalidCloop(byte[] image, String check) throws IOException {
    AuditEntry.Image judged = judge(image, BASE);
    assertThat(judged.flags()).contains(Flag.INVALID_HEADER);
    assertThat((String) judged.details().toMap().get("invalidHeader")).startsWith(check);
  }

  // ---------------------------------------------------------------- DMG

  /** A file of {@code length} bytes ending in a koly trailer with an XML plist at 0. */
  private static byte[] dmg(int length, long dataOffset, long rsrcOffset, long rsrcLength, long xmlOffset,
      long xmlLength, long sectors, int headerSize) {
    byte[] image = new byte[length];
    ByteBuffer k = ByteBuffer.wrap(image, length - 512, 512).slice();
    k.put(new byte[] {'k', 'o', 'l', 'y'}).putInt(4).putInt(headerSize);
    k.putLong(0x18, dataOffset).putLong(0x28, rsrcOffset).putLong(0x30, rsrcLength);
    k.putLong(0xD8, xmlOffset).putLong(0xE0, xmlLength).putInt(0x1E8, 1).putLong(0x1EC, sectors);
    return image;
  }

  @Test
  void dmgValidTrailerIsSizedFromItsSectorCount() throws IOException {
    AuditEntry.Image image = judge(dmg(2048, 0, 0, 0, 0, 1000, 2048, 512), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.DMG);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void dmgTrailerChecksAreQemus() throws IOException {
    assertInvalidDmg(dmg(2048, 0, 0, 0, 0, 1000, 2048, 200), "trailer size 200 is not 512");
    assertInvalidDmg(dmg(2048, 1537, 0, 0, 0, 1000, 2048, 512), "data fork starts after the trailer");
    assertInvalidDmg(dmg(2048, 0, 1536, 0, 0, 1000, 2048, 512), "resource fork does not lie before the trailer");
    assertInvalidDmg(dmg(2048, 0, 0, 1537, 0, 1000, 2048, 512), "resource fork does not lie before the trailer");
    assertInvalidDmg(dmg(2048, 0, 0, 0, 1, -1L, 2048, 512), "XML property list does not lie before the trailer");
    assertInvalidDmg(dmg(2048, 0, 0, 0, -1L, 10, 2048, 512), "XML property list does not lie before the trailer");
    assertInvalidDmg(dmg(2048, 0, 0, 0, 0, 0, 2048, 512), "neither a resource fork nor an XML property list");
    AuditEntry.Image absurd = judge(dmg(2048, 0, 0, 0, 0, 1000, Long.MIN_VALUE, 512), BASE);
    assertThat(absurd.virtualSize()).isNull();
    assertThat(absurd.details().toMap()).containsEntry("sectors", U64.of(Long.MIN_VALUE))
        .containsEntry("invalidHeader", "sector count times 512 passes 2^63");
  }

  @Test
  void kolyAnywhereButTheLastSectorOrInAShortFileIsNotDmg() throws IOException {
    byte[] shifted = Arrays.copyOf(dmg(2048, 0, 0, 0, 0, 1000, 2048, 512), 2049);
    assertThat(judge(shifted, BASE).format()).isEqualTo(ImageFormat.RAW);
    assertThat(judge(new byte[] {'k', 'o', 'l', 'y'}, BASE).format()).isEqualTo(ImageFormat.RAW);
    // A trailer-sized file: the koly block is the whole file, and a tail past the head is read once.
    assertThat(judge(dmg(512, 0, 0, 0, 0, 0, 1, 512), BASE).format()).isEqualTo(ImageFormat.DMG);
    AuditEntry.Image large = judge(dmg(100_000, 0, 0, 0, 0, 1000, 2048, 512), BASE);
    assertThat(large.format()).isEqualTo(ImageFormat.DMG);
    assertThat(large.bytesRead()).isEqualTo(BASE);
  }

  private static void assertInvalidDmg(byte[] image, String check) throws IOException {
    AuditEntry.Image judged = judge(image, BASE);
    assertThat(judged.format()).isEqualTo(ImageFormat.DMG);
    assertThat(judged.details().toMap()).containsEntry("invalidHeader", check);
  }

  // ---------------------------------------------------------------- ISO 9660

  /** A primary volume descriptor at 0x8000 in a file of {@code length} bytes. */
  private static byte[] iso(int length, int type, long blocks, int blockSize) {
    byte[] image = new byte[length];
    ByteBuffer d = ByteBuffer.wrap(image, 0x8000, Math.min(2048, length - 0x8000)).slice();
    d.put((byte) type).put("CD001".getBytes(StandardCharsets.US_ASCII)).put((byte) 1);
    if (d.capacity() >= 0x88) {
      d.put(0x28, ascii("VOLUME"));
      d.order(ByteOrder.LITTLE_ENDIAN).putInt(0x50, (int) blocks).putShort(0x80, (short) blockSize);
      d.order(ByteOrder.BIG_ENDIAN).putInt(0x54, (int) blocks).putShort(0x82, (short) blockSize);
    }
    return image;
  }

  @Test
  void isoValidDescriptorIsReadInOneCappedRead() throws IOException {
    AuditEntry.Image image = judge(iso(0x8800, 1, 17, 2048), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(image.virtualSize()).isEqualTo(U64.of(0x8800));
    assertThat(image.details().toMap()).containsEntry("volumeId", "VOLUME").containsEntry("volumeSize", 0x8800L);
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void isoDescriptorChecks() throws IOException {
    assertThat(judge(iso(0x8800, 2, 17, 2048), BASE).details().toMap())
        .containsEntry("invalidHeader", "volume descriptor 16 is type 2, not primary (1)");
    byte[] differ = iso(0x8800, 1, 17, 2048);
    differ[0x8057] = 18;
    assertThat(judge(differ, BASE).details().toMap())
        .containsEntry("invalidHeader", "little- and big-endian copies of the volume size differ");
    assertThat(judge(iso(0x8800, 1, 17, 0), BASE).details().toMap())
        .containsEntry("invalidHeader", "logical block size 0 is not a power of two of at least 512");
    AuditEntry.Image huge = judge(iso(0x8800, 1, 0xFFFF_FFFFL, 2048), BASE);
    assertThat(huge.details().toMap()).containsEntry("volumeSize", 0xFFFF_FFFFL * 2048)
        .containsEntry("truncated", "file system ends past the end of the file");
  }

  @Test
  void isoCutInsideItsDescriptorIsTruncatedAndShorterFilesAreNotRead() throws IOException {
    AuditEntry.Image cut = judge(iso(0x8010, 1, 17, 2048), BASE);
    assertThat(cut.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(cut.flags()).containsExactly(Flag.TRUNCATED);
    AuditEntry.Image mid = judge(Arrays.copyOf(iso(0x8800, 1, 17, 2048), 0x8400), BASE);
    assertThat(mid.details().toMap()).containsEntry("truncated", "file system ends past the end of the file");
    byte[] tooShort = new byte[0x8005];
    AuditEntry.Image raw = judge(tooShort, Caps.HEAD + Caps.TAIL);
    assertThat(raw.format()).isEqualTo(ImageFormat.RAW);
  }

  // ---------------------------------------------------------------- MBR and GPT

  static byte[] mbr(int length, int... entries) {
    byte[] disk = new byte[length];
    ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < entries.length / 4; i++) {
      int at = 446 + 16 * i;
      b.put(at, (byte) entries[4 * i]).put(at + 4, (byte) entries[4 * i + 1]);
      b.putInt(at + 8, entries[4 * i + 2]).putInt(at + 12, entries[4 * i + 3]);
    }
    disk[510] = 0x55;
    disk[511] = (byte) 0xAA;
    return disk;
  }

  @Test
  void mbrWithSaneEntriesIsRead() throws IOException {
    AuditEntry.Image image = judge(mbr(65536, 0x80, 0x83, 1, 63, 0, 0x07, 64, 64), BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.RAW);
    assertThat(image.details().toMap()).containsEntry("partitionTable", "mbr");
    assertThat(image.details().toMap().get("partitions")).asList().hasSize(2);
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void bootSectorsThatAreNoMbrAreLeftAlone() throws IOException {
    assertThat(judge(mbr(65536, 0x12, 0x83, 1, 63), BASE).details().toMap()).doesNotContainKey("partitionTable");
    assertThat(judge(mbr(65536, 0, 0x83, 1, 100, 0, 0x83, 50, 100), BASE).details().toMap()).doesNotContainKey("partitionTable");
    assertThat(judge(mbr(65536, 0, 0x83, 200, 1), BASE).details().toMap()).doesNotContainKey("partitionTable");
    assertThat(judge(mbr(65536, 0, 0x83, 0, 10), BASE).details().toMap()).doesNotContainKey("partitionTable");
    // A FAT boot sector: jump, BPB with 512-byte sectors, "FAT16" at 54; its code bytes would look like entries.
    byte[] fat = mbr(65536, 0, 0x83, 1, 63);
    fat[0] = (byte) 0xEB;
    fat[1] = 0x3C;
    fat[2] = (byte) 0x90;
    fat[11] = 0;
    fat[12] = 2;
    System.arraycopy(ascii("FAT16   "), 0, fat, 54, 8);
    assertThat(judge(fat, BASE).details().toMap()).doesNotContainKey("partitionTable");
    byte[] ntfs = mbr(65536, 0, 0x83, 1, 63);
    ntfs[0] = (byte) 0xEB;
    ntfs[2] = (byte) 0x90;
    System.arraycopy(ascii("NTFS    "), 0, ntfs, 3, 8);
    assertThat(judge(ntfs, BASE).details().toMap()).doesNotContainKey("partitionTable");
  }

  @Test
  void mbrPartitionEndingPastTheFileIsTruncated() throws IOException {
    AuditEntry.Image image = judge(mbr(65536, 0, 0x83, 64, 0xFFFF_FFFF), BASE);
    assertThat(image.details().toMap()).containsEntry("partitionTable", "mbr");
    assertThat(image.details().toMap().get("partitions")).asList().singleElement()
        .satisfies(p -> assertThat(FormatFixturesTest.map(p)).containsEntry("sizeBytes", U64.of(0xFFFF_FFFFL * 512)));
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
  }

  /** A GPT disk: protective MBR, header at LBA 1, {@code count} entries at {@code entriesLba}. */
  public static byte[] gpt(int lba, int length, long entriesLba, long count, long entrySize, byte[] entries) {
    byte[] disk = mbr(length, 0, 0xEE, 1, length / 512 - 1);
    ByteBuffer h = ByteBuffer.wrap(disk, lba, 92).slice().order(ByteOrder.LITTLE_ENDIAN);
    h.put("EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(0x00010000).putInt(92);
    h.putLong(24, 1).putLong(32, length / lba - 1).putLong(40, 34).putLong(48, length / lba - 34);
    h.putLong(56, 0x0123456789ABCDEFL).putLong(64, 0x0F1E2D3C4B5A6978L);
    h.putLong(72, entriesLba).putInt(80, (int) count).putInt(84, (int) entrySize);
    long at = entriesLba * lba;
    if (at >= 0 && at < length) {
      System.arraycopy(entries, 0, disk, (int) at, (int) Math.min(entries.length, length - at));
    }
    h.putInt(88, (int) crc(entries, (int) Math.min(entries.length, count * entrySize)));
    fixGptHeaderCrc(disk, lba);
    return disk;
  }

  private static void fixGptHeaderCrc(byte[] disk, int lba) {
    ByteBuffer h = ByteBuffer.wrap(disk, lba, 92).slice().order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(16, 0);
    h.putInt(16, (int) crc(Arrays.copyOfRange(disk, lba, lba + 92), 92));
  }

  /** {@code n} 128-byte entries; entry i (when i is in {@code used}) spans LBAs 100 x (i+1) .. +49. */
  private static byte[] entries(int n, int... used) {
    byte[] out = new byte[n * 128];
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : used) {
      b.putLong(i * 128, 0x477284830FC63DAFL).putLong(i * 128 + 8, 0xE47D47D8693D798EL); // Linux filesystem
      b.putLong(i * 128 + 16, i + 1).putLong(i * 128 + 32, 100L * (i + 1)).putLong(i * 128 + 40, 100L * (i + 1) + 49);
      byte[] name = ("part" + i).getBytes(StandardCharsets.UTF_16LE);
      System.arraycopy(name, 0, out, i * 128 + 56, name.length);
    }
    return out;
  }

  @Test
  void gptIsReadWithNamesTypesAndSizes() throws IOException {
    AuditEntry.Image image = judge(gpt(512, 1 << 20, 2, 128, 128, entries(128, 0, 5)), BASE + Caps.GPT_ENTRIES);
    assertThat(image.flags()).isEmpty();
    assertThat(image.details().toMap()).containsEntry("partitionTable", "gpt").containsEntry("partitionEntriesCrcChecked", true)
        .containsEntry("diskGuid", "89ABCDEF-4567-0123-7869-5A4B3C2D1E0F");
    List<?> partitions = (List<?>) image.details().toMap().get("partitions");
    assertThat(partitions).hasSize(2);
    assertThat(FormatFixturesTest.map(partitions.get(1))).containsEntry("index", 6).containsEntry("name", "part5")
        .containsEntry("typeGuid", "0FC63DAF-8483-4772-8E79-3D69D8477DE4").containsEntry("firstLba", U64.of(600))
        .containsEntry("sizeBytes", U64.of(50 * 512));
  }

  @Test
  void gptOnFourKiBSectorsIsFoundAtByte4096() throws IOException {
    AuditEntry.Image image = judge(gpt(4096, 4 << 20, 2, 128, 128, entries(128, 0)), BASE + 4096 + Caps.GPT_ENTRIES);
    assertThat(image.details().toMap()).containsEntry("partitionTable", "gpt").containsEntry("sectorSize", 4096);
    assertThat(((List<?>) image.details().toMap().get("partitions"))).singleElement()
        .satisfies(p -> assertThat(FormatFixturesTest.map(p)).containsEntry("sizeBytes", U64.of(50 * 4096)));
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void gptHeaderAndEntryChecks() throws IOException {
    byte[] badCrc = gpt(512, 1 << 20, 2, 128, 128, entries(128, 0));
    badCrc[512 + 40] ^= 1;
    assertThat(judge(badCrc, BASE).details().toMap()).containsEntry("invalidHeader", "GPT header CRC32 mismatch");
    byte[] badEntries = gpt(512, 1 << 20, 2, 128, 128, entries(128, 0));
    badEntries[1024 + 60] ^= 1;
    assertThat(judge(badEntries, BASE + Caps.GPT_ENTRIES).details().toMap())
        .containsEntry("invalidHeader", "GPT partition entries CRC32 mismatch");
    assertThat(judge(gpt(512, 1 << 20, 2, 128, 100, entries(128, 0)), BASE).details().toMap())
        .containsEntry("invalidHeader", "partition entry size 100 is not a multiple of 8 from 128 to 16384");
    assertThat(judge(gpt(512, 1 << 20, -1L, 128, 128, entries(128, 0)), BASE).details().toMap())
        .containsEntry("invalidHeader", "partition entries LBA 18446744073709551615 is out of range");
    assertThat(judge(gpt(512, 1 << 20, 1, 128, 128, entries(0)), BASE).details().toMap())
        .containsEntry("invalidHeader", "partition entries LBA 1 is out of range");
    byte[] backwards = entries(4, 0);
    ByteBuffer.wrap(backwards).order(ByteOrder.LITTLE_ENDIAN).putLong(40, 10);
    assertThat(judge(gpt(512, 1 << 20, 2, 4, 128, backwards), BASE + 512).details().toMap())
        .containsEntry("invalidHeader", "GPT partition 1 ends before it starts");
    byte[] hugeEntry = entries(4, 0);
    ByteBuffer.wrap(hugeEntry).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 0).putLong(40, -1L);
    assertThat(judge(gpt(512, 1 << 20, 2, 4, 128, hugeEntry), BASE + 512).details().toMap())
        .containsEntry("invalidHeader", "GPT partition 1 size passes 2^64 bytes");
  }

  @Test
  void gptCountsAndOffsetsPastTheEndStayWithinTheCap() throws IOException {
    // Four billion entries claimed: 128 are read, the rest reported unread.
    AuditEntry.Image many = judge(gpt(512, 1 << 20, 2, 0xFFFF_FFFFL, 128, entries(128, 3)), BASE + Caps.GPT_ENTRIES);
    assertThat(many.details().toMap()).containsEntry("partitionEntriesNotRead", 0xFFFF_FFFFL - 128)
        .containsEntry("partitionEntriesCrcChecked", false);
    // Entries far past the end of the file.
    AuditEntry.Image past = judge(gpt(512, 1 << 20, 1L << 30, 128, 128, entries(128, 0)), BASE + Caps.GPT_ENTRIES);
    assertThat(past.details().toMap()).containsEntry("truncated", "GPT partition entries end past the end of the file");
    // A partition past the end of a small disk.
    AuditEntry.Image small = judge(gpt(512, 64 << 10, 2, 128, 128, entries(128, 2)), BASE + Caps.GPT_ENTRIES);
    assertThat(small.details().toMap()).containsEntry("truncated", "GPT partition 3 ends past the end of the file");
  }

  @Test
  void protectiveMbrWithoutGptIsInvalid() throws IOException {
    AuditEntry.Image image = judge(mbr(1 << 20, 0, 0xEE, 1, 2047), BASE + PartitionTables.HEADER_4K_CAP);
    assertThat(image.details().toMap()).containsEntry("partitionTable", "mbr")
        .containsEntry("invalidHeader", "protective MBR but no GPT header at LBA 1");
  }

  // ---------------------------------------------------------------- ambiguous-format

  @Test
  void qcow2HeaderWithAnIsoDescriptorIsAmbiguous() throws IOException {
    byte[] polyglot = iso(0x8800, 1, 17, 2048);
    ByteBuffer.wrap(polyglot).put(new byte[] {'Q', 'F', 'I', (byte) 0xFB}).putInt(3).putLong(0).putInt(0).putInt(16)
        .putLong(1 << 20);
    AuditEntry.Image image = judge(polyglot, BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(image.flags()).contains(Flag.AMBIGUOUS_FORMAT);
    assertThat(image.details().toMap()).containsEntry("alsoMatches", List.of("iso9660"));
  }

  @Test
  void qedWithADmgTrailerIsAmbiguousAndRawNeverCounts() throws IOException {
    byte[] dmg = dmg(12288, 0, 0, 0, 0, 1000, 2048, 512);
    System.arraycopy(qedImage(0, 0, 0), 0, dmg, 0, 64);
    AuditEntry.Image image = judge(dmg, BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.QED);
    assertThat(image.flags()).containsExactly(Flag.AMBIGUOUS_FORMAT);
    assertThat(image.details().toMap()).containsEntry("alsoMatches", List.of("dmg"));
    assertThat(judge(qedImage(0, 0, 0), BASE).details().toMap()).doesNotContainKey("alsoMatches");
  }

  @Test
  void hybridIsoWithGptIsIsoWithPartitionsAndNotAmbiguous() throws IOException {
    byte[] hybrid = gpt(512, 1 << 20, 2, 128, 128, entries(128, 0));
    System.arraycopy(iso(0x8800, 1, 17, 2048), 0x8000, hybrid, 0x8000, 2048);
    AuditEntry.Image image = judge(hybrid, BASE + Caps.GPT_ENTRIES);
    assertThat(image.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(image.flags()).isEmpty();
    assertThat(image.details().toMap()).containsEntry("partitionTable", "gpt").containsEntry("volumeId", "VOLUME")
        .doesNotContainKey("alsoMatches");
  }

  @Test
  void isohybridMbrMappingTheWholeImageFromSectorZeroIsReadForAnIsoOnly() throws IOException {
    byte[] isohybrid = iso(0x10000, 1, 32, 2048);
    System.arraycopy(mbr(512, 0x80, 0x17, 0, 128), 446, isohybrid, 446, 66);
    AuditEntry.Image image = judge(isohybrid, BASE);
    assertThat(image.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(image.flags()).isEmpty();
    assertThat(image.details().toMap()).containsEntry("partitionTable", "mbr");
    assertThat(image.details().toMap().get("partitions")).asList().singleElement().satisfies(p -> assertThat(FormatFixturesTest.map(p))
        .containsEntry("firstLba", 0L).containsEntry("mbrType", "0x17").containsEntry("sizeBytes", U64.of(0x10000)));
    // The same sector on a disk that is no ISO: a partition over the MBR is no partition table.
    assertThat(judge(mbr(0x10000, 0x80, 0x17, 0, 128), BASE).details().toMap()).doesNotContainKey("partitionTable");
  }

  // ---------------------------------------------------------------- arbitrary bytes

  @Test
  void arbitraryBytesBehindEachMagicNeverThrowAndNeverPassTheCaps() throws IOException {
    Random random = new Random(3);
    byte[][] prefixes = {QedDetector.MAGIC, ParallelsDetector.MAGIC, ParallelsDetector.MAGIC_EXT, LuksDetector.MAGIC,
        {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE, 0, 1}, {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE, 0, 2},
        BochsDetector.MAGIC, CloopDetector.PREAMBLE, mbr(512, 0, 0xEE, 1, 100), {}};
    long cap = BASE + Caps.LUKS2_JSON;
    for (int i = 0; i < 1500; i++) {
      byte[] prefix = prefixes[i % prefixes.length];
      byte[] bytes = new byte[prefix.length + random.nextInt(i % 5 == 0 ? 40_000 : 5000)];
      random.nextBytes(bytes);
      System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      if (i % 3 == 0 && bytes.length > 0x8006) {
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0x8001, 5);
      }
      if (i % 4 == 0 && bytes.length >= 512) {
        System.arraycopy(new byte[] {'k', 'o', 'l', 'y'}, 0, bytes, bytes.length - 512, 4);
      }
      if (i % 7 == 0 && bytes.length >= 1024) {
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, bytes, 512, 8);
      }
      AuditEntry.Image image = judge(bytes, cap);
      assertThat(image.bytesRead()).isLessThanOrEqualTo(cap);
      assertThat(image.virtualSize() == null || image.virtualSize().toString().charAt(0) != '-').isTrue();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static AuditEntry.Image judge(byte[] bytes, long cap) throws IOException {
    return Auditor.judge("test.img", null, new ByteArraySource(bytes, cap), bytes.length);
  }

  private static void assertInvalid(ByteBuffer header, String check) throws IOException {
    AuditEntry.Image image = judge(Arrays.copyOf(header.array(), 12288), BASE);
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
    assertThat((String) image.details().toMap().get("invalidHeader")).contains(check);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static long crc(byte[] b, int length) {
    CRC32 crc = new CRC32();
    crc.update(b, 0, length);
    return crc.getValue();
  }
}
