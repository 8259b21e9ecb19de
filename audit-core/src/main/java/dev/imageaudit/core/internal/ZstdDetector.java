package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Names Zstandard-compressed images as crosvm does (a frame magic, little-endian 0xFD2FB528, or a
 * skippable frame magic 0x184D2A50..0x184D2A5F at 0; FORMATS.md section 4) and sizes them.
 *
 * <p>A seekable zstd file (the zstd "seekable format", which crosvm reads) ends with a seek table:
 * a skippable frame 0x184D2A5E holding one entry per frame (compressed size u32, decompressed size
 * u32, optional checksum u32), then a 9-byte footer (number of frames u32, descriptor byte whose
 * bit 7 says entries carry checksums, magic 0x8F92EAB1). Its virtual size is the sum of the
 * decompressed sizes. A plain zstd file's virtual size is the Frame_Content_Size of its first zstd
 * frame when that header carries one (a file of several frames is then larger), else unknown.
 */
final class ZstdDetector implements FormatDetector {

  static final int FRAME_MAGIC = 0xFD2FB528;
  static final int SKIPPABLE_LOW = 0x184D2A50;
  static final int SKIPPABLE_HIGH = 0x184D2A5F;
  static final int SEEK_TABLE_FRAME_MAGIC = 0x184D2A5E;
  static final int SEEK_TABLE_FOOTER_MAGIC = 0x8F92EAB1;
  static final int FOOTER_SIZE = 9;

  /** A frame header is at most 14 bytes after the 4-byte magic. */
  private static final int MAX_FRAME_HEADER = 18;

  /** The head, and the tail of a file that starts with a frame: a seek table's footer ends it. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  /** A 4-byte magic, or one of 16 skippable-frame magics that wrap arbitrary bytes. */
  @Override
  public int probeScore() {
    return SCORE_CONTAINER_MAGIC;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    if (head.length < 4) {
      return Optional.empty();
    }
    int magic = Bytes.u32le(head, 0);
    boolean skippable = isSkippable(magic);
    if (magic != FRAME_MAGIC && !skippable) {
      return Optional.empty();
    }
    Findings found = new Findings();
    found.put("startsWithSkippableFrame", skippable);
    long size = probe.size();
    byte[] tail = size >= FOOTER_SIZE ? probe.tail() : new byte[0];
    if (tail.length >= FOOTER_SIZE && Bytes.u32le(tail, tail.length - 4) == SEEK_TABLE_FOOTER_MAGIC) {
      return Optional.of(seekable(probe, tail, found));
    }
    found.put("seekable", false);
    U64 contentSize = firstFrameContentSize(probe, found);
    return Optional.of(found.toDetection(ImageFormat.ZSTD, contentSize));
  }

  private static Detection seekable(Probe probe, byte[] tail, Findings found)
      throws IOException {
    long size = probe.size();
    long frames = Bytes.u32leUnsigned(tail, tail.length - FOOTER_SIZE);
    int descriptor = Bytes.u8(tail, tail.length - 5);
    boolean checksums = (descriptor & 0x80) != 0;
    found.put("seekable", true);
    found.put("frames", frames);
    found.put("seekTableDescriptor", descriptor);
    found.put("checksums", checksums);
    if ((descriptor & 0x7C) != 0) {
      found.invalid("seek table descriptor 0x" + Integer.toHexString(descriptor) + " sets reserved bits");
    }
    long entries = frames * (checksums ? 12 : 8);
    long frameStart = size - FOOTER_SIZE - entries - 8;
    if (frameStart < 0) {
      found.invalid("seek table of " + frames + " frames is larger than the file");
      return found.toDetection(ImageFormat.ZSTD, null);
    }
    int tableBytes = (int) Math.min(Integer.MAX_VALUE, entries + 8);
    if (entries + 8 > Caps.ZSTD_SEEK_TABLE) {
      found.put("seekTableError", "seek table of " + (entries + 8) + " bytes is over the cap of " + Caps.ZSTD_SEEK_TABLE + " bytes: not read");
      return found.toDetection(ImageFormat.ZSTD, null);
    }
    byte[] table;
    long tailStart = size - tail.length;
    if (frameStart >= tailStart) {
      int from = (int) (frameStart - tailStart);
      table = Arrays.copyOfRange(tail, from, from + tableBytes);
    } else {
      table = probe.source().read(frameStart, tableBytes);
      if (table.length < tableBytes) {
        found.invalid("seek table could not be read whole");
        return found.toDetection(ImageFormat.ZSTD, null);
      }
    }
    if (Bytes.u32le(table, 0) != SEEK_TABLE_FRAME_MAGIC
        || Bytes.u32leUnsigned(table, 4) != entries + FOOTER_SIZE) {
      found.invalid("seek table is not one skippable frame 0x184D2A5E of its entries and footer");
    }
    long compressed = 0;
    long decompressed = 0;
    int step = checksums ? 12 : 8;
    for (int at = 8; at + 8 <= tableBytes; at += step) {
      compressed += Bytes.u32leUnsigned(table, at);
      decompressed += Bytes.u32leUnsigned(table, at + 4);
    }
    found.put("compressedSize", U64.of(compressed));
    // The frames the table lists fill the file up to the table itself.
    found.put("compressedSizesMatch", compressed == frameStart);
    return found.toDetection(ImageFormat.ZSTD, U64.of(decompressed));
  }

