package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * VMware VMDK (FORMATS.md section 8): v4 sparse extents ({@code KDMV}, monolithicSparse and
 * streamOptimized, whose header may live in a footer at the end), v3 sparse extents ({@code COWD})
 * and text descriptors. All little-endian. Virtual sizes follow QEMU's block/vmdk.c: a sparse
 * extent's capacity x 512; a descriptor's RW extents of the types QEMU opens, summed.
 *
 * <p>Files a descriptor names are reported in {@code details.extents}, never opened. A descriptor
 * file always names its extents ({@code external-extent}). The descriptor embedded in a sparse
 * extent also names a file (normally the extent itself), but QEMU and VMware never open it: the
 * binary header describes the data. So it raises no flag, except when the header's capacity is 0
 * and QEMU takes the embedded descriptor as the disk, extents and all.
 */
final class VmdkDetector implements FormatDetector {

  /**
   * Bytes of a streamOptimized footer, taken from the tail (never a separate read): the footer
   * marker, the footer's copy of the header and the end-of-stream marker, one 512-byte sector
   * each, ending at the end of the file's last sector.
   */
  static final int STREAM_FOOTER = 1536;

  /**
   * Bytes at 0x200 of a v3 (COWD) extent read for descriptor keys: QEMU reads 20 sectors there
   * for the CID and a {@code parentFileNameHint}, whatever the v3 header says, so this audit looks
   * at the same bytes and no more.
   */
  static final int COWD_DESCRIPTOR_WINDOW = 20 * 512;

  /** Bytes from the start of a file in which a descriptor's version line must appear: QEMU's probe buffer. */
  static final int PROBE_WINDOW = 512;

  private static final byte[] KDMV = {'K', 'D', 'M', 'V'};
  private static final byte[] COWD = {'C', 'O', 'W', 'D'};

  /** A v4 header: magic, then 75 packed bytes up to and including compressAlgorithm. */
  private static final int V4_HEADER = 79;

  /** A v3 header as QEMU reads it: magic, then ten u32 fields. */
  private static final int V3_HEADER = 44;

  private static final long GD_AT_END = -1L;
  private static final int MARKER_FOOTER = 3;
  private static final int COMPRESSION_DEFLATE = 1;
  private static final long FLAG_REDUNDANT_GD = 1 << 1;
  private static final long FLAG_ZEROED_GRAIN = 1 << 2;

  /** QEMU refuses grains over 0x200000 sectors (1 GiB) as a sign of corruption. */
  private static final long MAX_GRANULARITY = 0x200000;

  /** QEMU refuses a grain directory of more than 32 Mi entries. */
  private static final long MAX_GRAIN_DIRECTORY = 32L << 20;

  /** QEMU allows at most 512 entries in a grain table. */
  private static final long MAX_GTES_PER_GT = 512;

  /** Largest sector count whose byte count fits in a u64. */
  private static final long MAX_SECTORS = -1L >>> 9;

  /** The head, and the tail of a stream-optimized extent: its footer repeats the header. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  /** {@code KDMV} or {@code COWD} at 0, or a descriptor whose first line names itself. */
  @Override
  public int probeScore() {
    return SCORE_MAGIC_AT_ZERO;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    if (Bytes.startsWith(head, 0, KDMV)) {
      return Optional.of(sparseV4(probe));
    }
    if (Bytes.startsWith(head, 0, COWD)) {
      return Optional.of(sparseV3(probe));
    }
    if (isDescriptor(head)) {
      return Optional.of(descriptorFile(probe));
    }
    return Optional.empty();
  }

  /**
   * Returns true if {@code head} starts like a descriptor by QEMU's rule: within the first 512 bytes,
   * after comment lines and lines of spaces only, a line {@code version=1}, {@code 2} or {@code 3}.
   * An empty line before it makes QEMU (and so this audit) call the file raw.
   */
  static boolean isDescriptor(byte[] head) {
    int end = Math.min(head.length, PROBE_WINDOW);
    int p = 0;
    while (p < end) {
      if (head[p] == '#') {
        while (p < end && head[p] != '\n') {
          p++;
        }
        p++;
      } else if (head[p] == ' ') {
        while (p < end && head[p] == ' ') {
          p++;
        }
        if (p < end && head[p] == '\r') {
          p++;
        }
        if (p >= end || head[p] != '\n') {
          return false;
        }
        p++;
      } else {
        return isVersionLine(head, p, end);
      }
    }
    return false;
  }

  private static boolean isVersionLine(byte[] b, int p, int end) {
    byte[] prefix = {'v', 'e', 'r', 's', 'i', 'o', 'n', '='};
    if (end - p < prefix.length + 2 || !Bytes.startsWith(b, p, prefix)) {
      return false;
    }
    int v = p + prefix.length;
    if (b[v] < '1' || b[v] > '3') {
      return false;
    }
    return b[v + 1] == '\n' || (end - p >= prefix.length + 3 && b[v + 1] == '\r' && b[v + 2] == '\n');
  }

