package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.util.Optional;

/**
 * ISO 9660 file system images: the primary volume descriptor at sector 16 (byte 0x8000), {@code
 * CD001} at 0x8001 (FORMATS.md section 8; ECMA-119). Returns {@code null} unless that identifier is
 * there. Reads one descriptor, {@link #DESCRIPTOR_CAP} bytes at 0x8000, past the head, and only
 * when the file reaches that far.
 *
 * <p>virtualSize is the file's length: QEMU and crosvm use an ISO as a raw disk, and a hybrid ISO's
 * partitions may lie past the file system. The file system's own size (volume space size u32 @0x8050
 * x logical block size u16 @0x8080) is {@code details.volumeSize}; a file shorter than it is
 * {@code truncated}. The both-endian fields must agree.
 */
final class Iso9660Detector implements FormatDetector {

  /** One 2048-byte volume descriptor: everything this detector reads. */
  static final int DESCRIPTOR_CAP = 2048;

  static final long DESCRIPTOR_OFFSET = 0x8000;
  private static final byte[] IDENTIFIER = {'C', 'D', '0', '0', '1'};

  /** The head, and the primary volume descriptor at its fixed offset, 32 KiB in. */
  @Override
  public ReadPlan.Needs reads() {
    return NEEDS;
  }

  private static final ReadPlan.Needs NEEDS =
      new ReadPlan.Needs(java.util.List.of(new ReadPlan.Range(DESCRIPTOR_OFFSET, DESCRIPTOR_CAP)), false);

  /** {@code CD001} at 0x8001, past a system area that hybrid images fill with other formats. */
  @Override
  public int probeScore() {
    return SCORE_DESCRIPTOR_AT_32K;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    long fileSize = probe.size();
    // A block device may report size 0: try the read all the same, as for the head.
    if (fileSize != 0 && fileSize < DESCRIPTOR_OFFSET + 6) {
      return Optional.empty();
    }
    byte[] d = probe.source().read(DESCRIPTOR_OFFSET, DESCRIPTOR_CAP);
    if (!Bytes.startsWith(d, 1, IDENTIFIER)) {
      return Optional.empty();
    }
    Findings found = new Findings();
    U64 size = U64.of(fileSize);
    if (d.length < 0x88) {
      found.truncated("volume descriptor ends at byte " + d.length + " of " + DESCRIPTOR_CAP);
      return Optional.of(found.toDetection(ImageFormat.ISO9660, size));
    }
    int type = Bytes.u8(d, 0);
    long blocks = Bytes.u32leUnsigned(d, 0x50);
    int blockSize = Bytes.u16le(d, 0x80);
    found.put("systemId", Bytes.asciiz(d, 8, 32).strip()).put("volumeId", Bytes.asciiz(d, 0x28, 32).strip());
    found.put("volumeBlocks", blocks).put("blockSize", blockSize).put("volumeSize", blocks * blockSize);
    if (type != 1) {
      found.invalid("volume descriptor 16 is type " + type + ", not primary (1)");
    } else if (Bytes.u8(d, 6) != 1) {
      found.invalid("volume descriptor version " + Bytes.u8(d, 6) + " is not 1");
    } else if (blocks != Bytes.u32beUnsigned(d, 0x54) || blockSize != Bytes.u16be(d, 0x82)) {
      found.invalid("little- and big-endian copies of the volume size differ");
    } else if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
      found.invalid("logical block size " + blockSize + " is not a power of two of at least 512");
    } else if (fileSize != 0 && blocks * blockSize > fileSize) {
      found.truncated("file system ends past the end of the file");
    }
    if (d.length < DESCRIPTOR_CAP) {
      found.truncated("volume descriptor ends at byte " + d.length + " of " + DESCRIPTOR_CAP);
    }
    return Optional.of(found.toDetection(ImageFormat.ISO9660, size));
  }
}