  /** Steps over leading skippable frames and reads the first zstd frame header's content size. */
  private static U64 firstFrameContentSize(Probe probe, Findings found)
      throws IOException {
    long size = probe.size();
    long at = 0;
    for (int hop = 0; ; hop++) {
      byte[] frame = ProbeBytes.read(probe, at, MAX_FRAME_HEADER);
      if (frame.length < 4) {
        found.put("firstFrame", "none: the file ends after the skippable frames");
        return null;
      }
      int magic = Bytes.u32le(frame, 0);
      if (magic == FRAME_MAGIC) {
        return contentSize(frame, found);
      }
      if (!isSkippable(magic)) {
        found.invalid("bytes at " + at + " are neither a zstd frame nor a skippable frame");
        return null;
      }
      if (frame.length < 8) {
        found.put("firstFrame", "none: a skippable frame header is cut short");
        found.flag(Flag.TRUNCATED);
        return null;
      }
      if (hop == Caps.ZSTD_SKIPPABLE_FRAMES) {
        found.put("firstFrame", "not found within " + Caps.ZSTD_SKIPPABLE_FRAMES + " skippable frames");
        return null;
      }
      at += 8 + Bytes.u32leUnsigned(frame, 4);
      if (at >= size) {
        found.put("firstFrame", "none: the file holds only skippable frames");
        return null;
      }
    }
  }

  /** Frame_Header_Descriptor and Frame_Content_Size (RFC 8878 section 3.1.1.1). */
  private static U64 contentSize(byte[] frame, Findings found) {
    if (frame.length < 5) {
      found.headerTruncated();
      return null;
    }
    int descriptor = Bytes.u8(frame, 4);
    int fcsFlag = descriptor >>> 6;
    boolean singleSegment = (descriptor & 0x20) != 0;
    if ((descriptor & 0x08) != 0) {
      found.invalid("frame header descriptor sets its reserved bit");
      return null;
    }
    int dictionaryIdSize = new int[] {0, 1, 2, 4}[descriptor & 3];
    int fcsSize = fcsFlag == 0 ? (singleSegment ? 1 : 0) : new int[] {0, 2, 4, 8}[fcsFlag];
    int at = 5 + (singleSegment ? 0 : 1) + dictionaryIdSize;
    if (fcsSize == 0) {
      found.put("frameContentSize", "absent");
      return null;
    }
    if (frame.length < at + fcsSize) {
      found.headerTruncated();
      return null;
    }
    long value = 0;
    for (int i = fcsSize - 1; i >= 0; i--) {
      value = value << 8 | Bytes.u8(frame, at + i);
    }
    if (fcsSize == 2) {
      value += 256;
    }
    U64 contentSize = U64.of(value);
    found.put("frameContentSize", contentSize);
    return contentSize;
  }

  private static boolean isSkippable(int magic) {
    return magic >= SKIPPABLE_LOW && magic <= SKIPPABLE_HIGH;
  }
}
