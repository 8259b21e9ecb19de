package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.ZstdDetails.FrameContentSize;
import dev.imageaudit.core.ZstdDetails;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ReadPlan;
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
 *
 * <p>Not a {@link MagicDetector}: its magic at 0 is one of 17. The structures it reads are {@link
 * SeekTableFooter}, {@link SeekTable}, {@link SkippableFrameHeader} and {@link FrameHeader}; what
 * they say is a {@link ZstdDetails}.
 */
public final class ZstdDetector implements FormatDetector {

  public static final int FRAME_MAGIC = 0xFD2FB528;
  static final int SKIPPABLE_LOW = 0x184D2A50;
  static final int SKIPPABLE_HIGH = 0x184D2A5F;
  static final int SEEK_TABLE_FRAME_MAGIC = 0x184D2A5E;
  static final int SEEK_TABLE_FOOTER_MAGIC = 0x8F92EAB1;
  static final int FOOTER_SIZE = SeekTableFooter.SIZE;

  /** A frame header is at most 14 bytes after the 4-byte magic. */
  private static final int MAX_FRAME_HEADER = 18;

  /** The size of a frame's Magic_Number, the first field of zstd and skippable frames alike. */
  private static final int MAGIC_SIZE = 4;

  /**
   * The seek table's footer, the last 9 bytes of a seekable file (zstd seekable format,
   * "Seek_Table_Footer").
   *
   * @param numberOfFrames Number_Of_Frames (u32), the seek table's entries
   * @param seekTableDescriptor Seek_Table_Descriptor: bit 7 Checksum_Flag, bits 2..6 reserved
   * @param seekableMagicNumber Seekable_Magic_Number, 0x8F92EAB1 in a seekable file
   */
  record SeekTableFooter(long numberOfFrames, int seekTableDescriptor, int seekableMagicNumber) {
    static final int SIZE = 9;

    /** Reads the footer from the last 9 bytes of {@code tail} (at least 9 bytes long). */
    static SeekTableFooter read(byte[] tail) {
      int at = tail.length - SIZE;
      return new SeekTableFooter(Bytes.u32leUnsigned(tail, at), Bytes.u8(tail, at + 4), Bytes.u32le(tail, at + 5));
    }

    boolean checksumFlag() {
      return (seekTableDescriptor & 0x80) != 0;
    }

    boolean setsReservedBits() {
      return (seekTableDescriptor & 0x7C) != 0;
    }

    /** Returns the size of one seek table entry, in bytes: 12 with checksums, else 8. */
    int entrySize() {
      return checksumFlag() ? 12 : 8;
    }
  }

  /**
   * A skippable frame's header: Magic_Number 0x184D2A5? then Frame_Size, the bytes of user data
   * that follow.
   *
   * @param magicNumber the frame's magic
   * @param frameSizeBytes Frame_Size (u32), in bytes
   */
  record SkippableFrameHeader(int magicNumber, long frameSizeBytes) {
    static final int SIZE = 8;

    /** Reads the header from the first 8 bytes of {@code frame}. */
    static SkippableFrameHeader read(byte[] frame) {
      return new SkippableFrameHeader(frameMagic(frame), Bytes.u32leUnsigned(frame, 4));
    }
  }

  /**
   * The seek table, a skippable frame of its entries and the footer, summed up: a seekable file's
   * sizes are the sums of its entries'.
   *
   * @param frame the skippable frame's header
   * @param compressedSizeBytes the sum of the entries' Compressed_Size (u32 each), in bytes
   * @param decompressedSizeBytes the sum of the entries' Decompressed_Size (u32 each), in bytes
   */
  record SeekTable(SkippableFrameHeader frame, long compressedSizeBytes, long decompressedSizeBytes) {

    /** Reads the table from {@code table}: its frame header, then entries of {@code entrySize} bytes. */
    static SeekTable read(byte[] table, int entrySize) {
      long compressed = 0;
      long decompressed = 0;
      for (int at = SkippableFrameHeader.SIZE; at + 8 <= table.length; at += entrySize) {
        compressed += Bytes.u32leUnsigned(table, at);
        decompressed += Bytes.u32leUnsigned(table, at + 4);
      }
      return new SeekTable(SkippableFrameHeader.read(table), compressed, decompressed);
    }
  }

