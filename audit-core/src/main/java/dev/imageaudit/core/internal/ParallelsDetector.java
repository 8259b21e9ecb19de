package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parallels disk images: a 64-byte little-endian header at 0 whose magic is {@code
 * WithoutFreeSpace} (the old format) or {@code WithouFreSpacExt} (what qemu-img writes), FORMATS.md
 * section 8, QEMU {@code block/parallels.c}. Returns {@code null} unless one of the magics is at 0.
 *
 * <p>virtualSize is nb_sectors x 512; for the old magic QEMU keeps only nb_sectors' low 32 bits,
 * and so does this detector. The in-use marker raises {@code dirty}. No read past the head: the
 * block allocation table is only checked to lie inside the file.
 */
final class ParallelsDetector implements FormatDetector {

  static final byte[] MAGIC = "WithoutFreeSpace".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAGIC_EXT = "WithouFreSpacExt".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_SIZE = 64;
  private static final int VERSION = 2;
  /** "Ynot": the image was open for writing and not closed. */
  private static final long IN_USE = 0x746F6E59L;

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
    found.put("magic", new String(ext ? MAGIC_EXT : MAGIC, StandardCharsets.US_ASCII));
    if (found.headerShort(head, HEADER_SIZE)) {
      return Optional.of(found.toDetection(ImageFormat.PARALLELS, null));
    }
    long version = Bytes.u32leUnsigned(head, 16);
    long tracks = Bytes.u32leUnsigned(head, 28);
    long batEntries = Bytes.u32leUnsigned(head, 32);
    long sectorsField = Bytes.u64le(head, 36);
    // The old format's count is 32 bits wide: QEMU ignores the high half, whatever it holds.
    long sectors = ext ? sectorsField : sectorsField & 0xFFFF_FFFFL;
    found.put("version", version);
    found.put("heads", Bytes.u32leUnsigned(head, 20)).put("cylinders", Bytes.u32leUnsigned(head, 24));
    found.put("clusterSectors", tracks).put("batEntries", batEntries);
    found.put("sectors", U64.of(sectorsField)).put("dataOffset", Bytes.u32leUnsigned(head, 48));
    boolean inUse = Bytes.u32leUnsigned(head, 44) == IN_USE;
    found.put("inUse", inUse);
    if (inUse) {
      found.flag(Flag.DIRTY);
    }
    long extensionOffset = Bytes.u64le(head, 56);
    if (extensionOffset != 0) {
      found.put("extensionOffset", U64.of(extensionOffset));
    }
    if (version != VERSION) {
      // QEMU probes and opens version 2 only.
      found.invalid("version " + version + " is not 2");
    } else if (tracks == 0) {
      found.invalid("zero sectors per cluster");
    } else if (tracks > Integer.MAX_VALUE / 513) {
      found.invalid("cluster of " + tracks + " sectors is too big");
    } else if (batEntries > Integer.MAX_VALUE / 4) {
      found.invalid("allocation table of " + batEntries + " entries is too large");
    } else if (HEADER_SIZE + batEntries * 4 > probe.size()) {
      found.truncated("allocation table ends past the end of the file");
    }
    if (Long.compareUnsigned(sectors, -1L >>> 9) > 0) {
      found.invalid("sector count times 512 passes 2^64");
      return Optional.of(found.toDetection(ImageFormat.PARALLELS, null));
    }
    return Optional.of(found.toDetection(ImageFormat.PARALLELS, U64.of(sectors * 512)));
  }
}
