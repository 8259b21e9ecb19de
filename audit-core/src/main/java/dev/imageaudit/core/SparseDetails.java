package dev.imageaudit.core;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What an Android sparse image's file header and chunk walk say, under the keys report.json has
 * always written for android-sparse: the 28-byte file header's fields ({@code sparse_header_t} of
 * AOSP's {@code sparse_format.h}), the chunks libsparse's walk met, and libsparse's and crosvm's
 * verdicts. Header fields are null when the file is shorter than the header; the walk's fields are
 * null when the header fails libsparse's checks, so that no walk is made.
 *
 * @param majorVersion major_version (u16), 1 in every image libsparse reads
 * @param minorVersion minor_version (u16)
 * @param fileHeaderSize file_hdr_sz (u16), in bytes: where the first chunk starts for libsparse
 * @param chunkHeaderSize chunk_hdr_sz (u16), in bytes
 * @param blockSize blk_sz (u32), in bytes
 * @param totalBlocks total_blks (u32), in blocks of the expanded image
 * @param totalChunks total_chunks (u32), in chunks
 * @param imageChecksum image_checksum (u32), the CRC32 the header claims (0 when unset)
 * @param chunks how many chunks of each type the walk met
 * @param chunksWalked how many chunk headers the walk read, in chunks
 * @param chunkBlocks the blocks the walked chunks expand to, in blocks (not wrapped at 2^32)
 * @param chunkWalk {@code complete}, or {@code stopped at cap} when the walk met the chunk cap
 * @param libsparse libsparse's verdict: {@code ok}, or the rule that fails
 * @param crosvm crosvm's verdict: {@code ok}, or the rule that fails
 */
public record SparseDetails(
    Integer majorVersion,
    Integer minorVersion,
    Integer fileHeaderSize,
    Integer chunkHeaderSize,
    Long blockSize,
    Long totalBlocks,
    Long totalChunks,
    Long imageChecksum,
    ChunkCounts chunks,
    Long chunksWalked,
    Long chunkBlocks,
    String chunkWalk,
    String libsparse,
    String crosvm)
    implements FormatDetails {

  /**
   * How many chunks of each {@code chunk_type} a walk met, written as the {@code chunks} object.
   *
   * @param raw CHUNK_TYPE_RAW (0xCAC1) chunks
   * @param fill CHUNK_TYPE_FILL (0xCAC2) chunks
   * @param dontCare CHUNK_TYPE_DONT_CARE (0xCAC3) chunks
   * @param crc32 CHUNK_TYPE_CRC32 (0xCAC4) chunks
   * @param unknown chunks of any other type, which libsparse skips
   */
  public record ChunkCounts(long raw, long fill, long dontCare, long crc32, long unknown) {

    /** Returns the counts under their report keys, in report order, as Long values. */
    public Map<String, Object> fields() {
      return new DetailsFields()
          .put("raw", raw)
          .put("fill", fill)
          .put("dontCare", dontCare)
          .put("crc32", crc32)
          .put("unknown", unknown)
          .toMap();
    }
  }

  /** Returns the fields under their report keys, in report order, null fields left out. */
  @Override
  public Map<String, Object> fields() {
    return DetailsFields.collect(this);
  }

  @Override
  public void forEachField(BiConsumer<String, Object> sink) {
    new DetailsFields(sink)
        .put("majorVersion", majorVersion)
        .put("minorVersion", minorVersion)
        .put("fileHeaderSize", fileHeaderSize)
        .put("chunkHeaderSize", chunkHeaderSize)
        .put("blockSize", blockSize)
        .put("totalBlocks", totalBlocks)
        .put("totalChunks", totalChunks)
        .put("imageChecksum", imageChecksum)
        .put("chunks", chunks == null ? null : chunks.fields())
        .put("chunksWalked", chunksWalked)
        .put("chunkBlocks", chunkBlocks)
        .put("chunkWalk", chunkWalk)
        .put("libsparse", libsparse)
        .put("crosvm", crosvm);
  }
}
