package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.DmgDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.util.Optional;

/**
 * Apple disk images (UDIF): a 512-byte big-endian {@code koly} trailer in the last 512 bytes of the
 * file (FORMATS.md section 8, QEMU {@code block/dmg.c}). Not this format (empty) unless {@code koly}
 * starts exactly 512 bytes before the end. Reads nothing but the probe's tail.
 *
 * <p>virtualSize is the trailer's sector count (u64 @0x1EC) x 512. The checks are the ones QEMU makes
 * before reading the block tables: data fork, resource fork and XML property list lie before the
 * trailer, one of the last two is present, and the size fits QEMU's signed 64-bit byte count.
 * QEMU itself names a file dmg only by its {@code .dmg} file name; this detector reads bytes only.
 */
final class DmgDetector implements FormatDetector {

  private static final byte[] MAGIC = {'k', 'o', 'l', 'y'};
  private static final int TRAILER = 512;

  /** The tail, where the {@code koly} trailer is. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  /** The {@code koly} trailer, 512 bytes before the end: a header at 0 must win over it. */
  @Override
  public int probeScore() {
    return SCORE_TRAILER;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    long fileSize = probe.size();
    if (fileSize < TRAILER) {
      return Optional.empty();
    }
    byte[] tail = probe.tail();
    int at = tail.length - TRAILER;
    if (at < 0 || !Bytes.startsWith(tail, at, MAGIC)) {
      return Optional.empty();
    }
    long koly = fileSize - TRAILER;
    Header h = Header.read(tail, at);
    Findings found = new Findings();
    DmgDetails details = new DmgDetails(h.version(), h.headerSize(), U64.of(h.dataForkOffset()),
        U64.of(h.dataForkLength()), U64.of(h.rsrcForkOffset()), U64.of(h.rsrcForkLength()), U64.of(h.xmlOffset()),
        U64.of(h.xmlLength()), h.imageVariant(), U64.of(h.sectorCount()));
    if (h.headerSize() != TRAILER) {
      found.invalid("trailer size " + h.headerSize() + " is not 512");
    } else if (Long.compareUnsigned(h.dataForkOffset(), koly) > 0) {
      found.invalid("data fork starts after the trailer");
    } else if (!liesBefore(h.rsrcForkOffset(), h.rsrcForkLength(), koly)) {
      found.invalid("resource fork does not lie before the trailer");
    } else if (!liesBefore(h.xmlOffset(), h.xmlLength(), koly)) {
      found.invalid("XML property list does not lie before the trailer");
    } else if (h.rsrcForkLength() == 0 && h.xmlLength() == 0) {
      found.invalid("neither a resource fork nor an XML property list");
    }
    if (Long.compareUnsigned(h.sectorCount(), Long.MAX_VALUE / 512) > 0) {
      found.invalid("sector count times 512 passes 2^63");
      return Optional.of(found.toDetection(ImageFormat.DMG, null, details));
    }
    return Optional.of(found.toDetection(ImageFormat.DMG, U64.of(h.sectorCount() * 512), details));
  }

  /** Returns true if {@code length} bytes at {@code offset} (both u64) start and end before the trailer at {@code koly}. */
  private static boolean liesBefore(long offset, long length, long koly) {
    return Long.compareUnsigned(offset, koly) < 0 && Long.compareUnsigned(length, koly - offset) <= 0;
  }

  /**
   * The fields of the {@code koly} trailer this audit reads, named as Apple's {@code
   * UDIFResourceFile} names them. All big-endian; every u64 is kept in a {@code long} read as
   * unsigned (compared with {@link Long#compareUnsigned}).
   *
   * @param version the trailer's version (u32)
   * @param headerSize the trailer's size in bytes (u32)
   * @param dataForkOffset where the data fork starts, in bytes (u64)
   * @param dataForkLength the data fork's length in bytes (u64)
   * @param rsrcForkOffset where the resource fork starts, in bytes (u64)
   * @param rsrcForkLength the resource fork's length in bytes (u64)
   * @param xmlOffset where the XML property list starts, in bytes (u64)
   * @param xmlLength the XML property list's length in bytes (u64)
   * @param imageVariant the image variant (u32)
   * @param sectorCount the disk's size in 512-byte sectors (u64)
   */
  record Header(
      long version,
      long headerSize,
      long dataForkOffset,
      long dataForkLength,
      long rsrcForkOffset,
      long rsrcForkLength,
      long xmlOffset,
      long xmlLength,
      long imageVariant,
      long sectorCount) {

    /** Reads the trailer whose {@code koly} signature is at {@code at} of {@code b} (512 bytes from there). */
    static Header read(byte[] b, int at) {
      return new Header(
          Bytes.u32beUnsigned(b, at + 0x04),
          Bytes.u32beUnsigned(b, at + 0x08),
          Bytes.u64be(b, at + 0x18),
          Bytes.u64be(b, at + 0x20),
          Bytes.u64be(b, at + 0x28),
          Bytes.u64be(b, at + 0x30),
          Bytes.u64be(b, at + 0xD8),
          Bytes.u64be(b, at + 0xE0),
          Bytes.u32beUnsigned(b, at + 0x1E8),
          Bytes.u64be(b, at + 0x1EC));
    }
  }
}