  // ---------------------------------------------------------------------------------------------
  // v4 sparse: KDMV

  /** The v4 header fields, read from the head or from the stream footer's copy. */
  private record Header4(
      long version,
      long flags,
      long capacity,
      long granularity,
      long descOffset,
      long descSize,
      long gtesPerGt,
      long rgdOffset,
      long gdOffset,
      long grainOffset,
      int compression) {

    static Header4 read(byte[] b, int at) {
      return new Header4(
          Bytes.u32leUnsigned(b, at + 4),
          Bytes.u32leUnsigned(b, at + 8),
          Bytes.u64le(b, at + 12),
          Bytes.u64le(b, at + 20),
          Bytes.u64le(b, at + 28),
          Bytes.u64le(b, at + 36),
          Bytes.u32leUnsigned(b, at + 44),
          Bytes.u64le(b, at + 48),
          Bytes.u64le(b, at + 56),
          Bytes.u64le(b, at + 64),
          Bytes.u16le(b, at + 77));
    }
  }

  private Detection sparseV4(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    f.putIfPresent("headerType", "KDMV");
    if (head.length < V4_HEADER) {
      U64 size = null;
      if (head.length >= 8) {
        f.putIfPresent("version", Bytes.u32leUnsigned(head, 4));
      }
      if (head.length >= 20) {
        long capacity = Bytes.u64le(head, 12);
        f.putIfPresent("capacitySectors", U64.of(capacity));
        size = bytesOfSectors(capacity);
      }
      f.truncated("header");
      return f.toDetection(ImageFormat.VMDK, size);
    }
    Header4 h = Header4.read(head, 0);
    if (h.gdOffset() == GD_AT_END) {
      // streamOptimized written in one pass: the header at 0 is provisional, the footer's is real.
      f.putIfPresent("headerInFooter", true);
      h = streamFooter(probe, f);
      if (h == null) {
        return f.toDetection(ImageFormat.VMDK, null);
      }
    }
    f.putIfPresent("version", h.version());
    f.putIfPresent("flags", h.flags());
    f.putIfPresent("capacitySectors", U64.of(h.capacity()));
    boolean granularityOk = h.granularity() != 0 && Long.compareUnsigned(h.granularity(), MAX_GRANULARITY) <= 0;
    if (granularityOk) {
      f.putIfPresent("clusterSize", h.granularity() * 512);
    }
    f.putIfPresent("grainTableEntries", h.gtesPerGt());
    f.putIfPresent("compressed", h.compression() == COMPRESSION_DEFLATE);
    if ((h.flags() & FLAG_ZEROED_GRAIN) != 0) {
      f.putIfPresent("zeroedGrain", true);
    }

    // QEMU's checks, in its order (vmdk_open_vmdk4, vmdk_add_extent).
    if (h.version() > 3) {
      f.invalid("version");
    }
    boolean gtesOk = h.gtesPerGt() != 0 && h.gtesPerGt() <= MAX_GTES_PER_GT;
    if (!gtesOk) {
      f.invalid("grainTableEntries");
    }
    if (!granularityOk) {
      f.invalid("granularity");
    }
    long directoryEntries = -1;
    if (gtesOk && granularityOk) {
      long coverage = h.gtesPerGt() * h.granularity(); // at most 2^30 sectors per directory entry
      long entries = Long.divideUnsigned(h.capacity(), coverage)
          + (Long.remainderUnsigned(h.capacity(), coverage) == 0 ? 0 : 1);
      if (entries > MAX_GRAIN_DIRECTORY) {
        f.invalid("grainDirectorySize");
      } else {
        directoryEntries = entries;
      }
    }
    U64 virtualSize = bytesOfSectors(h.capacity());
    if (virtualSize == null) {
      f.invalid("capacity");
    }

    long size = probe.size();
    // QEMU compares the grain offset with the file's length in whole sectors, rounded up.
    if (Long.compareUnsigned(sectorEnd(h.grainOffset(), 0), roundUpToSector(size)) > 0) {
      f.truncated("grains");
    }
    if (h.gdOffset() == GD_AT_END) {
      f.invalid("grainDirectoryOffset");
    } else if (directoryEntries >= 0 && pastEnd(sectorEnd(h.gdOffset(), directoryEntries * 4), size)) {
      f.truncated("grainDirectory");
    }
    if ((h.flags() & FLAG_REDUNDANT_GD) != 0 && directoryEntries >= 0
        && pastEnd(sectorEnd(h.rgdOffset(), directoryEntries * 4), size)) {
      f.truncated("redundantGrainDirectory");
    }

    VmdkDescriptor descriptor = null;
    if (h.descOffset() != 0 && h.descSize() != 0) {
      descriptor = embeddedDescriptor(probe, h, f);
    }
    if (descriptor != null && descriptor.isEmpty()) {
      // The extent of a split (twoGbMaxExtent*) disk: its descriptor is in another file.
      f.putIfPresent("embeddedDescriptor", "blank");
    } else if (descriptor != null) {
      describe(descriptor, f, "descriptorVersion");
      if (descriptor.namesParent()) {
        f.flag(Flag.BACKING_FILE);
      }
      if (h.capacity() == 0) {
        // QEMU then takes the embedded descriptor as the disk and opens every extent it names.
        f.putIfPresent("descriptorIsDisk", true);
        checkExtents(descriptor, f);
        return f.toDetection(ImageFormat.VMDK, descriptorSize(descriptor, f));
      }
    }
    return f.toDetection(ImageFormat.VMDK, virtualSize);
  }

