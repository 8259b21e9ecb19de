package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.CloopDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Compressed loop images (cloop 2.0, made by cloop-utils' {@code create_compressed_fs}): a shell
 * preamble in a 128-byte block, then block_size (BE u32 @128), n_blocks (BE u32 @132) and n_blocks
 * + 1 BE u64 offsets (QEMU {@code block/cloop.c}). Not this format unless the file starts with the
 * preamble QEMU probes for (a shorter file: with as much of it as the file holds).
 *
 * <p>virtualSize is n_blocks x block_size. QEMU multiplies n_blocks by sectors per block in 32 bits,
 * so it wraps for images of 2 TiB and more; this detector gives the exact product. The checks are
 * QEMU's; of the offsets table only the entries in the head and the last one are read.
 */
final class CloopDetector implements FormatDetector {

  /** Bytes read past the head: the offsets table's last entry, which ends the compressed data. */
  static final int LAST_OFFSET_CAP = 8;

  static final byte[] PREAMBLE =
      "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n"
          .getBytes(StandardCharsets.US_ASCII);
  /** The shebang and version lines: a file must hold at least these to be taken for cloop. */
  private static final int MIN_MATCH = "#!/bin/sh\n#V2.0 Format\n".length();
  /** The version the preamble names, the only one QEMU reads. */
  private static final String VERSION = "2.0";
  private static final long MAX_BLOCK_SIZE = 64L << 20;

  /**
   * The header QEMU reads after the preamble's 128-byte block (big-endian).
   *
   * @param blockSizeBytes the uncompressed bytes of each block ({@code block_size}, u32)
   * @param blockCount the blocks of the image ({@code n_blocks}, u32)
   */
  record Header(long blockSizeBytes, long blockCount) {

    /** Where the header ends and the offsets table (n_blocks + 1 BE u64) starts. */
    static final int SIZE = 136;

    /** Reads the header from {@code head}, which holds at least {@link #SIZE} bytes. */
    static Header read(byte[] head) {
      return new Header(Bytes.u32beUnsigned(head, 128), Bytes.u32beUnsigned(head, 132));
    }
  }

  /** A shell preamble: text, which a short file matches by its first bytes only. */
  @Override
  public int probeScore() {
    return SCORE_TEXT_AT_ZERO;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    int compare = Math.min(head.length, PREAMBLE.length);
    if (compare < MIN_MATCH || !Bytes.startsWith(head, 0, java.util.Arrays.copyOf(PREAMBLE, compare))) {
      return Optional.empty();
    }
    Findings found = new Findings();
    if (found.headerShort(head, Header.SIZE)) {
      return Optional.of(found.toDetection(ImageFormat.CLOOP, null, new CloopDetails(VERSION, null, null)));
    }
    Header h = Header.read(head);
    long blockSize = h.blockSizeBytes();
    long blocks = h.blockCount();
    U64 size = U64.of(blockSize * blocks);
    if (blockSize == 0 || blockSize % 512 != 0) {
      found.invalid("block size " + blockSize + " is not a non-zero multiple of 512");
    } else if (blockSize > MAX_BLOCK_SIZE) {
      found.invalid("block size " + blockSize + " passes 64 MiB");
    } else if (blocks > (0xFFFF_FFFFL - 1) / 8 || (blocks + 1) * 8 > 512L << 20) {
      found.invalid(blocks + " blocks need an offsets table over 512 MiB");
    } else {
      checkOffsets(probe, head, blocks, found);
    }
    return Optional.of(found.toDetection(ImageFormat.CLOOP, size, new CloopDetails(VERSION, blockSize, blocks)));
  }

  private static void checkOffsets(Probe probe, byte[] head, long blocks, Findings found) throws IOException {
    long tableEnd = Header.SIZE + (blocks + 1) * 8;
    if (tableEnd > probe.size()) {
      found.truncated("offsets table ends past the end of the file");
      return;
    }
    // The entries the head holds must grow, each block at most twice the largest block QEMU takes.
    long previous = -1;
    for (long i = 0; i <= blocks && Header.SIZE + i * 8 + 8 <= head.length; i++) {
      long offset = Bytes.u64be(head, (int) (Header.SIZE + i * 8));
      if (previous != -1 && (Long.compareUnsigned(offset, previous) < 0 || offset - previous > 2 * MAX_BLOCK_SIZE)) {
        found.invalid("offsets table entry " + i + " does not follow entry " + (i - 1));
        return;
      }
      previous = offset;
    }
    long lastAt = Header.SIZE + blocks * 8;
    byte[] last = ProbeBytes.read(probe, lastAt, LAST_OFFSET_CAP);
    if (last.length < 8) {
      found.truncated("offsets table ends past the end of the file");
    } else if (Long.compareUnsigned(Bytes.u64be(last, 0), probe.size()) > 0) {
      found.truncated("compressed data ends past the end of the file");
    }
  }
}
