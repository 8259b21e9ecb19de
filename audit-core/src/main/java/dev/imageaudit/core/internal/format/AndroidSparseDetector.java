package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SparseDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;
import java.util.Arrays;

/**
 * Names Android sparse images and checks them as libsparse reads them (FORMATS.md section 5; AOSP
 * {@code libsparse/sparse_read.cpp}): the 28-byte little-endian file header, then a walk of the
 * 12-byte chunk headers that seeks over chunk bodies without reading them.
 *
 * <p>{@code details.libsparse} is libsparse's verdict ({@code ok}, or the rule that failed);
 * {@code details.crosvm} is crosvm's stricter one, from {@link CrosvmSparseWalk#judge}. The
 * virtual size is total_blks x blk_sz, as virtmgr, crosvm and simg2img take it.
 *
 * <p>The structures it reads are {@link Header} and {@link ChunkHeader}; what they say is a {@link
 * SparseDetails}.
 */
public final class AndroidSparseDetector extends MagicDetector {

  public static final int FILE_HEADER_SIZE = 28;
  public static final int CHUNK_HEADER_SIZE = 12;
  public static final int RAW = 0xCAC1;
  public static final int FILL = 0xCAC2;
  public static final int DONT_CARE = 0xCAC3;
  public static final int CRC32 = 0xCAC4;

  /** The verdict of a walk that stopped at {@link Caps#SPARSE_CHUNKS}. */
  public static final String NOT_JUDGED = "not judged: the chunk walk stopped at the cap of " + Caps.SPARSE_CHUNKS + " chunks";

  public AndroidSparseDetector() {
    super(Magic.ANDROID_SPARSE);
  }

  /**
   * The file header, {@code sparse_header_t} of AOSP's {@code sparse_format.h}: 28 bytes,
   * little-endian, from the magic on.
   *
   * @param majorVersion major_version (u16)
   * @param minorVersion minor_version (u16)
   * @param fileHeaderSizeBytes file_hdr_sz (u16), in bytes: where the first chunk starts
   * @param chunkHeaderSizeBytes chunk_hdr_sz (u16), in bytes
   * @param blockSizeBytes blk_sz (u32), in bytes
   * @param totalBlocks total_blks (u32), in blocks of the expanded image
   * @param totalChunks total_chunks (u32), in chunks
   * @param imageChecksum image_checksum (u32), a CRC32 (0 when unset)
   */
  record Header(int majorVersion, int minorVersion, int fileHeaderSizeBytes, int chunkHeaderSizeBytes,
      long blockSizeBytes, long totalBlocks, long totalChunks, long imageChecksum) {

    /** Reads the header from the first {@link #FILE_HEADER_SIZE} bytes of {@code head}. */
    static Header read(byte[] head) {
      return new Header(Bytes.u16le(head, 4), Bytes.u16le(head, 6), Bytes.u16le(head, 8), Bytes.u16le(head, 10),
          Bytes.u32leUnsigned(head, 12), Bytes.u32leUnsigned(head, 16), Bytes.u32leUnsigned(head, 20),
          Bytes.u32leUnsigned(head, 24));
    }

    /** Returns total_blks x blk_sz, in bytes: two u32s, whose product always fits in 64 unsigned bits. */
    U64 expandedSizeBytes() {
      return U64.of(totalBlocks * blockSizeBytes);
    }
  }

  /**
   * A chunk header, {@code chunk_header_t} of {@code sparse_format.h}: 12 bytes, little-endian.
   *
   * @param chunkType chunk_type (u16): {@link #RAW}, {@link #FILL}, {@link #DONT_CARE}, {@link #CRC32}
   * @param chunkSizeBlocks chunk_sz (u32), in blocks of the expanded image
   * @param totalSizeBytes total_sz (u32), in bytes: this header and the chunk's body
   */
  record ChunkHeader(int chunkType, long chunkSizeBlocks, long totalSizeBytes) {

    /** Reads the header from the first {@link #CHUNK_HEADER_SIZE} bytes of {@code chunk}. */
    static ChunkHeader read(byte[] chunk) {
      return new ChunkHeader(Bytes.u16le(chunk, 0), Bytes.u32leUnsigned(chunk, 4), Bytes.u32leUnsigned(chunk, 8));
    }
  }

