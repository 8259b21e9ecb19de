package dev.imageaudit.core;

import java.util.Map;

/**
 * What a Zstandard file's frames say, under the keys report.json has always written for zstd: a
 * seekable file's seek table (the zstd "seekable format" crosvm reads), or a plain file's first
 * frame header (RFC 8878 section 3.1.1). The seekable fields are null for a plain file and the
 * plain ones null for a seekable file; fields a malformed or cut file does not give are null too.
 *
 * @param startsWithSkippableFrame true if the file starts with a skippable frame (magic
 *     0x184D2A50..0x184D2A5F) rather than a zstd frame (0xFD2FB528)
 * @param seekable true if the file ends with a seek table footer (magic 0x8F92EAB1)
 * @param frames seekable: the footer's Number_Of_Frames (u32), in frames
 * @param seekTableDescriptor seekable: the footer's Seek_Table_Descriptor byte (0..255)
 * @param checksums seekable: bit 7 of the descriptor, true if each seek table entry carries a
 *     checksum (12-byte entries, else 8)
 * @param seekTableError seekable: why the seek table was not read (it is over the cap)
 * @param compressedSize seekable, table read: the sum of the entries' compressed sizes, in bytes
 * @param compressedSizesMatch seekable, table read: true if those sizes fill the file up to the
 *     seek table exactly
 * @param firstFrame plain: why no zstd frame follows the leading skippable frames
 * @param frameContentSize plain: the first zstd frame's Frame_Content_Size field, or {@link
 *     FrameContentSize#ABSENT} when its header has none
 */
public record ZstdDetails(
    boolean startsWithSkippableFrame,
    boolean seekable,
    Long frames,
    Integer seekTableDescriptor,
    Boolean checksums,
    String seekTableError,
    U64 compressedSize,
    Boolean compressedSizesMatch,
    String firstFrame,
    FrameContentSize frameContentSize)
    implements FormatDetails {

  /**
   * A zstd frame header's Frame_Content_Size field: the frame's decompressed size, or the header's
   * saying it has none (written {@code "absent"}, as the reports always have).
   *
   * @param bytes the decompressed size, in bytes; {@code null} when the field is absent
   */
  public record FrameContentSize(U64 bytes) {
    /** A frame header without a Frame_Content_Size field. */
    public static final FrameContentSize ABSENT = new FrameContentSize(null);

    /** Returns true if the header carries no Frame_Content_Size field. */
    public boolean isAbsent() {
      return bytes == null;
    }

    /** Returns the value the reports write: the size, or the string {@code "absent"}. */
    Object reported() {
      return bytes != null ? bytes : "absent";
    }
  }

  /** Returns the fields under their report keys, in report order, null fields left out. */
  @Override
  public Map<String, Object> fields() {
    return new DetailsFields()
        .put("startsWithSkippableFrame", startsWithSkippableFrame)
        .put("seekable", seekable)
        .put("frames", frames)
        .put("seekTableDescriptor", seekTableDescriptor)
        .put("checksums", checksums)
        .put("seekTableError", seekTableError)
        .put("compressedSize", compressedSize)
        .put("compressedSizesMatch", compressedSizesMatch)
        .put("firstFrame", firstFrame)
        .put("frameContentSize", frameContentSize == null ? null : frameContentSize.reported())
        .toMap();
  }
}