  /**
   * Returns the header copy in the stream footer at the end of the last whole sector, or null
   * (with the finding) if there is none.
   */
  private static Header4 streamFooter(Probe probe, Findings f) throws IOException {
    long size = probe.size();
    long start = roundUpToSector(size) - STREAM_FOOTER;
    if (start < 0) {
      f.truncated("streamFooter");
      return null;
    }
    byte[] tail = probe.tail();
    long tailStart = size - tail.length;
    byte[] footer = new byte[STREAM_FOOTER];
    for (int i = 0; i < STREAM_FOOTER; i++) {
      long at = start + i - tailStart;
      // Bytes past the end of a file whose size is not a whole number of sectors read as zeros, as in QEMU.
      if (at >= 0 && at < tail.length) {
        footer[i] = tail[(int) at];
      }
    }
    boolean valid = Bytes.u32leUnsigned(footer, 8) == 0
        && Bytes.u32leUnsigned(footer, 12) == MARKER_FOOTER
        && Bytes.startsWith(footer, 512, KDMV)
        && Bytes.u64le(footer, 1024) == 0
        && Bytes.u32leUnsigned(footer, 1032) == 0
        && Bytes.u32leUnsigned(footer, 1036) == 0;
    if (!valid) {
      f.invalid("streamFooter");
      return null;
    }
    return Header4.read(footer, 512);
  }

  private static VmdkDescriptor embeddedDescriptor(Probe probe, Header4 h, Findings f) throws IOException {
    if (Long.compareUnsigned(h.descSize(), Caps.VMDK_DESCRIPTOR / 512) > 0) {
      f.invalid("descriptorSize");
      return null;
    }
    int length = (int) h.descSize() * 512;
    long start = sectorEnd(h.descOffset(), 0);
    long size = probe.size();
    if (start == -1L || Long.compareUnsigned(start, size) >= 0) {
      f.truncated("descriptor");
      return null;
    }
    int available = (int) Math.min(length, size - start);
    if (available < length) {
      f.truncated("descriptor");
    }
    byte[] text = ProbeBytes.read(probe, start, available);
    return VmdkDescriptor.parse(text, 0, text.length);
  }

  // ---------------------------------------------------------------------------------------------
  // v3 sparse: COWD

  private Detection sparseV3(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    f.putIfPresent("headerType", "COWD");
    if (head.length < V3_HEADER) {
      U64 size = null;
      if (head.length >= 8) {
        f.putIfPresent("version", Bytes.u32leUnsigned(head, 4));
      }
      if (head.length >= 16) {
        long sectors = Bytes.u32leUnsigned(head, 12);
        f.putIfPresent("capacitySectors", sectors);
        size = U64.of(sectors * 512);
      }
      f.truncated("header");
      return f.toDetection(ImageFormat.VMDK, size);
    }
    long sectors = Bytes.u32leUnsigned(head, 12);
    long granularity = Bytes.u32leUnsigned(head, 16);
    long directoryOffset = Bytes.u32leUnsigned(head, 20);
    long directoryEntries = Bytes.u32leUnsigned(head, 24);
    f.putIfPresent("version", Bytes.u32leUnsigned(head, 4));
    f.putIfPresent("flags", Bytes.u32leUnsigned(head, 8));
    f.putIfPresent("capacitySectors", sectors);
    if (granularity == 0 || granularity > MAX_GRANULARITY) {
      f.invalid("granularity");
    } else {
      f.putIfPresent("clusterSize", granularity * 512);
    }
    if (directoryEntries > MAX_GRAIN_DIRECTORY) {
      f.invalid("grainDirectorySize");
    } else if (directoryOffset * 512 + directoryEntries * 4 > probe.size()) {
      f.truncated("grainDirectory");
    }
    // QEMU reads its CID and parentFileNameHint from the 20 sectors at 0x200 of any sparse extent.
    long size = probe.size();
    if (size > 512) {
      byte[] window = ProbeBytes.read(probe, 512, (int) Math.min(COWD_DESCRIPTOR_WINDOW, size - 512));
      VmdkDescriptor keys = VmdkDescriptor.parse(window, 0, window.length);
      f.putIfPresent("cid", keys.cid());
      f.putIfPresent("parentCid", keys.parentCid());
      f.putIfPresent("parentFileNameHint", keys.parentFileNameHint());
      if (keys.parentFileNameHint() != null) {
        f.flag(Flag.BACKING_FILE);
      }
    }
    return f.toDetection(ImageFormat.VMDK, U64.of(sectors * 512));
  }