  /**
   * What libsparse's walk met.
   *
   * @param chunks the chunks of each type
   * @param walked the chunk headers read
   * @param blocks the blocks the walked chunks expand to
   * @param verdict {@code ok}, or the rule that fails
   */
  private record Walk(SparseDetails.ChunkCounts chunks, long walked, long blocks, String verdict) {
    String chunkWalk() {
      return NOT_JUDGED.equals(verdict) ? "stopped at cap" : "complete";
    }
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (head.length < FILE_HEADER_SIZE) {
      found.headerTruncated();
      String rule = "file header shorter than 28 bytes";
      return found.toDetection(ImageFormat.ANDROID_SPARSE, null, new SparseDetails(
          null, null, null, null, null, null, null, null, null, null, null, null, rule, rule));
    }
    Header header = Header.read(head);
    String headerRule = null;
    if (header.majorVersion() != 1) {
      headerRule = "major_version " + header.majorVersion() + " is not 1";
    } else if (header.fileHeaderSizeBytes() < FILE_HEADER_SIZE) {
      headerRule = "file_hdr_sz " + header.fileHeaderSizeBytes() + " is below 28";
    } else if (header.chunkHeaderSizeBytes() < CHUNK_HEADER_SIZE) {
      headerRule = "chunk_hdr_sz " + header.chunkHeaderSizeBytes() + " is below 12";
    }
    // sparse_format.h asks for a non-zero multiple of 4; libsparse itself does not check it.
    long blockSize = header.blockSizeBytes();
    String blockRule = blockSize == 0 || blockSize % 4 != 0 ? "blk_sz " + blockSize + " is not a non-zero multiple of 4" : null;
    if (headerRule != null || blockRule != null) {
      found.invalid(headerRule != null ? headerRule : blockRule);
    }

    ChunkHeaders headers = new ChunkHeaders(probe);
    Walk walk = headerRule != null ? null : walk(headers, header, found);
    String crosvm = CrosvmSparseWalk.judge(head, headers::at, probe.size());
    SparseDetails details = new SparseDetails(header.majorVersion(), header.minorVersion(),
        header.fileHeaderSizeBytes(), header.chunkHeaderSizeBytes(), blockSize, header.totalBlocks(),
        header.totalChunks(), header.imageChecksum(),
        walk == null ? null : walk.chunks(),
        walk == null ? null : walk.walked(),
        walk == null ? null : walk.blocks(),
        walk == null ? null : walk.chunkWalk(),
        walk == null ? headerRule : walk.verdict(),
        crosvm);
    return found.toDetection(ImageFormat.ANDROID_SPARSE, header.expandedSizeBytes(), details);
  }

  /** libsparse's walk (sparse_file_read_sparse and process_chunk), chunk header by chunk header. */
  private static Walk walk(ChunkHeaders headers, Header header, Findings found) throws IOException {
    int chunkHeaderSize = header.chunkHeaderSizeBytes();
    long blockSize = header.blockSizeBytes();
    long[] counts = new long[5];
    long blocks = 0;
    long offset = header.fileHeaderSizeBytes();
    long walked = 0;
    String verdict = null;
    boolean truncated = false;
    for (; walked < header.totalChunks(); walked++) {
      if (walked == Caps.SPARSE_CHUNKS) {
        verdict = NOT_JUDGED;
        break;
      }
      byte[] bytes = headers.at(offset);
      if (bytes == null) {
        verdict = "chunk " + walked + " header at " + offset + " passes the end of the file";
        truncated = true;
        break;
      }
      ChunkHeader chunk = ChunkHeader.read(bytes);
      long chunkBlocks = chunk.chunkSizeBlocks();
      // libsparse keeps total_sz - chunk_hdr_sz in an unsigned int: it wraps below zero.
      long dataSize = (chunk.totalSizeBytes() - chunkHeaderSize) & 0xFFFF_FFFFL;
      long body = offset + chunkHeaderSize;
      long next;
      String rule = null;
      switch (chunk.chunkType()) {
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
    if (verdict == null && (blocks & 0xFFFF_FFFFL) != header.totalBlocks()) {
      // libsparse counts blocks in an unsigned int, so it compares the sum modulo 2^32.
      verdict = "chunks add up to " + blocks + " blocks, total_blks is " + header.totalBlocks();
    }
    if (truncated) {
      found.flag(Flag.TRUNCATED);
    } else if (verdict != null && !NOT_JUDGED.equals(verdict)) {
      found.invalid(verdict);
    }
    SparseDetails.ChunkCounts chunks = new SparseDetails.ChunkCounts(counts[0], counts[1], counts[2], counts[3], counts[4]);
    return new Walk(chunks, walked, blocks, verdict == null ? "ok" : verdict);
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
