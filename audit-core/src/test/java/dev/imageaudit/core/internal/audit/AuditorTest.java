package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.format.Iso9660Detector;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Detection from bytes built by hand: headers cut short, hostile offsets, the read caps. */
class AuditorTest {

  private static final byte[] QCOW = {'Q', 'F', 'I', (byte) 0xFB};

  @Test
  void qcowMagicWithoutAVersionIsQcow2WithNoSize() throws IOException {
    AuditEntry.Image image = judge(QCOW);
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(image.virtualSize()).isNull();
    assertThat(image.details().toMap()).containsEntry("headerTruncated", true);
    assertThat(image.flags()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.TRUNCATED, Flag.CROSVM_UNSUPPORTED);
    assertThat(image.disk()).isEqualTo(Verdict.rejected("qcow2: the file ends inside the 104-byte header crosvm reads"));
  }

  @Test
  void qcowVersionOneIsNamedQcowAndSizedAtTwentyFour() throws IOException {
    byte[] header = ByteBuffer.allocate(48).put(QCOW).putInt(1).putLong(0).putInt(0).putInt(0)
        .putLong(16L << 20).put((byte) 12).put((byte) 9).putShort((short) 0).putInt(0).array();
    AuditEntry.Image image = judge(header);
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW);
    assertThat(image.virtualSize()).isEqualTo(U64.of(16L << 20));
    assertThat(image.details().toMap()).containsEntry("version", 1L).containsEntry("clusterBits", 12).containsEntry("cryptMethod", 0L);
  }

  @Test
  void qcow2SizeAboveTwoToTheSixtyThirdStaysUnsigned() throws IOException {
    byte[] header = qcow2Header(3, -1L, 0, 0);
    AuditEntry.Image image = judge(header);
    assertThat(image.virtualSize()).hasToString("18446744073709551615");
  }

  @Test
  void backingFileNameOutsideTheHeadIsReadWithinItsCap() throws IOException {
    byte[] name = "../../etc/shadow".getBytes(StandardCharsets.UTF_8);
    byte[] image = Arrays.copyOf(qcow2Header(3, 1 << 20, 10_000, name.length), 10_000 + name.length);
    System.arraycopy(name, 0, image, 10_000, name.length);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("backingFile", "../../etc/shadow");
    // The tail too: every detector looks, so that a trailer format claiming the same bytes is flagged.
    assertThat(judged.bytesRead()).isEqualTo(Caps.HEAD + name.length + Caps.TAIL);
  }

  @Test
  void backingFileNameTooLongOrPastTwoToTheSixtyThirdIsNotRead() throws IOException {
    AuditEntry.Image tooLong = judge(qcow2Header(3, 1 << 20, 512, 4096));
    assertThat(tooLong.details().toMap()).doesNotContainKey("backingFile");
    AuditEntry.Image wrapping = judge(qcow2Header(3, 1 << 20, Long.MIN_VALUE + 5, 16));
    assertThat(wrapping.details().toMap()).doesNotContainKey("backingFile");
    assertThat(wrapping.bytesRead()).isEqualTo(104); // the whole (short) file, nothing more
  }

  @Test
  void compositeWithComponentsIsDecodedAndItsPathsNeverOpened() throws IOException {
    byte[] image = composite(
        0x08, 0x01,
        0x12, 0x0B, 0x0A, 0x05, 'a', '.', 'i', 'm', 'g', 0x10, 0x00, 0x18, 0x01,
        0x18, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.format()).isEqualTo(ImageFormat.COMPOSITE);
    assertThat(judged.virtualSize()).hasToString("18446744073709551615");
    assertThat(judged.partition()).isEqualTo(Verdict.rejected("unsupported partition image type: CompositeDisk"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> components = (List<Map<String, Object>>) judged.details().toMap().get("components");
    assertThat(components).singleElement().satisfies(c -> {
      assertThat(c).containsEntry("path", "a.img").containsEntry("readWrite", true).containsEntry("offset", U64.ZERO);
    });
  }

  @Test
  void malformedCompositeDescriptorsAreReportedNotThrown() throws IOException {
    assertThat(judge(composite(0x08)).details().toMap()).containsEntry("descriptorError", "truncated varint at byte 1");
    assertThat(judge(composite(0x12, 0x7F, 0x00)).details().toMap().get("descriptorError")).asString().contains("passes the end");
    assertThat(judge(composite(0x0F)).details().toMap()).containsEntry("descriptorError", "unknown wire type 7 at byte 1");
    assertThat(judge(composite(0x08)).virtualSize()).isNull();
  }

  @Test
  void compositeLargerThanItsCapIsNotRead() throws IOException {
    byte[] big = composite(new int[0]);
    big = Arrays.copyOf(big, 15 + Caps.COMPOSITE_DESCRIPTOR + 1);
    AuditEntry.Image judged = judge(big);
    assertThat(judged.details().toMap().get("descriptorError")).asString().contains("larger than the cap");
    // Head, tail and the ISO 9660 descriptor at 0x8000 (every detector looks), but not the protobuf.
    assertThat(judged.bytesRead()).isEqualTo(Caps.HEAD + Caps.TAIL + Iso9660Detector.DESCRIPTOR_CAP);
  }

  @Test
  void sourcesRefuseToReadPastTheirCap() {
    ByteArraySource source = new ByteArraySource(new byte[100], 10);
    assertThatThrownBy(() -> source.read(0, 11)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void arbitraryBytesNeverThrowAndNeverPassTheCap() throws IOException {
    Random random = new Random(20261129);
    byte[][] prefixes = {QCOW, {0x3A, (byte) 0xFF, 0x26, (byte) 0xED}, "composite_disk\u001d".getBytes(StandardCharsets.US_ASCII), {}};
    for (int i = 0; i < 4000; i++) {
      byte[] prefix = prefixes[i % prefixes.length];
      byte[] body = new byte[random.nextInt(i % 7 == 0 ? 20_000 : 300)];
      random.nextBytes(body);
      byte[] bytes = Arrays.copyOf(prefix, prefix.length + body.length);
      System.arraycopy(body, 0, bytes, prefix.length, body.length);
      AuditEntry.Image image = judge(bytes);
      assertThat(image.bytesRead()).isLessThanOrEqualTo(Caps.PER_FILE);
      assertThat(image.partition()).isNotNull();
    }
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test.img", null, new ByteArraySource(bytes), bytes.length);
  }

  private static byte[] qcow2Header(int version, long size, long backingOffset, int backingLength) {
    return ByteBuffer.allocate(104).put(QCOW).putInt(version).putLong(backingOffset).putInt(backingLength)
        .putInt(16).putLong(size).putInt(0).array();
  }

  private static byte[] composite(int... protobuf) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("composite_disk\u001d".getBytes(StandardCharsets.US_ASCII));
    for (int b : protobuf) {
      out.write(b);
    }
    return out.toByteArray();
  }
}
