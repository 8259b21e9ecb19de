package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** qcow2 and qcow headers built byte by byte: every check, cut short at every field, hostile extensions. */
public class QcowDetectorTest {

  /** A valid qcow2 v3 header of 112 bytes, 64 KiB clusters, 1 MiB, then an end-of-extensions marker. */
  public static ByteBuffer v3() {
    ByteBuffer b = ByteBuffer.allocate(65536);
    b.put(new byte[] {'Q', 'F', 'I', (byte) 0xFB}).putInt(3).putLong(0).putInt(0).putInt(16).putLong(1 << 20);
    b.putInt(32, 0); // crypt_method
    b.putInt(96, 4); // refcount_order
    b.putInt(100, 112); // header_length
    return b;
  }

  public static byte[] bytes(ByteBuffer b, int length) {
    return Arrays.copyOf(b.array(), length);
  }

  @Test
  void aValidHeaderRaisesNothingAndCrosvmAcceptsIt() throws IOException {
    AuditEntry.Image image = judge(bytes(v3(), 4096));
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image.flags()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE);
    assertThat(image.disk()).isEqualTo(Verdict.accepted());
    assertThat(image.details().toMap()).containsEntry("headerLength", 112L).containsEntry("clusterSize", 65536L)
        .containsEntry("headerExtensions", List.of()).doesNotContainKey("invalidHeader");
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 8, 16, 20, 24, 31, 32, 36, 60, 71, 72, 100, 103})
  void headersCutShortAreTruncatedAndNeverThrow(int length) throws IOException {
    AuditEntry.Image image = judge(bytes(v3(), length));
    assertThat(image.flags()).contains(Flag.TRUNCATED, Flag.CROSVM_UNSUPPORTED);
    assertThat(image.details().toMap()).containsEntry("headerTruncated", true);
    assertThat(image.virtualSize()).isEqualTo(length >= 32 ? U64.of(1 << 20) : null);
    assertThat(image.bytesRead()).isEqualTo(length);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 0x7FFF_FFFF, -1})
  void versionsOtherThanOneToThreeAreInvalid(int version) throws IOException {
    AuditEntry.Image image = judge(bytes(v3().putInt(4, version), 4096));
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(image.virtualSize()).isNull();
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap().get("invalidHeader")).asString()
        .isEqualTo("version " + Integer.toUnsignedLong(version) + " is not 1, 2 or 3");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8, 22, 63, -1})
  void clusterBitsOutsideQemusLimitsAreInvalidAndCrosvmRefusesThem(int bits) throws IOException {
    AuditEntry.Image image = judge(bytes(v3().putInt(20, bits), 4096));
    assertThat(image.details().toMap()).containsEntry("invalidHeader", "cluster_bits " + Integer.toUnsignedLong(bits) + " is outside 9..21");
    assertThat(image.disk().reason()).contains("cluster_bits");
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 21})
  void clusterBitsAtQemusLimitsAreValid(int bits) throws IOException {
    AuditEntry.Image image = judge(bytes(v3().putInt(20, bits), 4096));
    assertThat(image.flags()).doesNotContain(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("clusterSize", 1L << bits);
  }

  @Test
  void headerLengthMustBeAtLeast104AndWithinTheFirstCluster() throws IOException {
    assertThat(judge(bytes(v3().putInt(100, 72), 4096)).details().toMap()).containsEntry("invalidHeader", "header_length 72 is below 104");
    assertThat(judge(bytes(v3().putInt(20, 9).putInt(100, 1024), 4096)).details().toMap())
        .containsEntry("invalidHeader", "header_length 1024 passes the first cluster");
  }

  @Test
  void featureBitsBecomeFlags() throws IOException {
    long bits = 1L | 2L | 1L << 5 | 1L << 63;
    AuditEntry.Image image = judge(bytes(v3().putLong(72, bits).putLong(80, 1), 4096));
    assertThat(image.flags()).contains(Flag.DIRTY, Flag.CORRUPT, Flag.UNKNOWN_FEATURES);
    assertThat(image.details().toMap())
        .containsEntry("unknownIncompatibleFeatures", List.of(5, 63))
        .containsEntry("incompatibleFeatures", U64.of(bits))
        .containsEntry("lazyRefcounts", true);
    assertThat(image.details().toMap().get("incompatibleFeatures")).hasToString("9223372036854775843");
  }

  @Test
  void compressionTypeMustAgreeWithItsFeatureBit() throws IOException {
    assertThat(judge(bytes(v3().put(104, (byte) 1), 4096)).details().toMap())
        .containsEntry("invalidHeader", "compression type 1 disagrees with incompatible feature bit 3");
    assertThat(judge(bytes(v3().put(104, (byte) 1).putLong(72, 8), 4096)).details().toMap())
        .containsEntry("compressionType", "zstd").doesNotContainKey("invalidHeader");
    assertThat(judge(bytes(v3().put(104, (byte) 7).putLong(72, 8), 4096)).details().toMap())
        .containsEntry("invalidHeader", "compression type 7 is not 0 (zlib) or 1 (zstd)");
    // A header of exactly 104 bytes has no compression type byte: zlib.
    assertThat(judge(bytes(v3().putInt(100, 104).put(104, (byte) 1), 4096)).details().toMap()).containsEntry("compressionType", "zlib");
  }

  @Test
  void encryptionMethodsAreNamedAndUnknownOnesInvalid() throws IOException {
    assertThat(judge(bytes(v3().putInt(32, 2), 4096)).flags()).contains(Flag.ENCRYPTED);
    AuditEntry.Image unknown = judge(bytes(v3().putInt(32, 3), 4096));
    assertThat(unknown.details().toMap()).containsEntry("encryption", "unknown")
        .containsEntry("invalidHeader", "crypt_method 3 is not 0, 1 (AES) or 2 (LUKS)");
  }

  @Test
  void backingNamePastTheFirstClusterIsReportedInvalidButStillNamed() throws IOException {
    ByteBuffer b = v3().putInt(20, 9).putLong(8, 500).putInt(16, 20);
    b.put(500, "../../etc/passwd-ish".getBytes(StandardCharsets.US_ASCII));
    AuditEntry.Image image = judge(bytes(b, 4096));
    assertThat(image.details().toMap()).containsEntry("backingFile", "../../etc/passwd-ish")
        .containsEntry("invalidHeader", "backing file name at 500 passes the first cluster");
    assertThat(image.flags()).contains(Flag.BACKING_FILE, Flag.INVALID_HEADER);
    assertThat(image.disk().reason()).isEqualTo("qcow2: backing file name lies outside the first cluster");
  }

  @Test
  void backingNamePastTheEndOfTheFileIsNotRead() throws IOException {
    AuditEntry.Image image = judge(bytes(v3().putLong(8, 4090).putInt(16, 10), 4096));
    assertThat(image.details().toMap()).doesNotContainKey("backingFile")
        .containsEntry("invalidHeader", "backing file name at 4090 passes the end of the file");
    assertThat(image.flags()).contains(Flag.BACKING_FILE);
    assertThat(image.bytesRead()).isEqualTo(4096);
  }

  @Test
  void crosvmsOwnBackingFormatExtensionIsRead() throws IOException {
    AuditEntry.Image raw = judge(overlay(0xE279268F, "raw"));
    assertThat(raw.details().toMap()).containsEntry("backingFormat", "raw").containsEntry("backingFormatExtension", "crosvm")
        .containsEntry("headerExtensions", List.of("crosvm-backing-format")).containsEntry("backingFile", "base.img");
    assertThat(raw.disk()).isEqualTo(Verdict.accepted());
    assertThat(judge(overlay(0xE279268F, "vmdk")).disk())
        .isEqualTo(Verdict.rejected("qcow2: backing format 'vmdk' is not raw, qcow2 or composite"));
    assertThat(judge(overlay(0xE2792ACA, "raw")).disk().reason())
        .isEqualTo("qcow2: backing file without crosvm's backing format extension (0xE279268F); QEMU's 0xE2792ACA does not count");
  }

  @Test
  void bothBackingFormatExtensionsAreKeptApart() throws IOException {
    ByteBuffer b = v3();
    b.position(112);
    b.putInt(0xE2792ACA).putInt(5).put("qcow2".getBytes(StandardCharsets.US_ASCII)).put(new byte[3]);
    b.putInt(0xE279268F).putInt(3).put("raw".getBytes(StandardCharsets.US_ASCII)).put(new byte[5]);
    b.putInt(0).putInt(0);
    b.putLong(8, 200).putInt(16, 4).put(200, "base".getBytes(StandardCharsets.US_ASCII));
    AuditEntry.Image image = judge(bytes(b, 4096));
    assertThat(image.details().toMap()).containsEntry("backingFormat", "qcow2")
        .containsEntry("backingFormatExtension", "qemu+crosvm").containsEntry("crosvmBackingFormat", "raw");
    assertThat(image.disk()).isEqualTo(Verdict.accepted());
  }

  @Test
  void anExtensionLongerThanItsAreaIsInvalid() throws IOException {
    ByteBuffer b = v3();
    b.position(112);
    b.putInt(0x44415441).putInt(70_000);
    AuditEntry.Image image = judge(bytes(b, 4096));
    assertThat(image.details().toMap()).containsEntry("invalidHeader",
        "header extension 0x44415441 of 70000 bytes passes the end of the extension area");
    assertThat(image.bytesRead()).isEqualTo(4096);
  }

  @Test
  void qemusBackingFormatLongerThan15BytesIsInvalid() throws IOException {
    ByteBuffer b = v3();
    b.position(112);
    b.putInt(0xE2792ACA).putInt(16).put(new byte[16]).putInt(0).putInt(0);
    assertThat(judge(bytes(b, 4096)).details().toMap()).containsEntry("invalidHeader", "backing format extension of 16 bytes is longer than 15");
  }

  @Test
  void aHostileChainOfExtensionsStopsAtTheCap() throws IOException {
    // 2 MiB clusters; the header claims 4 KiB and fills the rest with empty extensions of an unknown type.
    ByteBuffer b = ByteBuffer.allocate(1 << 21);
    b.put(v3().array(), 0, 112).putInt(20, 21).putInt(100, 4096);
    for (int at = 4096; at + 8 <= b.capacity(); at += 8) {
      b.putInt(at, 0x0BADF00D);
    }
    AuditEntry.Image image = judge(b.array());
    assertThat(image.details().toMap()).containsEntry("headerExtensionWalk", "stopped at cap");
    assertThat(image.bytesRead()).isLessThanOrEqualTo(FormatFixturesTest.BASE_READS + Caps.QCOW_EXTENSION_AREA);
    assertThat(image.bytesRead()).isGreaterThan(FormatFixturesTest.BASE_READS + Caps.QCOW_EXTENSION_AREA - 8L);
  }

  @Test
  void anExtensionAreaCutByTheEndOfFileIsTruncated() throws IOException {
    ByteBuffer b = v3();
    b.position(112);
    b.putInt(0x0BADF00D).putInt(64);
    AuditEntry.Image image = judge(bytes(b, 130));
    assertThat(image.flags()).contains(Flag.TRUNCATED);
  }

  @Test
  void crosvmLimitsSizeAndL1Table() throws IOException {
    assertThat(judge(bytes(v3().putLong(24, (1L << 44) + 1), 4096)).disk().reason())
        .isEqualTo("qcow2: virtual size 17592186044417 is over crosvm's limit of 2^44 bytes (16 TiB)");
    assertThat(judge(bytes(v3().putLong(24, 1L << 44), 4096)).disk()).isEqualTo(Verdict.accepted());
    assertThat(judge(bytes(v3().putInt(36, 35_000_001), 4096)).disk().reason()).contains("L1 table of 35000001 entries");
    assertThat(judge(bytes(v3().putInt(16, 1024).putLong(8, 200), 4096)).disk().reason())
        .isEqualTo("qcow2: backing file name of 1024 bytes is longer than 1023");
  }

  @Test
  void qcowV1ChecksItsOwnLimits() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(512).put(new byte[] {'Q', 'F', 'I', (byte) 0xFB}).putInt(1);
    b.putLong(24, 1).put(32, (byte) 17).put(33, (byte) 9).putInt(36, 1);
    AuditEntry.Image image = judge(b.array());
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", "size 1 is below 2 bytes").containsEntry("encryption", "aes");
    assertThat(image.flags()).contains(Flag.ENCRYPTED, Flag.INVALID_HEADER);
    b.putLong(24, 4096).put(32, (byte) 17);
    assertThat(judge(b.array()).details().toMap()).containsEntry("invalidHeader", "cluster_bits 17 is outside 9..16");
    b.put(32, (byte) 12).put(33, (byte) 14);
    assertThat(judge(b.array()).details().toMap()).containsEntry("invalidHeader", "l2_bits 14 is outside 6..13");
    b.put(33, (byte) 9).putInt(36, 2);
    assertThat(judge(b.array()).details().toMap()).containsEntry("invalidHeader", "crypt_method 2 is not 0 (none) or 1 (AES)");
  }

  private static byte[] overlay(int extension, String format) {
    ByteBuffer b = v3();
    b.position(112);
    byte[] name = format.getBytes(StandardCharsets.US_ASCII);
    b.putInt(extension).putInt(name.length).put(name).put(new byte[(8 - name.length % 8) % 8]);
    b.putInt(0).putInt(0);
    b.putLong(8, 300).putInt(16, 8).put(300, "base.img".getBytes(StandardCharsets.US_ASCII));
    return bytes(b, 4096);
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test.qcow2", null, new ByteArraySource(bytes), bytes.length);
  }
}
