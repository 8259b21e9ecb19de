package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plain and seekable zstd: files from the zstd CLI against its answers, and byte-built frames and seek tables. */
class ZstdDetectorTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/zstd");
  private static final Pattern FRAMES = Pattern.compile("# Zstandard Frames: (\\d+)");

  @ParameterizedTest
  @CsvSource({"plain.zst, false, true", "plain-no-size.zst, false, false", "seekable.zst, true, true",
      "seekable-no-checksums.zst, true, true"})
  void cliMadeFilesMatchWhatZstdSays(String name, boolean seekable, boolean sized) throws IOException {
    AuditEntry.Image image = (AuditEntry.Image) ImageAudit.auditFile(FIXTURES.resolve(name));
    long decompressed = Long.parseLong(Files.readString(FIXTURES.resolve(name + ".decompressed-size")).trim());
    Matcher frames = FRAMES.matcher(Files.readString(FIXTURES.resolve(name + ".zstd-lv.txt")));
    assertThat(frames.find()).isTrue();
    assertThat(image.format()).isEqualTo(ImageFormat.ZSTD);
    assertThat(image.details().toMap()).containsEntry("seekable", seekable);
    assertThat(image.virtualSize()).isEqualTo(sized ? U64.of(decompressed) : null);
    // virtmgr takes it as a raw partition of its compressed length; crosvm as zstd.
    assertThat(image.partition()).isEqualTo(Verdict.accepted());
    assertThat(image.partitionSize()).isEqualTo(U64.of(Files.size(FIXTURES.resolve(name))));
    assertThat(image.flags()).contains(Flag.ZSTD_AS_RAW_PARTITION).doesNotContain(Flag.INVALID_HEADER, Flag.TRUNCATED);
    if (seekable) {
      assertThat(image.details().toMap()).containsEntry("frames", Long.parseLong(frames.group(1)))
          .containsEntry("compressedSizesMatch", true)
          .containsEntry("checksums", !name.contains("no-checksums"));
      assertThat(image.disk()).isEqualTo(Verdict.accepted());
      assertThat(image.flags()).containsExactly(Flag.ZSTD_AS_RAW_PARTITION);
    } else {
      assertThat(image.details().toMap()).containsEntry("frameContentSize", sized ? (Object) U64.of(decompressed) : "absent");
      assertThat(image.disk())
          .isEqualTo(Verdict.rejected("zstd: not seekable (no seek table at the end of the file); crosvm reads only seekable zstd"));
      assertThat(image.flags()).containsExactly(Flag.CROSVM_UNSUPPORTED, Flag.ZSTD_AS_RAW_PARTITION);
    }
  }

  @Test
  void frameContentSizesOfEveryWidthAreRead() throws IOException {
    // Single segment, 1-byte size.
    assertThat(judge(frame(0x20, 200)).virtualSize()).isEqualTo(U64.of(200));
    // 2-byte size, stored minus 256; a window descriptor comes first.
    assertThat(judge(frame(0x40, 0x1234, 0x58)).virtualSize()).isEqualTo(U64.of(0x1234));
    // 4-byte size after a 4-byte dictionary id.
    assertThat(judge(frame(0x83, 0xDEADBEEFL, 0x58, 1, 2, 3, 4)).virtualSize()).isEqualTo(U64.of(0xDEADBEEFL));
    // 8-byte size past 2^63 stays unsigned.
    assertThat(judge(frame(0xE0, -2L)).virtualSize()).hasToString("18446744073709551614");
  }

  @Test
  void aReservedFrameHeaderBitIsInvalid() throws IOException {
    AuditEntry.Image image = judge(frame(0x28, 1));
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap()).containsEntry("invalidHeader", "frame header descriptor sets its reserved bit");
  }

  @Test
  void leadingSkippableFramesAreSteppedOver() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(le(0x184D2A53, 5000));
    out.writeBytes(new byte[5000]);
    out.writeBytes(frame(0x20, 77));
    AuditEntry.Image image = judge(out.toByteArray());
    assertThat(image.format()).isEqualTo(ImageFormat.ZSTD);
    assertThat(image.details().toMap()).containsEntry("startsWithSkippableFrame", true);
    assertThat(image.virtualSize()).isEqualTo(U64.of(77));
  }

  @Test
  void onlySkippableFramesOrTooManyOfThemGiveNoSize() throws IOException {
    byte[] only = concat(le(0x184D2A50, 4), new byte[4]);
    assertThat(judge(only).details().toMap()).containsEntry("firstFrame", "none: the file holds only skippable frames");
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    for (int i = 0; i < 20; i++) {
      many.writeBytes(le(0x184D2A5F, 0));
    }
    many.writeBytes(frame(0x20, 1));
    AuditEntry.Image image = judge(many.toByteArray());
    assertThat(image.virtualSize()).isNull();
    assertThat(image.details().toMap()).containsEntry("firstFrame", "not found within 16 skippable frames");
  }

  @Test
  void aHugeSkippableFrameSizeDoesNotWrap() throws IOException {
    byte[] bytes = concat(le(0x184D2A50, -1), new byte[20]);
    AuditEntry.Image image = judge(bytes);
    assertThat(image.virtualSize()).isNull();
    assertThat(image.bytesRead()).isEqualTo(bytes.length);
  }

  @Test
  void seekTableProblemsAreNamedAndCrosvmsOwnRulesApplied() throws IOException {
    byte[] good = seekable(0, 100, 4000);
    assertThat(judge(good).virtualSize()).isEqualTo(U64.of(4000));
    assertThat(judge(good).disk()).isEqualTo(Verdict.accepted());

    byte[] reserved = good.clone();
    reserved[reserved.length - 5] = 0x04;
    assertThat(judge(reserved).details().toMap()).containsEntry("invalidHeader", "seek table descriptor 0x4 sets reserved bits");
    assertThat(judge(reserved).disk()).isEqualTo(Verdict.rejected("zstd: the seek table descriptor sets reserved bits"));

    byte[] tooMany = good.clone();
    ByteBuffer.wrap(tooMany).order(ByteOrder.LITTLE_ENDIAN).putInt(tooMany.length - 9, 1000);
    assertThat(judge(tooMany).details().toMap()).containsEntry("invalidHeader", "seek table of 1000 frames is larger than the file");
    assertThat(judge(tooMany).virtualSize()).isNull();
    assertThat(judge(tooMany).disk()).isEqualTo(Verdict.rejected("zstd: a seek table of 1000 frames is longer than the file"));

    byte[] badFrame = good.clone();
    ByteBuffer.wrap(badFrame).order(ByteOrder.LITTLE_ENDIAN).putInt(badFrame.length - 9 - 8 - 8, 0x184D2A50);
    assertThat(judge(badFrame).details().toMap())
        .containsEntry("invalidHeader", "seek table is not one skippable frame 0x184D2A5E of its entries and footer");
    // crosvm reads only the footer and the entries: it opens this one.
    assertThat(judge(badFrame).disk()).isEqualTo(Verdict.accepted());
  }

  @Test
  void aSeekTableOverTheCapIsNotRead() throws IOException {
    int frames = Caps.ZSTD_SEEK_TABLE / 8;
    byte[] bytes = new byte[8 + frames * 8 + 9 + 64];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0xFD2FB528).put(4, (byte) 0x20).put(5, (byte) 1);
    b.putInt(bytes.length - 9, frames).put(bytes.length - 5, (byte) 0).putInt(bytes.length - 4, 0x8F92EAB1);
    AuditEntry.Image image = judge(bytes);
    assertThat(image.details().toMap()).containsEntry("seekable", true).containsEntry("frames", (long) frames);
    assertThat(image.details().toMap().get("seekTableError")).asString().contains("over the cap");
    assertThat(image.virtualSize()).isNull();
    assertThat(image.bytesRead()).isEqualTo(FormatFixturesTest.BASE_READS);
    assertThat(image.disk()).isEqualTo(Verdict.accepted());
  }

  @Test
  void aFileTooShortForASeekTableIsRejectedByCrosvm() throws IOException {
    byte[] bytes = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x20, 1, 0, 0, 0, (byte) 0xB1, (byte) 0xEA, (byte) 0x92, (byte) 0x8F};
    AuditEntry.Image image = judge(bytes);
    assertThat(image.disk()).isEqualTo(Verdict.rejected("zstd: the file is too short (under 17 bytes) to hold a seek table"));
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
  }

  /** A frame with the descriptor byte, the given extra header bytes, then the content size. */
  static byte[] frame(int descriptor, long contentSize, int... between) {
    int fcsFlag = descriptor >>> 6;
    int size = fcsFlag == 0 ? ((descriptor & 0x20) != 0 ? 1 : 0) : new int[] {0, 2, 4, 8}[fcsFlag];
    long stored = size == 2 ? contentSize - 256 : contentSize;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) descriptor});
    for (int b : between) {
      out.write(b);
    }
    for (int i = 0; i < size; i++) {
      out.write((int) (stored >>> (8 * i)));
    }
    out.writeBytes(new byte[16]);
    return out.toByteArray();
  }

  /** A seekable file: {@code frames} frames of {@code compressed} bytes, each decompressing to {@code each}. */
  static byte[] seekable(int descriptor, int compressed, int decompressed) {
    ByteBuffer b = ByteBuffer.allocate(compressed + 8 + 8 + 9).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xFD2FB528).put((byte) 0);
    b.position(compressed);
    b.putInt(0x184D2A5E).putInt(8 + 9).putInt(compressed).putInt(decompressed);
    b.putInt(1).put((byte) descriptor).putInt(0x8F92EAB1);
    return b.array();
  }

  static byte[] le(int magic, int size) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putInt(size).array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test.zst", null, new ByteArraySource(bytes), bytes.length);
  }
}