  // ---------------------------------------------------------------------------------------------
  // text descriptor

  private Detection descriptorFile(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    f.putIfPresent("headerType", "descriptor");
    long size = probe.size();
    byte[] text = size <= head.length ? head : ProbeBytes.read(probe, 0, (int) Math.min(size, Caps.VMDK_DESCRIPTOR));
    int length = text.length;
    if (size > Caps.VMDK_DESCRIPTOR) {
      f.putIfPresent("descriptorCapped", true);
      // The cap cuts a line in two: its first half is not a line of the file, so it is not parsed.
      while (length > 0 && text[length - 1] != '\n') {
        length--;
      }
    }
    VmdkDescriptor descriptor = VmdkDescriptor.parse(text, 0, length);
    describe(descriptor, f, "version");
    if (descriptor.createType() == null) {
      f.invalid("createType");
    }
    checkExtents(descriptor, f);
    if (descriptor.namesParent()) {
      f.flag(Flag.BACKING_FILE);
    }
    return f.toDetection(ImageFormat.VMDK, descriptorSize(descriptor, f));
  }

  private static void describe(VmdkDescriptor d, Findings f, String versionKey) {
    f.putIfPresent(versionKey, d.version());
    f.putIfPresent("createType", d.createType());
    f.putIfPresent("cid", d.cid());
    f.putIfPresent("parentCid", d.parentCid());
    f.putIfPresent("parentFileNameHint", d.parentFileNameHint());
    List<Map<String, Object>> extents = d.extents().stream().map(VmdkDescriptor.Extent::toDetails).toList();
    f.putIfPresent("extents", extents);
    if (d.extentCount() > extents.size()) {
      CappedList.noteCut(f.notes(), "extents", d.extentCount());
    }
    f.putIfPresent("invalidExtentLine", d.invalidExtentLine());
  }

  /** Flags a descriptor whose extents QEMU would open: each names a file, and each line must parse. */
  private static void checkExtents(VmdkDescriptor d, Findings f) {
    if (d.invalidExtentLine() != null) {
      f.invalid("extentLine");
    }
    if (d.namesFiles()) {
      f.flag(Flag.EXTERNAL_EXTENT);
    }
  }

  /**
   * Returns the size QEMU gives a descriptor: its RW extents of the types QEMU opens, in bytes. When
   * the other extents (RDONLY, NOACCESS, ZERO) would make VMware's disk larger, that size is in
   * {@code details.allExtentsSize}.
   */
  private static U64 descriptorSize(VmdkDescriptor d, Findings f) {
    BigInteger sectors = d.qemuSectors();
    BigInteger all = d.allSectors();
    if (!all.equals(sectors) && VmdkDescriptor.fitsInBytes(all)) {
      f.putIfPresent("allExtentsSize", U64.of(all.shiftLeft(9).longValue()));
    }
    if (!VmdkDescriptor.fitsInBytes(sectors)) {
      f.invalid("extentSectors");
      return null;
    }
    return U64.of(sectors.shiftLeft(9).longValue());
  }

  // ---------------------------------------------------------------------------------------------
  // helpers


  /** Returns sectors x 512, or null if that passes 2^64 - 1. */
  private static U64 bytesOfSectors(long sectors) {
    return Long.compareUnsigned(sectors, MAX_SECTORS) > 0 ? null : U64.of(sectors << 9);
  }

  /** Returns sectors x 512 + bytes as unsigned, or all ones if that passes 2^64 - 1. */
  private static long sectorEnd(long sectors, long bytes) {
    if (Long.compareUnsigned(sectors, MAX_SECTORS) > 0) {
      return -1L;
    }
    long start = sectors << 9;
    long end = start + bytes;
    return Long.compareUnsigned(end, start) < 0 ? -1L : end;
  }

  private static boolean pastEnd(long unsignedEnd, long size) {
    return Long.compareUnsigned(unsignedEnd, size) > 0;
  }

  private static long roundUpToSector(long size) {
    return (size + 511) & ~511L;
  }
}
