package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;

/**
 * crosvm's reading of an Android sparse image's chunk list, which the sparse detector reports in
 * {@code details.crosvm} beside libsparse's: here, with the format, because it walks the same chunk
 * headers the detector reads once; crosvm's disk rule ({@code CrosvmDiskRules}) then only reads the
 * answer from {@link dev.imageaudit.core.SparseDetails#crosvm()}.
 */
final class CrosvmSparseWalk {
  private CrosvmSparseWalk() {}

  /** Reads the 12-byte chunk header at an offset, or {@code null} past the end of the file. */
  @FunctionalInterface
  interface ChunkHeaderReader {
    byte[] at(long offset) throws IOException;
  }

  /**
   * crosvm's android_sparse.rs, walked over the chunk headers: stricter than libsparse (chunk
   * headers exactly 12 bytes, unknown chunk types refused, total_sz at least 12, fill bodies of
   * exactly 4 bytes, no two chunks at one expanded offset) and looser (file_hdr_sz ignored: chunks
   * always start at byte 28). Like crosvm, it steps over a raw chunk by its total_sz but over a
   * don't-care or crc32 chunk by its 12-byte header alone.
   *
   * @return {@code ok}, the rule that fails, or {@link AndroidSparseDetector#NOT_JUDGED}
   */
  static String judge(byte[] head, ChunkHeaderReader headers, long size) throws IOException {
    if (head.length < AndroidSparseDetector.FILE_HEADER_SIZE || size < AndroidSparseDetector.FILE_HEADER_SIZE) {
      return "file header shorter than 28 bytes";
    }
    int major = Bytes.u16le(head, 4);
    if (major != 1) {
      return "major_version " + major + " is not 1";
    }
    int chunkHeaderSize = Bytes.u16le(head, 10);
    if (chunkHeaderSize != AndroidSparseDetector.CHUNK_HEADER_SIZE) {
      return "chunk_hdr_sz " + chunkHeaderSize + " is not 12, the only size crosvm reads";
    }
    long blockSize = Bytes.u32leUnsigned(head, 12);
    long totalChunks = Bytes.u32leUnsigned(head, 20);
    long offset = AndroidSparseDetector.FILE_HEADER_SIZE;
    long location = 0;
    long lastLocation = -1;
    String collision = null;
    for (long i = 0; i < totalChunks; i++) {
      if (i == Caps.SPARSE_CHUNKS) {
        return AndroidSparseDetector.NOT_JUDGED;
      }
      byte[] chunk = headers.at(offset);
      if (chunk == null) {
        return "chunk " + i + " header at " + offset + " passes the end of the file";
      }
      int type = Bytes.u16le(chunk, 0);
      long chunkBlocks = Bytes.u32leUnsigned(chunk, 4);
      long totalSize = Bytes.u32leUnsigned(chunk, 8);
      if (totalSize < AndroidSparseDetector.CHUNK_HEADER_SIZE) {
        return "chunk " + i + " total_sz " + totalSize + " is smaller than its 12-byte header";
      }
      switch (type) {
        case AndroidSparseDetector.RAW -> offset += totalSize;
        case AndroidSparseDetector.FILL -> {
          if (totalSize != 16) {
            return "fill chunk " + i + " has " + (totalSize - 12) + " data bytes, not 4";
          }
          if (offset + 16 > size) {
            return "fill chunk " + i + " value passes the end of the file";
          }
          offset += 16;
        }
        case AndroidSparseDetector.DONT_CARE, AndroidSparseDetector.CRC32 -> offset += AndroidSparseDetector.CHUNK_HEADER_SIZE;
        default -> {
          return "chunk " + i + " has type 0x" + Integer.toHexString(type).toUpperCase() + ", which crosvm does not know";
        }
      }
      if (type == AndroidSparseDetector.CRC32) {
        // crosvm drops crc32 chunks: they take no place in the disk.
        continue;
      }
      if (location == lastLocation && collision == null) {
        collision = "two chunks start at expanded offset " + Long.toUnsignedString(location);
      }
      lastLocation = location;
      location += chunkBlocks * blockSize;
    }
    if (collision != null) {
      return collision;
    }
    U64 promised = U64.ofProduct(Bytes.u32le(head, 16), Bytes.u32le(head, 12));
    if (location != promised.bits()) {
      return "chunks expand to " + Long.toUnsignedString(location) + " bytes, the header promises " + promised;
    }
    return "ok";
  }
}
