package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Virtual PC / Hyper-V VHD, QEMU's {@code vpc} (FORMATS.md section 8). All big-endian. A 512-byte
 * footer ({@code conectix}) ends every VHD; dynamic and differencing disks keep a copy at 0, fixed
 * disks have it only at the end.
 *
 * <p>Two instances: {@link #atHead()} names a VHD by its footer copy at 0 and reads its dynamic
 * header; {@link #fixedAtTail()} names a fixed VHD by the footer at EOF - 512. QEMU's probe only
 * looks at 0 and so calls a fixed VHD raw, with the footer counted in its size; this audit names it
 * vpc and sizes it as {@code qemu-img info -f vpc} does. The tail instance scores below every
 * detector that looks at the head ({@link #probeScore}), so a real header at 0 always wins over a
 * footer at the end.
 *
 * <p>The size follows QEMU (block/vpc.c, since 10.0): CHS x 512 when the creator application is
 * {@code vpc } or {@code qemu}, unless the geometry is the 65535 x 16 x 255 maximum; otherwise the
 * footer's current size, rounded down to whole sectors. QEMU 7.2 used the CHS size for every creator
 * except {@code win }, {@code qem2}, {@code d2v }, {@code CTXS} and {@code tap\0}; the two differ only
 * for other creators (Azure writes {@code wa\0\0}), where the newer rule is the right one.
 */
final class VpcDetector implements FormatDetector {

  /** Bytes of the footer, and of its copy at 0. */
  static final int FOOTER = 512;

  /**
   * Bytes of the dynamic disk header read at the footer's data offset: the whole 1024-byte header,
   * which holds the block table's place, the parent's name and the eight parent locators.
   */
  static final int DYNAMIC_HEADER = 1024;

  private static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DYNAMIC_COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
  private static final int TYPE_FIXED = 2;
  private static final int TYPE_DYNAMIC = 3;
  private static final int TYPE_DIFFERENCING = 4;

  /** QEMU refuses disks of more sectors than this (about 2040 GiB), the VHD format's limit. */
  private static final long MAX_SECTORS = 65535L * 255 * 255;

  private static final int PARENT_LOCATORS = 8;
  private static final int PARENT_LOCATOR_AT = 576;
  private static final int PARENT_NAME_AT = 64;
  private static final int PARENT_NAME_BYTES = 512;

  private final boolean atTail;

  private VpcDetector(boolean atTail) {
    this.atTail = atTail;
  }

  /** Returns the detector of VHDs with a footer copy at 0 (dynamic and differencing disks). */
  static VpcDetector atHead() {
    return new VpcDetector(false);
  }

  /** Returns the detector of VHDs whose only footer is at the end (fixed disks). */
  static VpcDetector fixedAtTail() {
    return new VpcDetector(true);
  }

  /** The head, and the tail: the footer of a fixed disk, checked against the copy at 0 of a dynamic one. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  /**
   * The footer copy at 0 ({@code conectix}) scores {@link #SCORE_MAGIC_AT_ZERO}; the footer at the end
   * alone, after what may be any other format's bytes, {@link #SCORE_FOOTER_ONLY}: a header at 0 wins.
   */
  @Override
  public int probeScore() {
    return atTail ? SCORE_FOOTER_ONLY : SCORE_MAGIC_AT_ZERO;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    if (!atTail) {
      if (!Bytes.startsWith(head, 0, COOKIE)) {
        return Optional.empty();
      }
      if (head.length < FOOTER) {
        Findings f = new Findings();
        f.truncated("footer");
        return Optional.of(f.toDetection(ImageFormat.VPC, null));
      }
      return Optional.of(read(probe, Arrays.copyOf(head, FOOTER), false));
    }
    if (probe.size() < FOOTER) {
      return Optional.empty();
    }
    byte[] tail = probe.tail();
    if (tail.length < FOOTER || !Bytes.startsWith(tail, tail.length - FOOTER, COOKIE)) {
      return Optional.empty();
    }
    return Optional.of(read(probe, Arrays.copyOfRange(tail, tail.length - FOOTER, tail.length), true));
  }

  private Detection read(Probe probe, byte[] footer, boolean fromTail) throws IOException {
    Findings f = new Findings();
    int type = Bytes.u32be(footer, 60);
    String creatorApp = fourCc(footer, 28);
    int cylinders = Bytes.u16be(footer, 56);
    int heads = Bytes.u8(footer, 58);
    int sectorsPerTrack = Bytes.u8(footer, 59);
    long currentSize = Bytes.u64be(footer, 48);
    f.putIfPresent("diskType", typeName(type));
    f.putIfPresent("creatorApp", creatorApp);
    f.putIfPresent("creatorVersion", Bytes.u16be(footer, 32) + "." + Bytes.u16be(footer, 34));
    f.putIfPresent("creatorOs", fourCc(footer, 36));
    f.putIfPresent("cylinders", cylinders);
    f.putIfPresent("heads", heads);
    f.putIfPresent("sectorsPerTrack", sectorsPerTrack);
    f.putIfPresent("currentSize", U64.of(currentSize));
    f.putIfPresent("originalSize", U64.of(Bytes.u64be(footer, 40)));
    if (fromTail) {
      f.putIfPresent("footerOnlyAtEnd", true);
    }

    long chsSectors = (long) cylinders * heads * sectorsPerTrack;
    boolean maxGeometry = cylinders == 65535 && heads == 16 && sectorsPerTrack == 255;
    boolean useChs = (creatorApp.equals("vpc ") || creatorApp.equals("qemu")) && !maxGeometry;
    long sectors = useChs ? chsSectors : currentSize >>> 9;
    f.putIfPresent("sizeFrom", useChs ? "chs" : "currentSize");
    U64 virtualSize = U64.of(sectors << 9);

    if (checksum(footer) != Bytes.u32be(footer, 64)) {
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
    if (!fromTail && (type == TYPE_DYNAMIC || type == TYPE_DIFFERENCING)) {
      dynamic(probe, footer, type, sectors, f);
    }
    return f.toDetection(ImageFormat.VPC, virtualSize);
  }

  private static void dynamic(Probe probe, byte[] footer, int type, long sectors, Findings f)
      throws IOException {
    long size = probe.size();
    long dataOffset = Bytes.u64be(footer, 16);
    // The header sits after the footer copy; an offset that wraps past 2^64 is no offset at all.
    if (Long.compareUnsigned(dataOffset, FOOTER) < 0 || Long.compareUnsigned(dataOffset, -1L - DYNAMIC_HEADER) > 0) {
      f.invalid("dataOffset");
      return;
    }
    if (ProbeBytes.passesEnd(dataOffset, DYNAMIC_HEADER, size)) {
      f.truncated("dynamicHeader");
      return;
    }
    byte[] header = ProbeBytes.readExactly(probe, dataOffset, DYNAMIC_HEADER);
    if (header == null) {
      f.truncated("dynamicHeader");
      return;
    }
    if (!Bytes.startsWith(header, 0, DYNAMIC_COOKIE)) {
      f.invalid("dynamicHeaderCookie");
      return;
    }
    long tableOffset = Bytes.u64be(header, 16);
    long maxTableEntries = Bytes.u32beUnsigned(header, 28);
    long blockSize = Bytes.u32beUnsigned(header, 32);
    f.putIfPresent("blockSize", blockSize);
    f.putIfPresent("maxTableEntries", maxTableEntries);

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
    if (ProbeBytes.passesEnd(tableOffset, maxTableEntries * 4, size)) {
      f.truncated("blockAllocationTable");
    }
    byte[] tail = probe.tail();
    if (tail.length < FOOTER || !Bytes.startsWith(tail, tail.length - FOOTER, COOKIE)) {
      f.truncated("footer");
    }
    if (type == TYPE_DIFFERENCING) {
      f.flag(Flag.DIFFERENCING_DISK);
      parent(probe, header, f);
    }
  }

  /** Reports a differencing disk's parent: its name, UUID and locators, with their paths when short. */
  private static void parent(Probe probe, byte[] header, Findings f) throws IOException {
    String name = utf16(header, PARENT_NAME_AT, PARENT_NAME_BYTES, false);
    if (!name.isEmpty()) {
      f.putIfPresent("parentName", name);
    }
    byte[] uuid = Arrays.copyOfRange(header, 40, 56);
    if (!Arrays.equals(uuid, new byte[16])) {
      f.putIfPresent("parentUuid", HexFormat.of().formatHex(uuid));
    }
    long size = probe.size();
    List<Map<String, Object>> locators = new ArrayList<>();
    for (int i = 0; i < PARENT_LOCATORS; i++) {
      int at = PARENT_LOCATOR_AT + 24 * i;
      int code = Bytes.u32be(header, at);
      if (code == 0) {
        continue;
      }
      String platform = fourCc(header, at);
      long length = Bytes.u32beUnsigned(header, at + 8);
      long offset = Bytes.u64be(header, at + 16);
      Map<String, Object> locator = new LinkedHashMap<>();
      locator.put("platform", platform);
      locator.put("dataLength", length);
      locator.put("dataOffset", U64.of(offset));
      if (length > 0 && length <= Caps.VPC_PARENT_LOCATOR && !ProbeBytes.passesEnd(offset, length, size)) {
        byte[] data = ProbeBytes.read(probe, offset, (int) length);
        switch (platform) {
          case "W2ru", "W2ku" -> locator.put("path", utf16(data, 0, data.length, true));
          case "MacX" -> locator.put("path", new String(data, StandardCharsets.UTF_8));
          default -> {
            // Wi2r/Wi2k hold deprecated binary links, Mac holds an alias record: nothing to print.
          }
        }
      }
      locators.add(locator);
    }
    if (!locators.isEmpty()) {
      f.putIfPresent("parentLocators", locators);
    }
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

  private static String typeName(int type) {
    return switch (type) {
      case TYPE_FIXED -> "fixed";
      case TYPE_DYNAMIC -> "dynamic";
      case TYPE_DIFFERENCING -> "differencing";
      default -> "unknown(" + Integer.toUnsignedString(type) + ")";
    };
  }

  /** Returns four bytes as text, bytes outside printable ASCII written as {@code \xNN}. */
  private static String fourCc(byte[] b, int at) {
    StringBuilder s = new StringBuilder();
    for (int i = at; i < at + 4; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
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
}