  /**
   * A zstd frame's header up to its Frame_Content_Size (RFC 8878 section 3.1.1.1): the magic, the
   * Frame_Header_Descriptor, then Window_Descriptor (not in a single-segment frame), Dictionary_ID
   * and Frame_Content_Size, each of a width the descriptor gives.
   *
   * @param frameHeaderDescriptor the descriptor byte: bits 6-7 FCS flag, bit 5 single segment, bit
   *     3 reserved, bits 0-1 dictionary ID flag
   * @param contentSizeFieldBytes the width of Frame_Content_Size, in bytes: 0 (absent), 1, 2, 4 or 8
   * @param frameContentSize the frame's decompressed size, in bytes; {@code null} when the field is
   *     absent or the bytes end inside it
   */
  record FrameHeader(int frameHeaderDescriptor, int contentSizeFieldBytes, U64 frameContentSize) {
    private static final int[] DICTIONARY_ID_BYTES = {0, 1, 2, 4};
    private static final int[] CONTENT_SIZE_BYTES = {0, 2, 4, 8};

    /** Reads the header from {@code frame}, which starts at the magic; empty if it ends before the descriptor. */
    static Optional<FrameHeader> read(byte[] frame) {
      if (frame.length < 5) {
        return Optional.empty();
      }
      int descriptor = Bytes.u8(frame, 4);
      boolean singleSegment = (descriptor & 0x20) != 0;
      int fcsFlag = descriptor >>> 6;
      int fcsSize = fcsFlag == 0 ? (singleSegment ? 1 : 0) : CONTENT_SIZE_BYTES[fcsFlag];
      int at = 5 + (singleSegment ? 0 : 1) + DICTIONARY_ID_BYTES[descriptor & 3];
      if (fcsSize == 0 || frame.length < at + fcsSize) {
        return Optional.of(new FrameHeader(descriptor, fcsSize, null));
      }
      long value = 0;
      for (int i = fcsSize - 1; i >= 0; i--) {
        value = value << 8 | Bytes.u8(frame, at + i);
      }
      if (fcsSize == 2) {
        value += 256;
      }
      return Optional.of(new FrameHeader(descriptor, fcsSize, U64.of(value)));
    }

    boolean setsReservedBit() {
      return (frameHeaderDescriptor & 0x08) != 0;
    }

