package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Bochs growing disks (bximage {@code -imgmode=growing}): a 512-byte little-endian header at 0
 * naming itself {@code Bochs Virtual HD Image}, type {@code Redolog}, subtype {@code Growing}
 * (FORMATS.md section 8, QEMU {@code block/bochs.c}). Returns {@code null} unless the magic text is
 * at 0.
 *
 * <p>virtualSize is the disk size (u64 @88 in version 2, @84 in version 1) rounded down to whole
 * 512-byte sectors, as QEMU counts it. The checks are QEMU's: version, subtype, catalog and extent
 * sizes; the catalog must lie inside the file. Nothing is read past the head.
 */
final class BochsDetector extends MagicDetector {

  static final byte[] MAGIC = "Bochs Virtual HD Image".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_SIZE = 512;
  private static final long VERSION_2 = 0x00020000L;
  private static final long VERSION_1 = 0x00010000L;
  /** QEMU's limit: a million entries covers the largest image bximage makes (about 8 TB). */
  private static final long MAX_CATALOG = 0x100000;

  BochsDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (found.headerShort(head, HEADER_SIZE)) {
      return found.toDetection(ImageFormat.BOCHS, null);
    }
    String type = Bytes.asciiz(head, 32, 16);
    String subtype = Bytes.asciiz(head, 48, 16);
    long version = Bytes.u32leUnsigned(head, 64);
    long headerBytes = Bytes.u32leUnsigned(head, 68);
    long catalog = Bytes.u32leUnsigned(head, 72);
    long extent = Bytes.u32leUnsigned(head, 80);
    boolean v1 = version == VERSION_1;
    long disk = Bytes.u64le(head, v1 ? 84 : 88);
    found.put("type", type).put("subtype", subtype).put("version", version >>> 16);
    found.put("headerSize", headerBytes).put("catalogEntries", catalog);
    found.put("bitmapSize", Bytes.u32leUnsigned(head, 76)).put("extentSize", extent).put("diskSize", U64.of(disk));
    long sectors = disk >>> 9;
    if (!Bytes.cstringEquals(head, 0, "Bochs Virtual HD Image")) {
      found.invalid("magic text is not NUL-terminated");
    } else if (!Bytes.cstringEquals(head, 32, "Redolog") || !Bytes.cstringEquals(head, 48, "Growing")) {
      // Undoable and volatile redologs exist too, but QEMU reads growing images only.
      found.invalid("type " + type + "/" + subtype + " is not Redolog/Growing");
    } else if (version != VERSION_2 && !v1) {
      found.invalid("version 0x" + Long.toHexString(version) + " is neither 1 nor 2");
    } else if (catalog > MAX_CATALOG) {
      found.invalid("catalog of " + catalog + " entries is too large");
    } else if (extent < 512 || Long.bitCount(extent) != 1 || extent > 0x800000) {
      found.invalid("extent size " + extent + " is not a power of two from 512 to 8 MiB");
    } else if (catalog < Long.divideUnsigned(sectors + extent / 512 - 1, extent / 512)) {
      found.invalid("catalog too small for the disk size");
    } else if (headerBytes + catalog * 4 > probe.size()) {
      found.truncated("catalog ends past the end of the file");
    }
    return found.toDetection(ImageFormat.BOCHS, U64.of(sectors << 9));
  }
}
