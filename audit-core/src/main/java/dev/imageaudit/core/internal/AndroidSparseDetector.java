package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names Android sparse images and checks them as libsparse reads them (FORMATS.md section 5; AOSP
 * {@code libsparse/sparse_read.cpp}): the 28-byte little-endian file header, then a walk of the
 * 12-byte chunk headers that seeks over chunk bodies without reading them.
 *
 * <p>{@code details.libsparse} is libsparse's verdict ({@code ok}, or the rule that failed);
 * {@code details.crosvm} is crosvm's stricter one, from {@link CrosvmDiskRules#androidSparse}. The
 * virtual size is total_blks x blk_sz, as virtmgr, crosvm and simg2img take it.
 */
final class AndroidSparseDetector extends MagicDetector {

  static final int FILE_HEADER_SIZE = 28;
  static final int CHUNK_HEADER_SIZE = 12;
  static final int RAW = 0xCAC1;
  static final int FILL = 0xCAC2;
  static final int DONT_CARE = 0xCAC3;
  static final int CRC32 = 0xCAC4;

  /** The verdict of a walk that stopped at {@link Caps#SPARSE_CHUNKS}. */
  static final String NOT_JUDGED = "not judged: the chunk walk stopped at the cap of " + Caps.SPARSE_CHUNKS + " chunks";

  AndroidSparseDetector() {
    super(Magic.ANDROID_SPARSE);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (head.length < FILE_HEADER_SIZE) {
      found.headerTruncated();
      found.put("libsparse", "file header shorter than 28 bytes");
      found.put("crosvm", "file header shorter than 28 bytes");
      return found.toDetection(ImageFormat.ANDROID_SPARSE, null);
    }
    int major = Bytes.u16le(head, 4);
    int fileHeaderSize = Bytes.u16le(head, 8);
    int chunkHeaderSize = Bytes.u16le(head, 10);
    long blockSize = Bytes.u32leUnsigned(head, 12);
    long totalBlocks = Bytes.u32leUnsigned(head, 16);
    long totalChunks = Bytes.u32leUnsigned(head, 20);
    found.put("majorVersion", major);
    found.put("minorVersion", Bytes.u16le(head, 6));
    found.put("fileHeaderSize", fileHeaderSize);
    found.put("chunkHeaderSize", chunkHeaderSize);
    found.put("blockSize", blockSize);
    found.put("totalBlocks", totalBlocks);
    found.put("totalChunks", totalChunks);
    found.put("imageChecksum", Bytes.u32leUnsigned(head, 24));
    U64 expanded = U64.ofProduct(Bytes.u32le(head, 16), Bytes.u32le(head, 12));

    String headerRule = null;
    if (major != 1) {
      headerRule = "major_version " + major + " is not 1";
    } else if (fileHeaderSize < FILE_HEADER_SIZE) {
      headerRule = "file_hdr_sz " + fileHeaderSize + " is below 28";
    } else if (chunkHeaderSize < CHUNK_HEADER_SIZE) {
      headerRule = "chunk_hdr_sz " + chunkHeaderSize + " is below 12";
    }
    // sparse_format.h asks for a non-zero multiple of 4; libsparse itself does not check it.
    String blockRule = blockSize == 0 || blockSize % 4 != 0 ? "blk_sz " + blockSize + " is not a non-zero multiple of 4" : null;
    if (headerRule != null || blockRule != null) {
      found.invalid(headerRule != null ? headerRule : blockRule);
    }

    ChunkHeaders headers = new ChunkHeaders(probe);
    if (headerRule != null) {
      found.put("libsparse", headerRule);
    } else {
      walk(headers, fileHeaderSize, chunkHeaderSize, blockSize, totalBlocks, totalChunks, found);
    }
    found.put("crosvm", CrosvmDiskRules.androidSparse(head, headers::at, probe.size()));
    return found.toDetection(ImageFormat.ANDROID_SPARSE, expanded);
  }

