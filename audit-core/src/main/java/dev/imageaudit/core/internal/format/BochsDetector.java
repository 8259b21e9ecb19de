package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.BochsDetails;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Bochs growing disks (bximage {@code -imgmode=growing}): a 512-byte little-endian header at 0
 * naming itself {@code Bochs Virtual HD Image}, type {@code Redolog}, subtype {@code Growing}
 * (FORMATS.md section 8, QEMU {@code block/bochs.c}). Not this format unless the magic text is at 0.
 *
 * <p>virtualSize is the disk size (u64 @88 in version 2, @84 in version 1) rounded down to whole
 * 512-byte sectors, as QEMU counts it. The checks are QEMU's: version, subtype, catalog and extent
 * sizes; the catalog must lie inside the file. Nothing is read past the head.
 */
final class BochsDetector extends MagicDetector {

  static final byte[] MAGIC = "Bochs Virtual HD Image".getBytes(StandardCharsets.US_ASCII);
  private static final String MAGIC_TEXT = new String(MAGIC, StandardCharsets.US_ASCII);
  private static final long VERSION_2 = 0x00020000L;
  private static final long VERSION_1 = 0x00010000L;
  /** QEMU's limit: a million entries covers the largest image bximage makes (about 8 TB). */
  private static final long MAX_CATALOG = 0x100000;

  /**
   * The header, as QEMU's {@code struct bochs_header} lays it out; text fields up to their first
   * NUL, other bytes than printable ASCII as '?'.
   *
   * @param magic the magic text (32 bytes @0)
   * @param type the redolog type (16 bytes @32), {@code Redolog} for the images QEMU reads
   * @param subtype the redolog subtype (16 bytes @48), {@code Growing} for the images QEMU reads
   * @param version the version, u32 {@code 0x00010000} (1) or {@code 0x00020000} (2)
   * @param headerSizeBytes the header's size in bytes, where the catalog starts (u32)
   * @param catalogEntries the catalog's entries, one u32 per extent (u32)
   * @param bitmapSizeBytes the bytes of each extent's bitmap (u32)
   * @param extentSizeBytes the bytes of each extent (u32)
   * @param diskSizeBytes the disk size in bytes, u64 unsigned: {@code redolog.disk} (@88) in
   *     version 2, {@code redolog_v1.disk} (@84) in version 1
   */
  record Header(
      String magic,
      String type,
      String subtype,
      long version,
      long headerSizeBytes,
      long catalogEntries,
      long bitmapSizeBytes,
      long extentSizeBytes,
      long diskSizeBytes) {

    /** The header's size in bytes. */
    static final int SIZE = 512;

    /** Reads the header from {@code head}, which holds at least {@link #SIZE} bytes. */
    static Header read(byte[] head) {
      long version = Bytes.u32leUnsigned(head, 64);
      return new Header(
          Bytes.asciiz(head, 0, 32),
          Bytes.asciiz(head, 32, 16),
          Bytes.asciiz(head, 48, 16),
          version,
          Bytes.u32leUnsigned(head, 68),
          Bytes.u32leUnsigned(head, 72),
          Bytes.u32leUnsigned(head, 76),
          Bytes.u32leUnsigned(head, 80),
          Bytes.u64le(head, version == VERSION_1 ? 84 : 88));
    }
  }

  BochsDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (found.headerShort(head, Header.SIZE)) {
      return found.toDetection(ImageFormat.BOCHS, null, FormatDetails.None.INSTANCE);
    }
    Header h = Header.read(head);
    long sectors = h.diskSizeBytes() >>> 9;
    long extent = h.extentSizeBytes();
    if (!h.magic().equals(MAGIC_TEXT)) {
      found.invalid("magic text is not NUL-terminated");
    } else if (!h.type().equals("Redolog") || !h.subtype().equals("Growing")) {
      // Undoable and volatile redologs exist too, but QEMU reads growing images only.
      found.invalid("type " + h.type() + "/" + h.subtype() + " is not Redolog/Growing");
    } else if (h.version() != VERSION_2 && h.version() != VERSION_1) {
      found.invalid("version 0x" + Long.toHexString(h.version()) + " is neither 1 nor 2");
    } else if (h.catalogEntries() > MAX_CATALOG) {
      found.invalid("catalog of " + h.catalogEntries() + " entries is too large");
    } else if (extent < 512 || Long.bitCount(extent) != 1 || extent > 0x800000) {
      found.invalid("extent size " + extent + " is not a power of two from 512 to 8 MiB");
    } else if (h.catalogEntries() < Long.divideUnsigned(sectors + extent / 512 - 1, extent / 512)) {
      found.invalid("catalog too small for the disk size");
    } else if (h.headerSizeBytes() + h.catalogEntries() * 4 > probe.size()) {
      found.truncated("catalog ends past the end of the file");
    }
    BochsDetails details = new BochsDetails(
        h.type(), h.subtype(), h.version() >>> 16, h.headerSizeBytes(), h.catalogEntries(),
        h.bitmapSizeBytes(), extent, U64.of(h.diskSizeBytes()));
    return found.toDetection(ImageFormat.BOCHS, U64.of(sectors << 9), details);
  }
}
