package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.IsoDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.util.Optional;

/**
 * ISO 9660 file system images: the primary volume descriptor at sector 16 (byte 0x8000), {@code
 * CD001} at 0x8001 (FORMATS.md section 8; ECMA-119), read as a {@link Header}. Empty unless that
 * identifier is there. Reads one descriptor, {@link #DESCRIPTOR_CAP} bytes at 0x8000, past the head, and only
 * when the file reaches that far.
 *
 * <p>virtualSize is the file's length: QEMU and crosvm use an ISO as a raw disk, and a hybrid ISO's
 * partitions may lie past the file system. The file system's own size (volume space size u32 @0x8050
 * x logical block size u16 @0x8080) is {@code details.volumeSize}; a file shorter than it is
 * {@code truncated}. The both-endian fields must agree.
 */
public final class Iso9660Detector implements FormatDetector {

  /** One 2048-byte volume descriptor: everything this detector reads. */
  public static final int DESCRIPTOR_CAP = 2048;

  public static final long DESCRIPTOR_OFFSET = 0x8000;
  private static final byte[] IDENTIFIER = {'C', 'D', '0', '0', '1'};
  private static final int TYPE_PRIMARY = 1;

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
    if (fileSize != 0 && fileSize < DESCRIPTOR_OFFSET + Header.IDENTIFIED) {
      return Optional.empty();
    }
    byte[] d = probe.source().read(DESCRIPTOR_OFFSET, DESCRIPTOR_CAP);
    if (!Header.isIdentified(d)) {
      return Optional.empty();
    }
    Findings found = new Findings();
    U64 size = U64.of(fileSize);
    if (d.length < Header.SIZE) {
      found.truncated("volume descriptor ends at byte " + d.length + " of " + DESCRIPTOR_CAP);
      return Optional.of(found.toDetection(ImageFormat.ISO9660, size, FormatDetails.None.INSTANCE));
    }
    Header h = Header.read(d);
    long blocks = h.volumeSpaceSize();
    int blockSize = h.logicalBlockSize();
    IsoDetails details =
        new IsoDetails(h.systemIdentifier().strip(), h.volumeIdentifier().strip(), blocks, blockSize, blocks * blockSize);
    if (h.type() != TYPE_PRIMARY) {
      found.invalid("volume descriptor 16 is type " + h.type() + ", not primary (1)");
    } else if (h.version() != 1) {
      found.invalid("volume descriptor version " + h.version() + " is not 1");
    } else if (blocks != h.volumeSpaceSizeBigEndian() || blockSize != h.logicalBlockSizeBigEndian()) {
      found.invalid("little- and big-endian copies of the volume size differ");
    } else if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
      found.invalid("logical block size " + blockSize + " is not a power of two of at least 512");
    } else if (fileSize != 0 && details.volumeSize() > fileSize) {
      found.truncated("file system ends past the end of the file");
    }
    if (d.length < DESCRIPTOR_CAP) {
      found.truncated("volume descriptor ends at byte " + d.length + " of " + DESCRIPTOR_CAP);
    }
    return Optional.of(found.toDetection(ImageFormat.ISO9660, size, details));
  }

  /**
   * The start of a volume descriptor (ECMA-119 8.1 and 8.4), up to the primary descriptor's path
   * table size: the fields this detector reads. ECMA-119 records its numbers both-endian; both
   * copies are kept, so that the detector can check they agree.
   *
   * @param type the volume descriptor type (u8; 1 is the primary volume descriptor)
   * @param version the volume descriptor version (u8; 1)
   * @param systemIdentifier the system identifier, 32 a-characters, up to a NUL
   * @param volumeIdentifier the volume identifier, 32 d-characters, up to a NUL
   * @param volumeSpaceSize the volume space size in logical blocks, little-endian copy (u32)
   * @param volumeSpaceSizeBigEndian the same, big-endian copy (u32)
   * @param logicalBlockSize the logical block size in bytes, little-endian copy (u16)
   * @param logicalBlockSizeBigEndian the same, big-endian copy (u16)
   * @param pathTableSize the path table size in bytes, little-endian copy (u32; read, not checked)
   */
  record Header(
      int type,
      int version,
      String systemIdentifier,
      String volumeIdentifier,
      long volumeSpaceSize,
      long volumeSpaceSizeBigEndian,
      int logicalBlockSize,
      int logicalBlockSizeBigEndian,
      long pathTableSize) {

    private static final int STANDARD_IDENTIFIER_AT = 1;

    /** Bytes a descriptor needs to hold its type and standard identifier ({@code CD001}). */
    static final int IDENTIFIED = STANDARD_IDENTIFIER_AT + IDENTIFIER.length;

    /** Bytes of the descriptor up to the end of the path table size's first copy, the last field read. */
    static final int SIZE = 0x88;

    /** Returns true if {@code descriptor} holds the standard identifier {@code CD001} of ECMA-119. */
    static boolean isIdentified(byte[] descriptor) {
      return Bytes.startsWith(descriptor, STANDARD_IDENTIFIER_AT, IDENTIFIER);
    }

    /** Reads the fields of a descriptor of at least {@link #SIZE} bytes. */
    static Header read(byte[] d) {
      return new Header(
          Bytes.u8(d, 0),
          Bytes.u8(d, 6),
          Bytes.asciiz(d, 8, 32),
          Bytes.asciiz(d, 0x28, 32),
          Bytes.u32leUnsigned(d, 0x50),
          Bytes.u32beUnsigned(d, 0x54),
          Bytes.u16le(d, 0x80),
          Bytes.u16be(d, 0x82),
          Bytes.u32leUnsigned(d, 0x84));
    }
  }
}