  /** libsparse's walk (sparse_file_read_sparse and process_chunk), chunk header by chunk header. */
  private static void walk(ChunkHeaders headers, int fileHeaderSize, int chunkHeaderSize, long blockSize,
      long totalBlocks, long totalChunks, Findings found) throws IOException {
    long[] counts = new long[5];
    long blocks = 0;
    long offset = fileHeaderSize;
    long walked = 0;
    String verdict = null;
    boolean truncated = false;
    for (; walked < totalChunks; walked++) {
      if (walked == Caps.SPARSE_CHUNKS) {
        verdict = NOT_JUDGED;
        break;
      }
      byte[] chunk = headers.at(offset);
      if (chunk == null) {
        verdict = "chunk " + walked + " header at " + offset + " passes the end of the file";
        truncated = true;
        break;
      }
      int type = Bytes.u16le(chunk, 0);
      long chunkBlocks = Bytes.u32leUnsigned(chunk, 4);
      long totalSize = Bytes.u32leUnsigned(chunk, 8);
      // libsparse keeps total_sz - chunk_hdr_sz in an unsigned int: it wraps below zero.
      long dataSize = (totalSize - chunkHeaderSize) & 0xFFFF_FFFFL;
      long body = offset + chunkHeaderSize;
      long next;
      String rule = null;
      switch (type) {
        case RAW -> {
          counts[0]++;
          if (blockSize == 0) {
            rule = "raw chunk " + walked + " with a block size of 0 (libsparse would divide by zero)";
          } else if (dataSize % blockSize != 0 || dataSize / blockSize != chunkBlocks) {
            rule = "raw chunk " + walked + " has " + dataSize + " data bytes for " + chunkBlocks + " blocks of " + blockSize;
          }
          blocks += chunkBlocks;
          next = body + dataSize;
        }
        case FILL -> {
          counts[1]++;
          if (dataSize != 4) {
            rule = "fill chunk " + walked + " has " + dataSize + " data bytes, not 4";
          }
          blocks += chunkBlocks;
          next = body + 4;
        }
        case DONT_CARE -> {
          counts[2]++;
          if (dataSize != 0) {
            rule = "don't-care chunk " + walked + " has " + dataSize + " data bytes, not 0";
          }
          blocks += chunkBlocks;
          next = body;
        }
        case CRC32 -> {
          counts[3]++;
          if (dataSize != 4) {
            rule = "crc32 chunk " + walked + " has " + dataSize + " data bytes, not 4";
          }
          next = body + 4;
        }
        default -> {
          // libsparse skips a chunk of unknown type: no blocks, and its body is not skipped.
          counts[4]++;
          next = body;
        }
      }
      if (rule != null) {
        verdict = rule;
        walked++;
        break;
      }
      if (next > headers.fileSize) {
        verdict = "chunk " + walked + " ends at " + next + ", past the end of the file at " + headers.fileSize;
        truncated = true;
        walked++;
        break;
      }
      offset = next;
    }
    if (verdict == null && (blocks & 0xFFFF_FFFFL) != totalBlocks) {
      // libsparse counts blocks in an unsigned int, so it compares the sum modulo 2^32.
      verdict = "chunks add up to " + blocks + " blocks, total_blks is " + totalBlocks;
    }
    Map<String, Object> chunkCounts = new LinkedHashMap<>();
    chunkCounts.put("raw", counts[0]);
    chunkCounts.put("fill", counts[1]);
    chunkCounts.put("dontCare", counts[2]);
    chunkCounts.put("crc32", counts[3]);
    chunkCounts.put("unknown", counts[4]);
    found.put("chunks", chunkCounts);
    found.put("chunksWalked", walked);
    found.put("chunkBlocks", blocks);
    found.put("chunkWalk", NOT_JUDGED.equals(verdict) ? "stopped at cap" : "complete");
    found.put("libsparse", verdict == null ? "ok" : verdict);
    if (truncated) {
      found.flag(Flag.TRUNCATED);
    } else if (verdict != null && !NOT_JUDGED.equals(verdict)) {
      found.invalid(verdict);
    }
  }

  /**
   * The 12-byte chunk headers of one image, served from the head when they lie in it and else
   * read one by one. Headers read in ascending order (libsparse's walk) are kept, packed, so that
   * crosvm's walk reuses libsparse's reads: at most {@link Caps#SPARSE_CHUNKS} of them, 20 bytes
   * each (1.3 MiB at worst, while the file is judged).
   */
  static final class ChunkHeaders {
    private final byte[] head;
    private final ImageSource source;
    final long fileSize;
    private long[] offsets = new long[0];
    private byte[] headers = new byte[0];
    private int kept;

    ChunkHeaders(Probe probe) {
      this.head = probe.head();
      this.source = probe.source();
      this.fileSize = probe.size();
    }

    /** Returns the 12 bytes at {@code offset}, or {@code null} if the file ends before them. */
    byte[] at(long offset) throws IOException {
      if (offset < 0 || offset > fileSize - CHUNK_HEADER_SIZE) {
        return null;
      }
      if (offset + CHUNK_HEADER_SIZE <= head.length) {
        return Arrays.copyOfRange(head, (int) offset, (int) offset + CHUNK_HEADER_SIZE);
      }
      int found = Arrays.binarySearch(offsets, 0, kept, offset);
      if (found >= 0) {
        return Arrays.copyOfRange(headers, found * CHUNK_HEADER_SIZE, (found + 1) * CHUNK_HEADER_SIZE);
      }
      byte[] header = source.read(offset, CHUNK_HEADER_SIZE);
      if (header.length < CHUNK_HEADER_SIZE) {
        return null;
      }
      if ((kept == 0 || offset > offsets[kept - 1]) && kept < Caps.SPARSE_CHUNKS) {
        keep(offset, header);
      }
      return header;
    }

    private void keep(long offset, byte[] header) {
      if (kept == offsets.length) {
        int capacity = Math.min(Caps.SPARSE_CHUNKS, Math.max(64, kept * 2));
        offsets = Arrays.copyOf(offsets, capacity);
        headers = Arrays.copyOf(headers, capacity * CHUNK_HEADER_SIZE);
      }
      offsets[kept] = offset;
      System.arraycopy(header, 0, headers, kept * CHUNK_HEADER_SIZE, CHUNK_HEADER_SIZE);
      kept++;
    }
  }
}
