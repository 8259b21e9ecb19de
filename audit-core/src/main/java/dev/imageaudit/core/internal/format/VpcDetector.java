package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VhdDetails;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Virtual PC / Hyper-V VHD, QEMU's {@code vpc} (FORMATS.md section 8). All big-endian. A 512-byte
 * footer ({@code conectix}) ends every VHD; dynamic and differencing disks keep a copy at 0, fixed
 * disks have it only at the end.
 *
 * <p>Two detectors, which read the same {@link Footer}: {@link #atHead()} names a VHD by its
 * footer copy at 0 and reads its {@link DynamicHeader}; {@link #fixedAtTail()} names a fixed VHD by
 * the footer at EOF - 512. QEMU's probe only looks at 0 and so calls a fixed VHD raw, with the
 * footer counted in its size; this audit names it vpc and sizes it as {@code qemu-img info -f vpc}
 * does. The tail detector scores below every detector that looks at the head ({@link
 * FormatDetector#SCORE_FOOTER_ONLY}), so a real header at 0 always wins over a footer at the end.
 *
 * <p>The size follows QEMU (block/vpc.c, since 10.0): CHS x 512 when the creator application is
 * {@code vpc } or {@code qemu}, unless the geometry is the 65535 x 16 x 255 maximum; otherwise the
 * footer's current size, rounded down to whole sectors. QEMU 7.2 used the CHS size for every creator
 * except {@code win }, {@code qem2}, {@code d2v }, {@code CTXS} and {@code tap\0}; the two differ only
 * for other creators (Azure writes {@code wa\0\0}), where the newer rule is the right one.
 */
final class VpcDetector extends MagicDetector {

  /** Bytes of the footer, and of its copy at 0. */
  static final int FOOTER = 512;

  /**
   * Bytes of the dynamic disk header read at the footer's data offset: the whole 1024-byte header,
   * which holds the block table's place, the parent's name and the eight parent locators.
   */
  static final int DYNAMIC_HEADER = 1024;

  private static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DYNAMIC_COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);

  /** A UUID of all zeros: no parent. */
  private static final String NULL_UUID = "0".repeat(32);

  private static final int TYPE_FIXED = 2;
  private static final int TYPE_DYNAMIC = 3;
  private static final int TYPE_DIFFERENCING = 4;

  /** QEMU refuses disks of more sectors than this (about 2040 GiB), the VHD format's limit. */
  private static final long MAX_SECTORS = 65535L * 255 * 255;

  private VpcDetector() {
    super(COOKIE);
  }

  /** Returns the detector of VHDs with a footer copy at 0 (dynamic and differencing disks). */
  static VpcDetector atHead() {
    return new VpcDetector();
  }

  /** Returns the detector of VHDs whose only footer is at the end (fixed disks). */
  static FormatDetector fixedAtTail() {
    return new FixedAtTail();
  }

  /** The head, and the tail: the footer a dynamic disk's copy at 0 is checked against. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (head.length < FOOTER) {
      found.truncated("footer");
      return found.toDetection(ImageFormat.VPC, null, FormatDetails.None.INSTANCE);
    }
    return detection(probe, Arrays.copyOf(head, FOOTER), false, found);
  }

  /**
   * The detector of fixed VHDs, named by the footer at EOF - 512 alone. It scores {@link
   * #SCORE_FOOTER_ONLY}, below every detector that looks at the head, since the bytes before the
   * footer may be any other format's: a header at 0 wins.
   */
  private static final class FixedAtTail implements FormatDetector {

    /** The head, as every detector, and the tail, where the footer is. */
    @Override
    public ReadPlan.Needs reads() {
      return ReadPlan.Needs.HEAD_AND_TAIL;
    }

    @Override
    public int probeScore() {
      return SCORE_FOOTER_ONLY;
    }

    @Override
    public Optional<Detection> detect(Probe probe) throws IOException {
      if (probe.size() < FOOTER) {
        return Optional.empty();
      }
      byte[] tail = probe.tail();
      if (!endsWithFooter(tail)) {
        return Optional.empty();
      }
      byte[] footer = Arrays.copyOfRange(tail, tail.length - FOOTER, tail.length);
      return Optional.of(detection(probe, footer, true, new Findings()));
    }
  }

  /** Returns true if {@code tail}, the file's last bytes, ends with a footer's cookie in place. */
  private static boolean endsWithFooter(byte[] tail) {
    return tail.length >= FOOTER && Bytes.startsWith(tail, tail.length - FOOTER, COOKIE);
  }

  /** Reads the footer {@code bytes} (at 0, or at the end when {@code fromTail}) and what it leads to. */
  private static Detection detection(Probe probe, byte[] bytes, boolean fromTail, Findings f) throws IOException {
    Footer footer = Footer.read(bytes);
    long type = footer.diskType();
    String creatorApp = footer.creatorApp();
    int cylinders = footer.cylinders();
    int heads = footer.heads();
    int sectorsPerTrack = footer.sectorsPerTrack();
    long currentSize = footer.currentSize().bits();

    long chsSectors = (long) cylinders * heads * sectorsPerTrack;
    boolean maxGeometry = cylinders == 65535 && heads == 16 && sectorsPerTrack == 255;
    boolean useChs = (creatorApp.equals("vpc ") || creatorApp.equals("qemu")) && !maxGeometry;
    long sectors = useChs ? chsSectors : currentSize >>> 9;
    U64 virtualSize = U64.of(sectors << 9);

    if (checksum(bytes) != (int) footer.checksum()) {
      f.invalid("checksum");
    }
    if (type != TYPE_FIXED && type != TYPE_DYNAMIC && type != TYPE_DIFFERENCING) {
      f.invalid("diskType");
    } else if (fromTail && type != TYPE_FIXED) {
      // A dynamic or differencing disk must have its footer copy at 0; QEMU would read it as fixed.
      f.invalid("diskType");
    }
    if (sectors > MAX_SECTORS) {
      f.invalid("diskSize");
    }
    DynamicHeader dynamic = null;
    Parent parent = Parent.NONE;
    if (!fromTail && (type == TYPE_DYNAMIC || type == TYPE_DIFFERENCING)) {
      dynamic = dynamic(probe, footer, sectors, f);
      if (dynamic != null && type == TYPE_DIFFERENCING) {
        f.flag(Flag.DIFFERENCING_DISK);
        parent = parent(probe, dynamic);
      }
    }
    VhdDetails details = new VhdDetails(
        typeName(type),
        creatorApp,
        footer.creatorVersionMajor() + "." + footer.creatorVersionMinor(),
        footer.creatorOs(),
        cylinders,
        heads,
        sectorsPerTrack,
        footer.currentSize(),
        footer.originalSize(),
        fromTail ? Boolean.TRUE : null,
        useChs ? "chs" : "currentSize",
        dynamic == null ? null : dynamic.blockSize(),
        dynamic == null ? null : dynamic.maxTableEntries(),
        parent.name(),
        parent.uuid(),
        parent.locators());
    return f.toDetection(ImageFormat.VPC, virtualSize, details);
  }

  /**
   * Reads and checks the dynamic disk header the footer points to; returns it, or {@code null} when
   * it could not be read or is not one (noted in {@code f}).
   */
  private static DynamicHeader dynamic(Probe probe, Footer footer, long sectors, Findings f) throws IOException {
    long size = probe.size();
    long dataOffset = footer.dataOffset().bits();
    // The header sits after the footer copy; an offset that wraps past 2^64 is no offset at all.
    if (Long.compareUnsigned(dataOffset, FOOTER) < 0 || Long.compareUnsigned(dataOffset, -1L - DYNAMIC_HEADER) > 0) {
      f.invalid("dataOffset");
      return null;
    }
    if (ProbeBytes.passesEnd(dataOffset, DYNAMIC_HEADER, size)) {
      f.truncated("dynamicHeader");
      return null;
    }
    byte[] bytes = ProbeBytes.readExactly(probe, dataOffset, DYNAMIC_HEADER);
    if (bytes == null) {
      f.truncated("dynamicHeader");
      return null;
    }
    if (!DynamicHeader.hasCookie(bytes)) {
      f.invalid("dynamicHeaderCookie");
      return null;
    }
    DynamicHeader header = DynamicHeader.read(bytes);
    long maxTableEntries = header.maxTableEntries();
    long blockSize = header.blockSize();

    // QEMU's checks, in its order (vpc_open).
    long diskBytes = sectors << 9;
    if (blockSize < 512 || Long.bitCount(blockSize) != 1) {
      f.invalid("blockSize");
    } else if (Long.divideUnsigned(diskBytes, blockSize) > 0xFFFF_FFFFL) {
      f.invalid("blockCount");
    } else if (Long.compareUnsigned(maxTableEntries * blockSize, diskBytes) < 0) {
      f.invalid("blockAllocationTable");
    } else if (maxTableEntries > Integer.MAX_VALUE / 4) {
      f.invalid("maxTableEntries");
    }
    if (ProbeBytes.passesEnd(header.tableOffset().bits(), maxTableEntries * 4, size)) {
      f.truncated("blockAllocationTable");
    }
    if (!endsWithFooter(probe.tail())) {
      f.truncated("footer");
    }
    return header;
  }

  /**
   * A differencing disk's parent as its dynamic header names it: each field {@code null} when the
   * header leaves it empty.
   */
  private record Parent(String name, String uuid, List<VhdDetails.ParentLocator> locators) {
    static final Parent NONE = new Parent(null, null, null);
  }

  /** Reports a differencing disk's parent: its name, UUID and locators, with their paths when short. */
  private static Parent parent(Probe probe, DynamicHeader header) throws IOException {
    long size = probe.size();
    List<VhdDetails.ParentLocator> locators = new ArrayList<>();
    for (DynamicHeader.Locator entry : header.parentLocators()) {
      if (entry.platformCode() == 0) {
        continue;
      }
      String platform = entry.platform();
      long length = entry.dataLength();
      long offset = entry.dataOffset().bits();
      String path = null;
      if (length > 0 && length <= Caps.VPC_PARENT_LOCATOR && !ProbeBytes.passesEnd(offset, length, size)) {
        byte[] data = ProbeBytes.read(probe, offset, (int) length);
        path = switch (platform) {
          case "W2ru", "W2ku" -> utf16(data, 0, data.length, true);
          case "MacX" -> new String(data, StandardCharsets.UTF_8);
          // Wi2r/Wi2k hold deprecated binary links, Mac holds an alias record: nothing to print.
          default -> null;
        };
      }
      locators.add(new VhdDetails.ParentLocator(platform, length, entry.dataOffset(), path));
    }
    return new Parent(
        header.parentName().isEmpty() ? null : header.parentName(),
        header.parentUuid().equals(NULL_UUID) ? null : header.parentUuid(),
        locators.isEmpty() ? null : locators);
  }

  /** Returns the one's complement of the byte sum of the footer, the checksum field read as zero. */
  static int checksum(byte[] footer) {
    int sum = 0;
    for (int i = 0; i < FOOTER; i++) {
      if (i < 64 || i >= 68) {
        sum += footer[i] & 0xFF;
      }
    }
    return ~sum;
  }

  private static String typeName(long type) {
    return switch ((int) type) {
      case TYPE_FIXED -> "fixed";
      case TYPE_DYNAMIC -> "dynamic";
      case TYPE_DIFFERENCING -> "differencing";
      default -> "unknown(" + type + ")";
    };
  }

  /** Returns four bytes as text, bytes outside printable ASCII written as {@code \xNN}. */
  private static String fourCc(byte[] b, int at) {
    StringBuilder s = new StringBuilder(16);
    for (int i = at; i < at + 4; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        s.append((char) c);
      } else {
        // As "\\x%02x" would print it, without a Formatter per byte (eight locators per header).
        s.append('\\').append('x').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
      }
    }
    return s.toString();
  }

  /** Decodes UTF-16 up to the first NUL code unit. */
  private static String utf16(byte[] b, int at, int length, boolean littleEndian) {
    int end = at;
    while (end + 1 < at + length && (b[end] != 0 || b[end + 1] != 0)) {
      end += 2;
    }
    return new String(b, at, end - at, littleEndian ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
  }

  /**
   * The VHD footer, QEMU's {@code VHDFooter} (block/vpc.c), all big-endian: 512 bytes at the end of
   * every VHD, and copied at 0 by dynamic and differencing disks. Four-character codes are kept as
   * text, bytes outside printable ASCII written {@code \xNN}.
   *
   * @param features the feature bits (u32; bit 1, reserved, is always set)
   * @param formatVersion the file format version (u32; 0x00010000)
   * @param dataOffset the byte offset of the dynamic disk header (u64; all ones for a fixed disk)
   * @param timestamp seconds since 2000-01-01 UTC at creation (u32)
   * @param creatorApp the creator application's code
   * @param creatorVersionMajor the creator's major version (u16)
   * @param creatorVersionMinor the creator's minor version (u16)
   * @param creatorOs the creator host OS's code
   * @param originalSize the disk's size in bytes at creation (u64)
   * @param currentSize the disk's current size in bytes (u64)
   * @param cylinders the CHS geometry's cylinders (u16)
   * @param heads the CHS geometry's heads (u8)
   * @param sectorsPerTrack the CHS geometry's sectors per track (u8)
   * @param diskType 2 fixed, 3 dynamic, 4 differencing (u32)
   * @param checksum the one's complement of the footer's byte sum, this field left out (u32)
   * @param uuid the disk's UUID, 32 hex digits as stored
   * @param inSavedState the saved-state byte (u8; 1 while a VM holding the disk is saved)
   */
  record Footer(
      long features,
      long formatVersion,
      U64 dataOffset,
      long timestamp,
      String creatorApp,
      int creatorVersionMajor,
      int creatorVersionMinor,
      String creatorOs,
      U64 originalSize,
      U64 currentSize,
      int cylinders,
      int heads,
      int sectorsPerTrack,
      long diskType,
      long checksum,
      String uuid,
      int inSavedState) {

    /** Reads a footer from its {@link #FOOTER} bytes; the cookie, {@code conectix}, is checked before. */
    static Footer read(byte[] b) {
      return new Footer(
          Bytes.u32beUnsigned(b, 8),
          Bytes.u32beUnsigned(b, 12),
          U64.of(Bytes.u64be(b, 16)),
          Bytes.u32beUnsigned(b, 24),
          fourCc(b, 28),
          Bytes.u16be(b, 32),
          Bytes.u16be(b, 34),
          fourCc(b, 36),
          U64.of(Bytes.u64be(b, 40)),
          U64.of(Bytes.u64be(b, 48)),
          Bytes.u16be(b, 56),
          Bytes.u8(b, 58),
          Bytes.u8(b, 59),
          Bytes.u32beUnsigned(b, 60),
          Bytes.u32beUnsigned(b, 64),
          HexFormat.of().formatHex(b, 68, 84),
          Bytes.u8(b, 84));
    }
  }

  /**
   * The dynamic disk header of dynamic and differencing disks, QEMU's {@code VHDDynDiskHeader}
   * (block/vpc.c), all big-endian: {@link #DYNAMIC_HEADER} bytes at the footer's data offset.
   *
   * @param dataOffset the next structure's offset (u64; all ones: none)
   * @param tableOffset the byte offset of the block allocation table (u64)
   * @param headerVersion the header version (u32; 0x00010000)
   * @param maxTableEntries the entries of the block allocation table (u32)
   * @param blockSize the size of a block in bytes (u32)
   * @param checksum the one's complement of the header's byte sum, this field left out (u32; not
   *     checked, as QEMU does not)
   * @param parentUuid the parent's UUID, 32 hex digits as stored ({@link #NULL_UUID} for none)
   * @param parentTimestamp the parent's modification time, seconds since 2000-01-01 UTC (u32)
   * @param parentName the parent's name, UTF-16BE up to its first NUL (may be empty)
   * @param parentLocators the eight parent locator entries, in use or not
   */
  record DynamicHeader(
      U64 dataOffset,
      U64 tableOffset,
      long headerVersion,
      long maxTableEntries,
      long blockSize,
      long checksum,
      String parentUuid,
      long parentTimestamp,
      String parentName,
      List<Locator> parentLocators) {

    private static final int PARENT_NAME_AT = 64;
    private static final int PARENT_NAME_BYTES = 512;
    private static final int PARENT_LOCATORS_AT = 576;
    private static final int PARENT_LOCATORS = 8;
    private static final int LOCATOR_BYTES = 24;

    /**
     * One parent locator entry.
     *
     * @param platformCode the platform code (u32; 0 for an entry not in use)
     * @param platform the platform code as four characters
     * @param dataSpace the space the locator's data takes in the file, in 512-byte sectors (u32)
     * @param dataLength the locator's data length in bytes (u32)
     * @param dataOffset the byte offset of the locator's data (u64)
     */
    record Locator(long platformCode, String platform, long dataSpace, long dataLength, U64 dataOffset) {

      static Locator read(byte[] b, int at) {
        return new Locator(
            Bytes.u32beUnsigned(b, at),
            fourCc(b, at),
            Bytes.u32beUnsigned(b, at + 4),
            Bytes.u32beUnsigned(b, at + 8),
            // at + 12: reserved.
            U64.of(Bytes.u64be(b, at + 16)));
      }
    }

    /** Returns true if {@code b} starts with the dynamic header's cookie, {@code cxsparse}. */
    static boolean hasCookie(byte[] b) {
      return Bytes.startsWith(b, 0, DYNAMIC_COOKIE);
    }

    /** Reads a dynamic header from its {@link #DYNAMIC_HEADER} bytes. */
    static DynamicHeader read(byte[] b) {
      List<Locator> locators = new ArrayList<>(PARENT_LOCATORS);
      for (int i = 0; i < PARENT_LOCATORS; i++) {
        locators.add(Locator.read(b, PARENT_LOCATORS_AT + LOCATOR_BYTES * i));
      }
      return new DynamicHeader(
          U64.of(Bytes.u64be(b, 8)),
          U64.of(Bytes.u64be(b, 16)),
          Bytes.u32beUnsigned(b, 24),
          Bytes.u32beUnsigned(b, 28),
          Bytes.u32beUnsigned(b, 32),
          Bytes.u32beUnsigned(b, 36),
          HexFormat.of().formatHex(b, 40, 56),
          Bytes.u32beUnsigned(b, 56),
          // 60: reserved.
          utf16(b, PARENT_NAME_AT, PARENT_NAME_BYTES, false),
          List.copyOf(locators));
    }
  }
}
