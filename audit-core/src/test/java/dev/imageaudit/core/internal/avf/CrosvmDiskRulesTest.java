package dev.imageaudit.core.internal.avf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.avf.CrosvmDiskRules.ImageType;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** crosvm's own detection and its composite rules; the partition hazards virtmgr does not see. */
public class CrosvmDiskRulesTest {

  private static final byte[] COMPOSITE = "composite_disk\u001d".getBytes(StandardCharsets.US_ASCII);

  @Test
  void detectionTriesCompositeQcowSparseZstdThenRaw() {
    assertThat(CrosvmDiskRules.detectImageType(COMPOSITE, 15)).isEqualTo(ImageType.COMPOSITE_DISK);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {'Q', 'F', 'I', (byte) 0xFB}, 4)).isEqualTo(ImageType.QCOW2);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {0x3A, (byte) 0xFF, 0x26, (byte) 0xED}, 4)).isEqualTo(ImageType.ANDROID_SPARSE);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, 4)).isEqualTo(ImageType.ZSTD);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {0x50, 0x2A, 0x4D, 0x18}, 4)).isEqualTo(ImageType.ZSTD);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {0x5F, 0x2A, 0x4D, 0x18}, 4)).isEqualTo(ImageType.ZSTD);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {0x60, 0x2A, 0x4D, 0x18}, 4)).isEqualTo(ImageType.RAW);
    assertThat(CrosvmDiskRules.detectImageType(new byte[0], 0)).isEqualTo(ImageType.RAW);
  }

  @Test
  void aShortFileIsComparedInAZeroedBufferSoOnlyWholeMagicsCount() {
    assertThat(CrosvmDiskRules.detectImageType(Arrays.copyOf(COMPOSITE, 14), 14)).isEqualTo(ImageType.RAW);
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {'Q', 'F', 'I'}, 3)).isEqualTo(ImageType.RAW);
    // Bytes past what crosvm reads (min(size, 4096)) do not count.
    assertThat(CrosvmDiskRules.detectImageType(new byte[] {'Q', 'F', 'I', (byte) 0xFB}, 3)).isEqualTo(ImageType.RAW);
  }

  @Test
  void compositeRulesAreReportedAndJudged() throws IOException {
    AuditEntry.Image good = judge(composite(1, 1000, 0, 500));
    assertThat(good.disk()).isEqualTo(Verdict.accepted());
    assertThat(good.details().toMap().get("rules")).isEqualTo(Map.of("versionAtMostTwo", true, "hasComponents", true,
        "offsetsSorted", true, "offsetsUnique", true, "lengthPastLastOffset", true));

    AuditEntry.Image unsorted = judge(composite(2, 1000, 500, 0));
    assertThat(unsorted.details().toMap().get("rules")).asString().contains("offsetsSorted=false");
    // crosvm sorts the components itself.
    assertThat(unsorted.disk()).isEqualTo(Verdict.accepted());

    AuditEntry.Image twice = judge(composite(1, 1000, 500, 500));
    assertThat(twice.disk()).isEqualTo(Verdict.rejected("composite: two component disks at offset 500"));
    assertThat(twice.flags()).contains(Flag.CROSVM_UNSUPPORTED);

    assertThat(judge(composite(1, 500, 0, 500)).disk())
        .isEqualTo(Verdict.rejected("composite: length 500 does not pass the last component's offset 500"));
    assertThat(judge(composite(3, 1000, 0)).disk()).isEqualTo(Verdict.rejected("composite: version 3, crosvm reads versions up to 2"));
    assertThat(judge(composite(1, 1000)).disk()).isEqualTo(Verdict.rejected("composite: no component disks"));
    assertThat(judge(composite(1, 1000)).details().toMap().get("rules")).asString().contains("hasComponents=false", "lengthPastLastOffset=false");
    assertThat(judge(concat(COMPOSITE, new byte[] {0x08})).disk())
        .isEqualTo(Verdict.rejected("composite: truncated varint at byte 1"));
  }

  @Test
  void aBlockDeviceIsAZeroSizePartition() throws IOException {
    byte[] bytes = new byte[8192];
    Arrays.fill(bytes, (byte) 'x');
    // st_size 0 but 8192 bytes behind it: what a block device looks like.
    AuditEntry.Image device = Auditor.judge("/dev/block/x", null, new ByteArraySource(bytes), 0);
    assertThat(device.partitionSize()).isEqualTo(U64.ZERO);
    assertThat(device.flags()).containsExactly(Flag.ZERO_SIZE_PARTITION);
    assertThat(device.disk()).isEqualTo(Verdict.accepted());
    AuditEntry.Image empty = Auditor.judge("empty", null, new ByteArraySource(new byte[0]), 0);
    assertThat(empty.flags()).isEmpty();
    AuditEntry.Image file = Auditor.judge("file", null, new ByteArraySource(bytes), bytes.length);
    assertThat(file.flags()).isEmpty();
  }

  @Test
  void zstdUnderFifteenBytesIsRawToVirtmgrAndZstdToCrosvm() throws IOException {
    byte[] bytes = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x20, 5};
    AuditEntry.Image image = Auditor.judge("z", null, new ByteArraySource(bytes), bytes.length);
    assertThat(image.flags()).contains(Flag.ZSTD_AS_RAW_PARTITION, Flag.CROSVM_UNSUPPORTED);
  }

  @Test
  void arbitraryBytesBehindEveryMagicNeverThrowAndStayUnderTheCaps() throws IOException {
    Random random = new Random(3);
    byte[][] prefixes = {
        {'Q', 'F', 'I', (byte) 0xFB, 0, 0, 0, 3}, {'Q', 'F', 'I', (byte) 0xFB, 0, 0, 0, 1},
        {0x3A, (byte) 0xFF, 0x26, (byte) 0xED, 1, 0}, {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD},
        {0x5E, 0x2A, 0x4D, 0x18}, COMPOSITE};
    byte[] seekFooter = {(byte) 0xB1, (byte) 0xEA, (byte) 0x92, (byte) 0x8F};
    for (int i = 0; i < 3000; i++) {
      byte[] prefix = prefixes[i % prefixes.length];
      byte[] bytes = new byte[prefix.length + random.nextInt(i % 5 == 0 ? 40_000 : 600)];
      random.nextBytes(bytes);
      System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      if (i % 3 == 0 && bytes.length >= prefix.length + 4) {
        System.arraycopy(seekFooter, 0, bytes, bytes.length - 4, 4);
      }
      AuditEntry.Image image = Auditor.judge("r", null, new ByteArraySource(bytes), bytes.length);
      assertThat(image.bytesRead()).isLessThanOrEqualTo(Caps.PER_FILE);
      assertThat(image.disk()).isNotNull();
      if (image.virtualSize() != null) {
        assertThat(image.virtualSize().toString()).doesNotStartWith("-");
      }
    }
  }

  /** A composite disk of the given version and length with one read-only component per offset. */
  public static byte[] composite(long version, long length, long... offsets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(COMPOSITE);
    out.write(0x08);
    varint(out, version);
    for (long offset : offsets) {
      ByteArrayOutputStream c = new ByteArrayOutputStream();
      c.write(0x0A);
      c.write(1);
      c.write('a');
      c.write(0x10);
      varint(c, offset);
      out.write(0x12);
      varint(out, c.size());
      out.writeBytes(c.toByteArray());
    }
    out.write(0x18);
    varint(out, length);
    return out.toByteArray();
  }

  public static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test", null, new ByteArraySource(bytes), bytes.length);
  }
}