    boolean hasContentSize() {
      return contentSizeFieldBytes > 0;
    }
  }

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
    if (head.length < MAGIC_SIZE) {
      return Optional.empty();
    }
    int magic = frameMagic(head);
    boolean skippable = isSkippable(magic);
    if (magic != FRAME_MAGIC && !skippable) {
      return Optional.empty();
    }
    Findings found = new Findings();
    byte[] tail = probe.size() >= FOOTER_SIZE ? probe.tail() : new byte[0];
    if (tail.length >= FOOTER_SIZE) {
      SeekTableFooter footer = SeekTableFooter.read(tail);
      if (footer.seekableMagicNumber() == SEEK_TABLE_FOOTER_MAGIC) {
        return Optional.of(seekable(probe, tail, footer, skippable, found));
      }
    }
    return Optional.of(plain(probe, skippable, found));
  }

  private static Detection seekable(Probe probe, byte[] tail, SeekTableFooter footer, boolean skippable,
      Findings found) throws IOException {
    long size = probe.size();
    long frames = footer.numberOfFrames();
    SeekableFields details = new SeekableFields(skippable, frames, footer.seekTableDescriptor(), footer.checksumFlag());
    if (footer.setsReservedBits()) {
      found.invalid("seek table descriptor 0x" + Integer.toHexString(footer.seekTableDescriptor()) + " sets reserved bits");
    }
    long entries = frames * footer.entrySize();
    long frameStart = size - FOOTER_SIZE - entries - SkippableFrameHeader.SIZE;
    if (frameStart < 0) {
      found.invalid("seek table of " + frames + " frames is larger than the file");
      return found.toDetection(ImageFormat.ZSTD, null, details.unread(null));
    }
    long tableSize = entries + SkippableFrameHeader.SIZE;
    if (tableSize > Caps.ZSTD_SEEK_TABLE) {
      return found.toDetection(ImageFormat.ZSTD, null, details.unread(
          "seek table of " + tableSize + " bytes is over the cap of " + Caps.ZSTD_SEEK_TABLE + " bytes: not read"));
    }
    int tableBytes = (int) tableSize;
    byte[] table;
    long tailStart = size - tail.length;
    if (frameStart >= tailStart) {
      int from = (int) (frameStart - tailStart);
      table = Arrays.copyOfRange(tail, from, from + tableBytes);
    } else {
      table = probe.source().read(frameStart, tableBytes);
      if (table.length < tableBytes) {
        found.invalid("seek table could not be read whole");
        return found.toDetection(ImageFormat.ZSTD, null, details.unread(null));
      }
    }
    SeekTable read = SeekTable.read(table, footer.entrySize());
    if (read.frame().magicNumber() != SEEK_TABLE_FRAME_MAGIC
        || read.frame().frameSizeBytes() != entries + FOOTER_SIZE) {
      found.invalid("seek table is not one skippable frame 0x184D2A5E of its entries and footer");
    }
    // The frames the table lists fill the file up to the table itself.
    ZstdDetails typed = details.read(U64.of(read.compressedSizeBytes()), read.compressedSizeBytes() == frameStart);
    return found.toDetection(ImageFormat.ZSTD, U64.of(read.decompressedSizeBytes()), typed);
  }

  /** What a seekable file's footer says, before its table is read. */
  private record SeekableFields(boolean skippable, long frames, int descriptor, boolean checksums) {
    ZstdDetails unread(String seekTableError) {
      return new ZstdDetails(skippable, true, frames, descriptor, checksums, seekTableError, null, null, null, null);
    }

    ZstdDetails read(U64 compressedSize, boolean compressedSizesMatch) {
      return new ZstdDetails(skippable, true, frames, descriptor, checksums, null, compressedSize,
          compressedSizesMatch, null, null);
    }
  }

  /** A file without a seek table: sized by its first zstd frame's header, if that carries a content size. */
  private static Detection plain(Probe probe, boolean skippable, Findings found) throws IOException {
    long size = probe.size();
    long at = 0;
    for (int hop = 0; ; hop++) {
      byte[] frame = ProbeBytes.read(probe, at, MAX_FRAME_HEADER);
      if (frame.length < MAGIC_SIZE) {
        return plain(skippable, "none: the file ends after the skippable frames", null, found);
      }
      int magic = frameMagic(frame);
      if (magic == FRAME_MAGIC) {
        return firstFrame(FrameHeader.read(frame), skippable, found);
      }
      if (!isSkippable(magic)) {
        found.invalid("bytes at " + at + " are neither a zstd frame nor a skippable frame");
        return plain(skippable, null, null, found);
      }
      if (frame.length < SkippableFrameHeader.SIZE) {
        found.flag(Flag.TRUNCATED);
        return plain(skippable, "none: a skippable frame header is cut short", null, found);
      }
      if (hop == Caps.ZSTD_SKIPPABLE_FRAMES) {
        return plain(skippable, "not found within " + Caps.ZSTD_SKIPPABLE_FRAMES + " skippable frames", null, found);
      }
      at += SkippableFrameHeader.SIZE + SkippableFrameHeader.read(frame).frameSizeBytes();
      if (at >= size) {
        return plain(skippable, "none: the file holds only skippable frames", null, found);
      }
    }
  }

  /** The first zstd frame's header: its Frame_Content_Size is the virtual size. */
  private static Detection firstFrame(Optional<FrameHeader> read, boolean skippable, Findings found) {
    if (read.isEmpty()) {
      found.headerTruncated();
      return plain(skippable, null, null, found);
    }
    FrameHeader header = read.get();
    if (header.setsReservedBit()) {
      found.invalid("frame header descriptor sets its reserved bit");
      return plain(skippable, null, null, found);
    }
    if (!header.hasContentSize()) {
      return plain(skippable, null, FrameContentSize.ABSENT, found);
    }
    if (header.frameContentSize() == null) {
      found.headerTruncated();
      return plain(skippable, null, null, found);
    }
    return plain(skippable, null, new FrameContentSize(header.frameContentSize()), found);
  }

  private static Detection plain(boolean skippable, String firstFrame, FrameContentSize contentSize, Findings found) {
    ZstdDetails details = new ZstdDetails(skippable, false, null, null, null, null, null, null, firstFrame, contentSize);
    return found.toDetection(ImageFormat.ZSTD, contentSize == null ? null : contentSize.bytes(), details);
  }

  /** Every frame, zstd or skippable, starts with its Magic_Number, a little-endian u32. */
  private static int frameMagic(byte[] frame) {
    return Bytes.u32le(frame, 0);
  }

  private static boolean isSkippable(int magic) {
    return magic >= SKIPPABLE_LOW && magic <= SKIPPABLE_HIGH;
  }
}
