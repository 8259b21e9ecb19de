package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmdkDetails;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
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

  /** Bytes of a sector: the unit of every VMDK offset and size. */
  private static final int SECTOR = 512;

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

  /**
   * A v4 sparse extent's header ({@code KDMV}), named as QEMU's {@code VMDK4Header}: all
   * little-endian, every u64 kept in a {@code long} read as unsigned. Read from the head, or from
   * the copy in a stream-optimized extent's footer.
   *
   * @param version the header's version (u32; QEMU opens 1 to 3)
   * @param flags the header's flags (u32): bit 1 a redundant grain directory, bit 2 zeroed-grain
   *     entries, bit 16 compressed grains, bit 17 markers
   * @param capacitySectors the disk's size in 512-byte sectors (u64)
   * @param granularitySectors a grain's size in 512-byte sectors (u64)
   * @param descOffsetSectors where the embedded descriptor starts, in sectors (u64; 0 if none)
   * @param descSizeSectors the embedded descriptor's size in sectors (u64)
   * @param numGtesPerGt entries per grain table (u32)
   * @param rgdOffsetSectors where the redundant grain directory starts, in sectors (u64)
   * @param gdOffsetSectors where the grain directory starts, in sectors (u64; all ones: in the footer)
   * @param grainOffsetSectors where the grains start, in sectors (u64)
   * @param compressAlgorithm 0 none, 1 deflate (u16)
   */
  record Header(
      long version,
      long flags,
      long capacitySectors,
      long granularitySectors,
      long descOffsetSectors,
      long descSizeSectors,
      long numGtesPerGt,
      long rgdOffsetSectors,
      long gdOffsetSectors,
      long grainOffsetSectors,
      int compressAlgorithm) {

    /** Bytes from the magic through {@code version}: a cut header holding them reports it. */
    static final int THROUGH_VERSION = 8;

    /** Bytes from the magic through {@code capacity}: a cut header holding them reports it. */
    static final int THROUGH_CAPACITY = 20;

    /** Reads the header whose magic is at {@code at} of {@code b} (79 bytes from there). */
    static Header read(byte[] b, int at) {
      return new Header(
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

  /**
   * A stream-optimized extent's marker (one 512-byte sector, QEMU's {@code VMDK4Marker}).
   *
   * @param value the grain's sector, or 0 (u64)
   * @param size the compressed grain's bytes, 0 for a metadata marker (u32)
   * @param type a metadata marker's type (u32): 0 end of stream, 3 footer
   */
  private record Marker(long value, long size, long type) {
    static Marker read(byte[] b, int at) {
      return new Marker(Bytes.u64le(b, at), Bytes.u32leUnsigned(b, at + 8), Bytes.u32leUnsigned(b, at + 12));
    }
  }

  private Detection sparseV4(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    Fields d = new Fields(VmdkDetails.KDMV);
    if (head.length < V4_HEADER) {
      // Zero-padded: only the fields the head holds whole are reported.
      Header cut = Header.read(Arrays.copyOf(head, V4_HEADER), 0);
      U64 size = null;
      if (head.length >= Header.THROUGH_VERSION) {
        d.version = cut.version();
      }
      if (head.length >= Header.THROUGH_CAPACITY) {
        d.capacitySectors = U64.of(cut.capacitySectors());
        size = bytesOfSectors(cut.capacitySectors());
      }
      f.truncated("header");
      return d.done(f, size);
    }
    Header h = Header.read(head, 0);
    if (h.gdOffsetSectors() == GD_AT_END) {
      // streamOptimized written in one pass: the header at 0 is provisional, the footer's is real.
      d.headerInFooter = true;
      h = streamFooter(probe, f);
      if (h == null) {
        return d.done(f, null);
      }
    }
    d.version = h.version();
    d.flags = h.flags();
    d.capacitySectors = U64.of(h.capacitySectors());
    long granularity = h.granularitySectors();
    boolean granularityOk = granularity != 0 && Long.compareUnsigned(granularity, MAX_GRANULARITY) <= 0;
    if (granularityOk) {
      d.clusterSize = granularity * 512;
    }
    d.grainTableEntries = h.numGtesPerGt();
    d.compressed = h.compressAlgorithm() == COMPRESSION_DEFLATE;
    if ((h.flags() & FLAG_ZEROED_GRAIN) != 0) {
      d.zeroedGrain = true;
    }

    // QEMU's checks, in its order (vmdk_open_vmdk4, vmdk_add_extent).
    if (h.version() > 3) {
      f.invalid("version");
    }
    boolean gtesOk = h.numGtesPerGt() != 0 && h.numGtesPerGt() <= MAX_GTES_PER_GT;
    if (!gtesOk) {
      f.invalid("grainTableEntries");
    }
    if (!granularityOk) {
      f.invalid("granularity");
    }
    long directoryEntries = -1;
    if (gtesOk && granularityOk) {
      long coverage = h.numGtesPerGt() * granularity; // at most 2^30 sectors per directory entry
      long entries = Long.divideUnsigned(h.capacitySectors(), coverage)
          + (Long.remainderUnsigned(h.capacitySectors(), coverage) == 0 ? 0 : 1);
      if (entries > MAX_GRAIN_DIRECTORY) {
        f.invalid("grainDirectorySize");
      } else {
        directoryEntries = entries;
      }
    }
    U64 virtualSize = bytesOfSectors(h.capacitySectors());
    if (virtualSize == null) {
      f.invalid("capacity");
    }

    long size = probe.size();
    // QEMU compares the grain offset with the file's length in whole sectors, rounded up.
    if (Long.compareUnsigned(sectorEnd(h.grainOffsetSectors(), 0), roundUpToSector(size)) > 0) {
      f.truncated("grains");
    }
    if (h.gdOffsetSectors() == GD_AT_END) {
      f.invalid("grainDirectoryOffset");
    } else if (directoryEntries >= 0 && pastEnd(sectorEnd(h.gdOffsetSectors(), directoryEntries * 4), size)) {
      f.truncated("grainDirectory");
    }
    if ((h.flags() & FLAG_REDUNDANT_GD) != 0 && directoryEntries >= 0
        && pastEnd(sectorEnd(h.rgdOffsetSectors(), directoryEntries * 4), size)) {
      f.truncated("redundantGrainDirectory");
    }

    VmdkDescriptor descriptor = null;
    if (h.descOffsetSectors() != 0 && h.descSizeSectors() != 0) {
      descriptor = embeddedDescriptor(probe, h, f);
    }
    if (descriptor != null && descriptor.isEmpty()) {
      // The extent of a split (twoGbMaxExtent*) disk: its descriptor is in another file.
      d.embeddedDescriptor = "blank";
    } else if (descriptor != null) {
      d.describe(descriptor, f);
      if (descriptor.namesParent()) {
        f.flag(Flag.BACKING_FILE);
      }
      if (h.capacitySectors() == 0) {
        // QEMU then takes the embedded descriptor as the disk and opens every extent it names.
        d.descriptorIsDisk = true;
        checkExtents(descriptor, f);
        return d.done(f, descriptorSize(descriptor, d, f));
      }
    }
    return d.done(f, virtualSize);
  }

  /**
   * Returns the header copy in the stream footer at the end of the last whole sector, or null
   * (with the finding) if there is none.
   */
  private static Header streamFooter(Probe probe, Findings f) throws IOException {
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
    // The footer marker, the header's copy, the end-of-stream marker: one sector each.
    Marker footerMarker = Marker.read(footer, 0);
    Marker endOfStream = Marker.read(footer, 2 * SECTOR);
    boolean valid = footerMarker.size() == 0
        && footerMarker.type() == MARKER_FOOTER
        && Bytes.startsWith(footer, SECTOR, KDMV)
        && endOfStream.value() == 0
        && endOfStream.size() == 0
        && endOfStream.type() == 0;
    if (!valid) {
      f.invalid("streamFooter");
      return null;
    }
    return Header.read(footer, SECTOR);
  }

  private static VmdkDescriptor embeddedDescriptor(Probe probe, Header h, Findings f) throws IOException {
    if (Long.compareUnsigned(h.descSizeSectors(), Caps.VMDK_DESCRIPTOR / 512) > 0) {
      f.invalid("descriptorSize");
      return null;
    }
    int length = (int) h.descSizeSectors() * 512;
    long start = sectorEnd(h.descOffsetSectors(), 0);
    long size = probe.size();
    if (start == -1L || Long.compareUnsigned(start, size) >= 0) {
      f.truncated("descriptor");
      return null;
    }
    int available = (int) Math.min(length, size - start);
    if (available < length) {
      f.truncated("descriptor");
    }
    // The text ends at its first NUL, the rest of the area being zeros (qemu-img leaves 20 sectors for a
    // few hundred bytes). When that NUL lies in the head already read, the rest is not read at all:
    // for every sparse VMDK of a store, that was a pread of 6.5 KiB of zeros and two copies of it.
    byte[] head = probe.head();
    if (start < head.length) {
      int from = (int) start;
      int inHead = (int) Math.min(available, head.length - from);
      if (VmdkDescriptor.textEnd(head, from, inHead) < from + inHead) {
        return VmdkDescriptor.parse(head, from, inHead);
      }
    }
    byte[] text = ProbeBytes.read(probe, start, available);
    return VmdkDescriptor.parse(text, 0, text.length);
  }

  // ---------------------------------------------------------------------------------------------
  // v3 sparse: COWD

  /**
   * A v3 sparse extent's header ({@code COWD}) as QEMU's {@code VMDK3Header} declares it: ten
   * little-endian u32 after the magic.
   *
   * @param version the header's version (u32)
   * @param flags the header's flags (u32)
   * @param diskSectors the disk's size in 512-byte sectors (u32)
   * @param granularitySectors a grain's size in sectors (u32)
   * @param l1dirOffsetSectors where the grain directory starts, in sectors (u32)
   * @param l1dirSize the grain directory's entries (u32)
   * @param fileSectors the extent file's size in sectors (u32)
   * @param cylinders the disk's geometry: cylinders (u32)
   * @param heads heads (u32)
   * @param sectorsPerTrack sectors per track (u32)
   */
  record CowdHeader(
      long version,
      long flags,
      long diskSectors,
      long granularitySectors,
      long l1dirOffsetSectors,
      long l1dirSize,
      long fileSectors,
      long cylinders,
      long heads,
      long sectorsPerTrack) {

    /** Bytes from the magic through {@code version}: a cut header holding them reports it. */
    static final int THROUGH_VERSION = 8;

    /** Bytes from the magic through {@code disk_sectors}: a cut header holding them reports it. */
    static final int THROUGH_DISK_SECTORS = 16;

    /** Reads the header whose magic is at {@code at} of {@code b} (44 bytes from there). */
    static CowdHeader read(byte[] b, int at) {
      return new CowdHeader(
          Bytes.u32leUnsigned(b, at + 4),
          Bytes.u32leUnsigned(b, at + 8),
          Bytes.u32leUnsigned(b, at + 12),
          Bytes.u32leUnsigned(b, at + 16),
          Bytes.u32leUnsigned(b, at + 20),
          Bytes.u32leUnsigned(b, at + 24),
          Bytes.u32leUnsigned(b, at + 28),
          Bytes.u32leUnsigned(b, at + 32),
          Bytes.u32leUnsigned(b, at + 36),
          Bytes.u32leUnsigned(b, at + 40));
    }
  }

  private Detection sparseV3(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    Fields d = new Fields(VmdkDetails.COWD);
    if (head.length < V3_HEADER) {
      // Zero-padded: only the fields the head holds whole are reported.
      CowdHeader cut = CowdHeader.read(Arrays.copyOf(head, V3_HEADER), 0);
      U64 size = null;
      if (head.length >= CowdHeader.THROUGH_VERSION) {
        d.version = cut.version();
      }
      if (head.length >= CowdHeader.THROUGH_DISK_SECTORS) {
        d.capacitySectors = U64.of(cut.diskSectors());
        size = U64.of(cut.diskSectors() * 512);
      }
      f.truncated("header");
      return d.done(f, size);
    }
    CowdHeader h = CowdHeader.read(head, 0);
    long granularity = h.granularitySectors();
    d.version = h.version();
    d.flags = h.flags();
    d.capacitySectors = U64.of(h.diskSectors());
    if (granularity == 0 || granularity > MAX_GRANULARITY) {
      f.invalid("granularity");
    } else {
      d.clusterSize = granularity * 512;
    }
    if (h.l1dirSize() > MAX_GRAIN_DIRECTORY) {
      f.invalid("grainDirectorySize");
    } else if (h.l1dirOffsetSectors() * 512 + h.l1dirSize() * 4 > probe.size()) {
      f.truncated("grainDirectory");
    }
    // QEMU reads its CID and parentFileNameHint from the 20 sectors at 0x200 of any sparse extent.
    long size = probe.size();
    if (size > SECTOR) {
      byte[] window = ProbeBytes.read(probe, SECTOR, (int) Math.min(COWD_DESCRIPTOR_WINDOW, size - SECTOR));
      VmdkDescriptor keys = VmdkDescriptor.parse(window, 0, window.length);
      d.cid = keys.cid();
      d.parentCid = keys.parentCid();
      d.parentFileNameHint = keys.parentFileNameHint();
      if (keys.parentFileNameHint() != null) {
        f.flag(Flag.BACKING_FILE);
      }
    }
    return d.done(f, U64.of(h.diskSectors() * 512));
  }

  // ---------------------------------------------------------------------------------------------
  // text descriptor

  private Detection descriptorFile(Probe probe) throws IOException {
    byte[] head = probe.head();
    Findings f = new Findings();
    Fields d = new Fields(VmdkDetails.DESCRIPTOR);
    long size = probe.size();
    byte[] text = size <= head.length ? head : ProbeBytes.read(probe, 0, (int) Math.min(size, Caps.VMDK_DESCRIPTOR));
    int length = text.length;
    if (size > Caps.VMDK_DESCRIPTOR) {
      d.descriptorCapped = true;
      // The cap cuts a line in two: its first half is not a line of the file, so it is not parsed.
      while (length > 0 && text[length - 1] != '\n') {
        length--;
      }
    }
    VmdkDescriptor descriptor = VmdkDescriptor.parse(text, 0, length);
    d.describe(descriptor, f);
    if (descriptor.createType() == null) {
      f.invalid("createType");
    }
    checkExtents(descriptor, f);
    if (descriptor.namesParent()) {
      f.flag(Flag.BACKING_FILE);
    }
    return d.done(f, descriptorSize(descriptor, d, f));
  }

  /**
   * One file's details as they are found, whatever its header type: the fields of {@link
   * VmdkDetails}, {@code null} until found.
   */
  private static final class Fields {
    private final String headerType;
    private Boolean headerInFooter;
    private Boolean descriptorCapped;
    private Long version;
    private Long flags;
    private U64 capacitySectors;
    private Long clusterSize;
    private Long grainTableEntries;
    private Boolean compressed;
    private Boolean zeroedGrain;
    private String embeddedDescriptor;
    private String descriptorVersion;
    private String createType;
    private String cid;
    private String parentCid;
    private String parentFileNameHint;
    private List<VmdkDetails.Extent> extents;
    private String invalidExtentLine;
    private Boolean descriptorIsDisk;
    private U64 allExtentsSize;

    Fields(String headerType) {
      this.headerType = headerType;
    }

    /** Takes a descriptor's keys and kept extents; a list it cut notes its full count. */
    void describe(VmdkDescriptor descriptor, Findings f) {
      descriptorVersion = descriptor.version();
      createType = descriptor.createType();
      cid = descriptor.cid();
      parentCid = descriptor.parentCid();
      parentFileNameHint = descriptor.parentFileNameHint();
      extents = descriptor.extents();
      if (descriptor.extentCount() > extents.size()) {
        CappedList.noteCut(f.notes(), "extents", descriptor.extentCount());
      }
      invalidExtentLine = descriptor.invalidExtentLine();
    }

    /** Returns the detection sized {@code virtualSize} (null: unknown) with the details found. */
    Detection done(Findings f, U64 virtualSize) {
      return f.toDetection(ImageFormat.VMDK, virtualSize, new VmdkDetails(headerType, headerInFooter,
          descriptorCapped, version, flags, capacitySectors, clusterSize, grainTableEntries, compressed, zeroedGrain,
          embeddedDescriptor, descriptorVersion, createType, cid, parentCid, parentFileNameHint, extents,
          invalidExtentLine, descriptorIsDisk, allExtentsSize));
    }
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
  private static U64 descriptorSize(VmdkDescriptor d, Fields details, Findings f) {
    BigInteger sectors = d.qemuSectors();
    BigInteger all = d.allSectors();
    if (!all.equals(sectors) && VmdkDescriptor.fitsInBytes(all)) {
      details.allExtentsSize = U64.of(all.shiftLeft(9).longValue());
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
