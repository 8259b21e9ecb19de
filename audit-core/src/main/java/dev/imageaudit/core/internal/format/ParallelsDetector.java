package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.ParallelsDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parallels disk images: a 64-byte little-endian header at 0 whose magic is {@code
 * WithoutFreeSpace} (the old format) or {@code WithouFreSpacExt} (what qemu-img writes), FORMATS.md
 * section 8, QEMU {@code block/parallels.c}. Not this format unless one of the magics is at 0: two
 * magics, so not a {@link MagicDetector}.
 *
 * <p>virtualSize is nb_sectors x 512; for the old magic QEMU keeps only nb_sectors' low 32 bits,
 * and so does this detector. The in-use marker raises {@code dirty}. No read past the head: the
 * block allocation table is only checked to lie inside the file.
 */
final class ParallelsDetector implements FormatDetector {

  static final byte[] MAGIC = "WithoutFreeSpace".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAGIC_EXT = "WithouFreSpacExt".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  /** "Ynot": the image was open for writing and not closed. */
  private static final long IN_USE = 0x746F6E59L;

  /**
   * The header, as QEMU's {@code ParallelsHeader} lays it out (little-endian).
   *
   * @param magic the 16-byte magic, {@code WithoutFreeSpace} or {@code WithouFreSpacExt}
   * @param version the version, 2 for the images QEMU opens (u32)
   * @param heads the geometry's heads (u32)
   * @param cylinders the geometry's cylinders (u32)
   * @param clusterSectors the 512-byte sectors of each cluster ({@code tracks}, u32)
   * @param batEntries the block allocation table's entries, one u32 per cluster (u32)
   * @param sectorCount the disk's 512-byte sectors ({@code nb_sectors}, u64 unsigned; the old magic
   *     uses the low 32 bits only)
   * @param inUse the in-use marker, {@code Ynot} ({@link #IN_USE}) while open for writing (u32)
   * @param dataOffsetSectors where the first data cluster starts, in 512-byte sectors ({@code
   *     data_off}, u32)
   * @param flags the header flags (u32)
   * @param extensionOffsetSectors where the format extension cluster starts, in 512-byte sectors,
   *     0 for none ({@code ext_off}, u64 unsigned)
   */
  record Header(
      String magic,
      long version,
      long heads,
      long cylinders,
      long clusterSectors,
      long batEntries,
      long sectorCount,
      long inUse,
      long dataOffsetSectors,
      long flags,
      long extensionOffsetSectors) {

    /** The header's size in bytes, where the block allocation table starts. */
    static final int SIZE = 64;

    /** Reads the header from {@code head}, which holds at least {@link #SIZE} bytes. */
    static Header read(byte[] head) {
      return new Header(
          new String(head, 0, 16, StandardCharsets.US_ASCII),
          Bytes.u32leUnsigned(head, 16),
          Bytes.u32leUnsigned(head, 20),
          Bytes.u32leUnsigned(head, 24),
          Bytes.u32leUnsigned(head, 28),
          Bytes.u32leUnsigned(head, 32),
          Bytes.u64le(head, 36),
          Bytes.u32leUnsigned(head, 44),
          Bytes.u32leUnsigned(head, 48),
          Bytes.u32leUnsigned(head, 52),
          Bytes.u64le(head, 56));
    }
  }

  /** A 16-byte magic at 0 and the header's checks. */
  @Override
  public int probeScore() {
    return SCORE_MAGIC_AT_ZERO;
  }

  @Override
  public Optional<Detection> detect(Probe probe) {
    byte[] head = probe.head();
    boolean ext = Bytes.startsWith(head, 0, MAGIC_EXT);
    if (!ext && !Bytes.startsWith(head, 0, MAGIC)) {
      return Optional.empty();
    }
    Findings found = new Findings();
    if (found.headerShort(head, Header.SIZE)) {
      String magic = new String(ext ? MAGIC_EXT : MAGIC, StandardCharsets.US_ASCII);
      ParallelsDetails details = new ParallelsDetails(magic, null, null, null, null, null, null, null, null, null);
      return Optional.of(found.toDetection(ImageFormat.PARALLELS, null, details));
    }
    Header h = Header.read(head);
    // The old format's count is 32 bits wide: QEMU ignores the high half, whatever it holds.
    long sectors = ext ? h.sectorCount() : h.sectorCount() & 0xFFFF_FFFFL;
    boolean inUse = h.inUse() == IN_USE;
    if (inUse) {
      found.flag(Flag.DIRTY);
    }
    long tracks = h.clusterSectors();
    if (h.version() != VERSION) {
      // QEMU probes and opens version 2 only.
      found.invalid("version " + h.version() + " is not 2");
    } else if (tracks == 0) {
      found.invalid("zero sectors per cluster");
    } else if (tracks > Integer.MAX_VALUE / 513) {
      found.invalid("cluster of " + tracks + " sectors is too big");
    } else if (h.batEntries() > Integer.MAX_VALUE / 4) {
      found.invalid("allocation table of " + h.batEntries() + " entries is too large");
    } else if (Header.SIZE + h.batEntries() * 4 > probe.size()) {
      found.truncated("allocation table ends past the end of the file");
    }
    ParallelsDetails details = new ParallelsDetails(
        h.magic(), h.version(), h.heads(), h.cylinders(), tracks, h.batEntries(), U64.of(h.sectorCount()),
        h.dataOffsetSectors(), inUse, h.extensionOffsetSectors() != 0 ? U64.of(h.extensionOffsetSectors()) : null);
    if (Long.compareUnsigned(sectors, -1L >>> 9) > 0) {
      found.invalid("sector count times 512 passes 2^64");
      return Optional.of(found.toDetection(ImageFormat.PARALLELS, null, details));
    }
    return Optional.of(found.toDetection(ImageFormat.PARALLELS, U64.of(sectors * 512), details));
  }
}
