package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VhdxDetails;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Hyper-V VHDX (FORMATS.md section 8; QEMU block/vhdx.c). All little-endian. {@code vhdxfile} at 0;
 * two headers at 64 KiB and 128 KiB; the region table at 192 KiB (copy at 256 KiB) points to the
 * metadata region, whose table lists the items read here: file parameters (block size, has-parent),
 * virtual disk size, logical and physical sector size, and a differencing disk's parent locator,
 * whose paths are reported, never opened. The virtual size is QEMU's: the virtual disk size in
 * whole 512-byte sectors.
 */
final class VhdxDetector extends MagicDetector {

  /**
   * Bytes of one region table read: the table's whole 64 KiB, over which its CRC-32C runs. The copy
   * at 256 KiB is read only when the first table fails, so at most 128 KiB in all.
   */
  static final int REGION_TABLE = 64 * 1024;

  /**
   * Bytes of one header read: its 4 KiB, over which its CRC-32C runs; two headers, 8 KiB in all.
   */
  static final int HEADER = 4 * 1024;

  private static final byte[] SIGNATURE = "vhdxfile".getBytes(StandardCharsets.US_ASCII);
  /** The file identifier's creator (UTF-16LE, 512 bytes) follows its signature. */
  private static final int CREATOR_AT = SIGNATURE.length;
  private static final int CREATOR_BYTES = 512;
  private static final long[] HEADER_OFFSETS = {64 * 1024, 128 * 1024};
  private static final long[] REGION_TABLE_OFFSETS = {192 * 1024, 256 * 1024};
  private static final long HEADER_SIGNATURE = 0x64616568; // "head"
  private static final long REGION_SIGNATURE = 0x69676572; // "regi"
  private static final byte[] METADATA_SIGNATURE = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_REGION_ENTRIES = 2047;
  private static final String NO_LOG = "00000000-0000-0000-0000-000000000000";

  private static final String BAT_REGION = "2DC27766-F623-4200-9D64-115E9BFD4A08";
  private static final String METADATA_REGION = "8B7CA206-4790-4B9A-B8FE-575F050F886E";
  private static final String FILE_PARAMETERS = "CAA16737-FA36-4D43-B3B6-33F0AA44E76B";
  private static final String VIRTUAL_DISK_SIZE = "2FA54224-CD1B-4876-B211-5DBED83BF4B8";
  private static final String PAGE_83 = "BECA12AB-B2E6-4523-93EF-C309E000C746";
  private static final String LOGICAL_SECTOR_SIZE = "8141BF1D-A96F-4709-BA47-F233A8FAAB5F";
  private static final String PHYSICAL_SECTOR_SIZE = "CDA348C7-445D-4471-9CC9-E9885251C556";
  private static final String PARENT_LOCATOR = "A8D35F2D-B30B-454D-ABF7-D3D84834AB0C";

  private static final long MIN_BLOCK_SIZE = 1 << 20;
  private static final long MAX_BLOCK_SIZE = 256 << 20;
  private static final long SECTORS_PER_CHUNK = 1L << 23;

  /**
   * One of the two VHDX headers (at 64 KiB and 128 KiB), named as QEMU's {@code VHDXHeader}: all
   * little-endian, GUIDs in their text form.
   *
   * @param signature {@code "head"} (u32)
   * @param checksumMatches true if the CRC-32C of the 4 KiB, its checksum field read as zero, is
   *     that field
   * @param sequenceNumber which header is current: the valid one with the larger (u64, unsigned)
   * @param fileWriteGuid changed on the file's first write after each open
   * @param dataWriteGuid changed on the disk's first write after each open
   * @param logGuid the log to replay, all zeros when there is none
   * @param logVersion the log format's version (u16, 0)
   * @param version the header format's version (u16, 1)
   * @param logLength the log's length in bytes (u32)
   * @param logOffset where the log starts, in bytes (u64)
   */
  record Header(
      long signature,
      boolean checksumMatches,
      long sequenceNumber,
      String fileWriteGuid,
      String dataWriteGuid,
      String logGuid,
      int logVersion,
      int version,
      long logLength,
      long logOffset) {

    /** Reads the header in {@code b}, one whole 4 KiB header. */
    static Header read(byte[] b) {
      return new Header(
          Bytes.u32leUnsigned(b, 0),
          crcMatches(b, 4),
          Bytes.u64le(b, 8),
          guidString(b, 16),
          guidString(b, 32),
          guidString(b, 48),
          Bytes.u16le(b, 64),
          Bytes.u16le(b, 66),
          Bytes.u32leUnsigned(b, 68),
          Bytes.u64le(b, 72));
    }

    /** Returns true if QEMU takes this header as valid: its signature, checksum and version 1. */
    boolean valid() {
      return signature == HEADER_SIGNATURE && checksumMatches && version == 1;
    }
  }

  /**
   * A region table's header (at 192 KiB, copy at 256 KiB): all little-endian.
   *
   * @param signature {@code "regi"} (u32)
   * @param checksumMatches true if the CRC-32C of the 64 KiB table, its checksum field read as
   *     zero, is that field
   * @param entryCount how many region entries follow (u32)
   */
  private record RegionTableHeader(long signature, boolean checksumMatches, long entryCount) {
    /** The entries follow the 16-byte table header. */
    static final int ENTRIES_AT = 16;

    static RegionTableHeader read(byte[] table) {
      return new RegionTableHeader(Bytes.u32leUnsigned(table, 0), crcMatches(table, 4), Bytes.u32leUnsigned(table, 8));
    }
  }

  /**
   * One region table entry (32 bytes): where a region lies in the file.
   *
   * @param guid what the region is
   * @param fileOffset where it starts, in bytes (u64)
   * @param length its length in bytes (u32)
   * @param required true if a reader that does not know it must refuse the file
   */
  private record Region(String guid, long fileOffset, long length, boolean required) {
    static final int SIZE = 32;

    static Region read(byte[] table, int at) {
      return new Region(guidString(table, at), Bytes.u64le(table, at + 16), Bytes.u32leUnsigned(table, at + 24),
          (Bytes.u32le(table, at + 28) & 1) != 0);
    }
  }

  /**
   * The metadata table's header (32 bytes at the metadata region's start).
   *
   * @param signature true if it starts with {@code "metadata"}
   * @param entryCount how many 32-byte entries follow (u16)
   */
  private record MetadataTableHeader(boolean signature, int entryCount) {
    static final int SIZE = 32;

    static MetadataTableHeader read(byte[] b) {
      return new MetadataTableHeader(Bytes.startsWith(b, 0, METADATA_SIGNATURE), Bytes.u16le(b, 10));
    }
  }

  /**
   * One metadata table entry: an item's place relative to the metadata region.
   *
   * @param itemId what the item is
   * @param offset where it starts, in bytes from the region's start (u32)
   * @param length its length in bytes (u32)
   * @param required true if a reader that does not know it must refuse the file
   */
  private record Item(String itemId, long offset, long length, boolean required) {
    static final int SIZE = 32;

    static Item read(byte[] table, int at) {
      return new Item(guidString(table, at), Bytes.u32leUnsigned(table, at + 16), Bytes.u32leUnsigned(table, at + 20),
          (Bytes.u32le(table, at + 24) & 4) != 0);
    }
  }

  /**
   * The file parameters item.
   *
   * @param blockSize the payload block size in bytes (u32)
   * @param leaveBlocksAllocated the LeaveBlocksAllocated bit (a fixed disk)
   * @param hasParent the HasParent bit (a differencing disk)
   */
  private record FileParameters(long blockSize, boolean leaveBlocksAllocated, boolean hasParent) {
    static final int SIZE = 8;

    static FileParameters read(byte[] b) {
      int bits = Bytes.u32le(b, 4);
      return new FileParameters(Bytes.u32leUnsigned(b, 0), (bits & 1) != 0, (bits & 2) != 0);
    }
  }

  VhdxDetector() {
    super(SIGNATURE);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    return new Reading(probe, found).read(head);
  }

  /** One image's reading: its findings, and its details in report order as they are found. */
  private static final class Reading {
    private final Probe probe;
    private final Findings f;
    private String creator;
    private U64 sequenceNumber;
    private String logGuid;
    private Boolean regionTableCopyUsed;
    private String unknownRequiredRegion;
    private String unknownRequiredMetadata;
    private Long blockSize;
    private Boolean leaveBlocksAllocated;
    private Boolean hasParent;
    private Long logicalSectorSize;
    private Long physicalSectorSize;
    private U64 virtualDiskSize;
    private VhdxDetails.ParentLocator parentLocator;

    Reading(Probe probe, Findings f) {
      this.probe = probe;
      this.f = f;
    }

    /** Returns the detection sized {@code virtualSize} (null: unknown) with the details found so far. */
    private Detection done(U64 virtualSize) {
      return f.toDetection(ImageFormat.VHDX, virtualSize, new VhdxDetails(creator, sequenceNumber, logGuid,
          regionTableCopyUsed, unknownRequiredRegion, unknownRequiredMetadata, blockSize, leaveBlocksAllocated,
          hasParent, logicalSectorSize, physicalSectorSize, virtualDiskSize, parentLocator));
    }

    Detection read(byte[] head) throws IOException {
      String name = utf16le(head, CREATOR_AT, Math.min(CREATOR_BYTES, head.length - CREATOR_AT));
      if (!name.isEmpty()) {
        creator = name;
      }
      headers();
      byte[] table = regionTable();
      if (table == null) {
        return done(null);
      }
      long entries = RegionTableHeader.read(table).entryCount();
      if (entries > MAX_REGION_ENTRIES) {
        f.invalid("regionEntryCount");
        return done(null);
      }
      Region metadata = null;
      Region bat = null;
      for (int i = 0; i < entries; i++) {
        Region region = Region.read(table, RegionTableHeader.ENTRIES_AT + Region.SIZE * i);
        if (region.guid().equals(METADATA_REGION)) {
          if (metadata != null) {
            f.invalid("metadataRegionDuplicate");
          }
          metadata = region;
        } else if (region.guid().equals(BAT_REGION)) {
          if (bat != null) {
            f.invalid("batRegionDuplicate");
          }
          bat = region;
        } else if (region.required()) {
          // A reader must refuse a file with a required region it does not know (QEMU does).
          f.flag(Flag.UNKNOWN_FEATURES);
          unknownRequiredRegion = region.guid();
        }
      }
      if (bat == null) {
        f.invalid("batRegionMissing");
      } else if (ProbeBytes.passesEnd(bat.fileOffset(), bat.length(), probe.size())) {
        f.truncated("batRegion");
      }
      if (metadata == null) {
        f.invalid("metadataRegionMissing");
        return done(null);
      }
      return metadata(metadata, bat);
    }

    /** Validates the two headers as QEMU does: at least one must have its signature and checksum. */
    private void headers() throws IOException {
      long size = probe.size();
      boolean cut = false;
      Header best = null;
      for (long offset : HEADER_OFFSETS) {
        if (ProbeBytes.passesEnd(offset, HEADER, size)) {
          cut = true;
          continue;
        }
        byte[] bytes = ProbeBytes.readExactly(probe, offset, HEADER);
        if (bytes == null) {
          cut = true;
          continue;
        }
        Header header = Header.read(bytes);
        if (header.valid()
            && (best == null || Long.compareUnsigned(header.sequenceNumber(), best.sequenceNumber()) > 0)) {
          best = header;
        }
      }
      if (best == null) {
        if (cut) {
          f.truncated("header");
        } else {
          f.invalid("header");
        }
        return;
      }
      sequenceNumber = U64.of(best.sequenceNumber());
      // A log GUID in the current header means a log QEMU would replay (or refuse to open read-only).
      if (!best.logGuid().equals(NO_LOG)) {
        logGuid = best.logGuid();
      }
    }

    /**
     * Returns the first region table that passes its signature and checksum, trying the copy when the
     * first fails (the failure is still reported: QEMU reads only the first); null if neither does.
     */
    private byte[] regionTable() throws IOException {
      long size = probe.size();
      for (int copy = 0; copy < REGION_TABLE_OFFSETS.length; copy++) {
        long offset = REGION_TABLE_OFFSETS[copy];
        if (ProbeBytes.passesEnd(offset, REGION_TABLE, size)) {
          f.truncated("regionTable");
          return null;
        }
        byte[] table = ProbeBytes.readExactly(probe, offset, REGION_TABLE);
        if (table == null) {
          f.truncated("regionTable");
          return null;
        }
        RegionTableHeader header = RegionTableHeader.read(table);
        if (header.signature() != REGION_SIGNATURE) {
          f.invalid("regionTableSignature");
        } else if (!header.checksumMatches()) {
          f.invalid("regionTableChecksum");
        } else {
          if (copy > 0) {
            regionTableCopyUsed = true;
          }
          return table;
        }
      }
      return null;
    }

    private Detection metadata(Region region, Region bat) throws IOException {
      long size = probe.size();
      if (ProbeBytes.passesEnd(region.fileOffset(), MetadataTableHeader.SIZE, size)) {
        f.truncated("metadataTable");
        return done(null);
      }
      byte[] tableHeader = ProbeBytes.readExactly(probe, region.fileOffset(), MetadataTableHeader.SIZE);
      if (tableHeader == null) {
        f.truncated("metadataTable");
        return done(null);
      }
      MetadataTableHeader header = MetadataTableHeader.read(tableHeader);
      if (!header.signature()) {
        f.invalid("metadataSignature");
        return done(null);
      }
      int count = header.entryCount();
      int tableBytes = MetadataTableHeader.SIZE + Item.SIZE * count;
      if (tableBytes > Caps.VHDX_METADATA_TABLE || tableBytes > region.length()) {
        f.invalid("metadataEntryCount");
        return done(null);
      }
      if (ProbeBytes.passesEnd(region.fileOffset(), tableBytes, size)) {
        f.truncated("metadataTable");
        return done(null);
      }
      byte[] table = ProbeBytes.readExactly(probe, region.fileOffset() + MetadataTableHeader.SIZE,
          tableBytes - MetadataTableHeader.SIZE);
      if (table == null) {
        f.truncated("metadataTable");
        return done(null);
      }
      int budget = Caps.VHDX_METADATA - tableBytes;

      Map<String, Item> items = new HashMap<>();
      for (int i = 0; i < count; i++) {
        Item item = Item.read(table, Item.SIZE * i);
        String name = itemName(item.itemId());
        if (name == null) {
          if (item.required()) {
            f.flag(Flag.UNKNOWN_FEATURES);
            unknownRequiredMetadata = item.itemId();
          }
        } else if (items.putIfAbsent(name, item) != null) {
          f.invalid("metadataItemDuplicate");
        }
      }
      for (String required : new String[] {"fileParameters", "virtualDiskSize", "page83", "logicalSectorSize", "physicalSectorSize"}) {
        if (!items.containsKey(required)) {
          f.invalid(required + "Missing");
        }
      }

      byte[] parameters = item(region, items.get("fileParameters"), FileParameters.SIZE);
      byte[] diskSize = item(region, items.get("virtualDiskSize"), 8);
      byte[] logical = item(region, items.get("logicalSectorSize"), 4);
      byte[] physical = item(region, items.get("physicalSectorSize"), 4);
      budget -= 24;

      long checkedBlockSize = -1;
      boolean parent = false;
      if (parameters != null) {
        FileParameters p = FileParameters.read(parameters);
        checkedBlockSize = p.blockSize();
        parent = p.hasParent();
        blockSize = p.blockSize();
        leaveBlocksAllocated = p.leaveBlocksAllocated();
        hasParent = p.hasParent();
        if (checkedBlockSize < MIN_BLOCK_SIZE || checkedBlockSize > MAX_BLOCK_SIZE || Long.bitCount(checkedBlockSize) != 1) {
          f.invalid("blockSize");
          checkedBlockSize = -1;
        }
      }
      long sectorSize = -1;
      if (logical != null) {
        sectorSize = Bytes.u32leUnsigned(logical, 0);
        logicalSectorSize = sectorSize;
        if (sectorSize != 512 && sectorSize != 4096) {
          f.invalid("logicalSectorSize");
          sectorSize = -1;
        }
      }
      if (physical != null) {
        physicalSectorSize = Bytes.u32leUnsigned(physical, 0);
      }
      U64 virtualSize = null;
      if (diskSize != null) {
        long bytes = Bytes.u64le(diskSize, 0);
        virtualDiskSize = U64.of(bytes);
        // QEMU counts whole 512-byte sectors.
        virtualSize = U64.of(bytes & ~511L);
        if (sectorSize > 0 && Long.remainderUnsigned(bytes, sectorSize) != 0) {
          f.invalid("virtualDiskSize");
        }
        if (bat != null && checkedBlockSize > 0 && sectorSize > 0
            && batTooSmall(bytes, checkedBlockSize, sectorSize, parent, bat)) {
          f.invalid("batTooSmall");
        }
      }
      if (parent) {
        f.flag(Flag.DIFFERENCING_DISK);
        Item locator = items.get("parentLocator");
        if (locator == null) {
          f.invalid("parentLocatorMissing");
        } else if (locator.length() > budget) {
          f.invalid("parentLocatorSize");
        } else {
          byte[] data = item(region, locator, (int) locator.length());
          if (data != null) {
            parentLocator = parentLocator(data, f);
          }
        }
      }
      return done(virtualSize);
    }

    /**
     * Returns the first {@code want} bytes of an item, or null (with the finding) if it is absent, too
     * short, outside its region or the cap, or past the end of the file.
     */
    private byte[] item(Region region, Item item, int want) throws IOException {
      if (item == null) {
        return null;
      }
      long end = item.offset() + item.length(); // two u32: no overflow
      if (item.length() < want) {
        f.invalid("metadataItemLength");
        return null;
      }
      if (end > region.length()) {
        f.invalid("metadataItemOutsideRegion");
        return null;
      }
      if (item.offset() + want > Caps.VHDX_METADATA) {
        f.invalid("metadataItemPastCap");
        return null;
      }
      if (ProbeBytes.passesEnd(region.fileOffset(), item.offset() + want, probe.size())) {
        f.truncated("metadataItem");
        return null;
      }
      byte[] bytes = ProbeBytes.readExactly(probe, region.fileOffset() + item.offset(), want);
      if (bytes == null) {
        f.truncated("metadataItem");
      }
      return bytes;
    }
  }

  /**
   * Returns true if the BAT region cannot hold the entries the disk needs: QEMU's count, one entry a
   * payload block and, per chunk, one for its sector bitmap (every chunk's for a differencing disk).
   */
  private static boolean batTooSmall(long diskSize, long blockSize, long sectorSize, boolean hasParent, Region bat) {
    BigInteger size = new U64(diskSize).toBigInteger();
    BigInteger block = BigInteger.valueOf(blockSize);
    BigInteger chunkRatio = BigInteger.valueOf(SECTORS_PER_CHUNK * sectorSize / blockSize);
    BigInteger dataBlocks = ceilDiv(size, block);
    BigInteger entries;
    if (hasParent) {
      entries = ceilDiv(dataBlocks, chunkRatio).multiply(chunkRatio.add(BigInteger.ONE));
    } else {
      entries = dataBlocks.signum() == 0
          ? BigInteger.ZERO
          : dataBlocks.add(dataBlocks.subtract(BigInteger.ONE).divide(chunkRatio));
    }
    return entries.compareTo(BigInteger.valueOf(bat.length() / 8)) > 0;
  }

  private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }

  /**
   * A parent locator item's header.
   *
   * @param locatorType what the entries mean
   * @param keyValueCount how many 12-byte entries follow (u16)
   */
  private record LocatorHeader(String locatorType, int keyValueCount) {
    static final int SIZE = 20;

    static LocatorHeader read(byte[] b) {
      return new LocatorHeader(guidString(b, 0), Bytes.u16le(b, 18));
    }
  }

  /**
   * One parent locator entry: where its UTF-16LE key and value lie in the item.
   *
   * @param keyOffset the key's offset in bytes from the item's start (u32)
   * @param valueOffset the value's offset in bytes (u32)
   * @param keyLength the key's length in bytes (u16)
   * @param valueLength the value's length in bytes (u16)
   */
  private record LocatorEntry(long keyOffset, long valueOffset, int keyLength, int valueLength) {
    static final int SIZE = 12;

    static LocatorEntry read(byte[] b, int at) {
      return new LocatorEntry(Bytes.u32leUnsigned(b, at), Bytes.u32leUnsigned(b, at + 4), Bytes.u16le(b, at + 8),
          Bytes.u16le(b, at + 10));
    }
  }

  /**
   * Returns the parent locator's type and key/value entries (UTF-16LE), checking every range, or
   * null (with the finding) if its header does not fit. The first {@link Caps#VHDX_LOCATOR_ENTRIES}
   * distinct keys are kept, each cut to {@link Caps#VHDX_LOCATOR_KEY} characters; a key given twice
   * keeps its first value. An entry out of range ends the list (the ones before it are kept).
   */
  private static VhdxDetails.ParentLocator parentLocator(byte[] data, Findings f) {
    if (data.length < LocatorHeader.SIZE) {
      f.invalid("parentLocator");
      return null;
    }
    LocatorHeader header = LocatorHeader.read(data);
    int count = header.keyValueCount();
    if (LocatorHeader.SIZE + (long) LocatorEntry.SIZE * count > data.length) {
      f.invalid("parentLocator");
      return null;
    }
    Map<String, String> entries = new LinkedHashMap<>();
    int dropped = 0;
    for (int i = 0; i < count; i++) {
      LocatorEntry entry = LocatorEntry.read(data, LocatorHeader.SIZE + LocatorEntry.SIZE * i);
      if (entry.keyOffset() + entry.keyLength() > data.length || entry.valueOffset() + entry.valueLength() > data.length) {
        f.invalid("parentLocator");
        break;
      }
      if (entries.size() == Caps.VHDX_LOCATOR_ENTRIES) {
        dropped++;
        continue;
      }
      // Decode no more than the caps keep: a key to its cap, a value one character past the text cap.
      String key = new String(data, (int) entry.keyOffset(), Math.min(entry.keyLength(), 2 * Caps.VHDX_LOCATOR_KEY),
          StandardCharsets.UTF_16LE);
      String value = new String(data, (int) entry.valueOffset(), Math.min(entry.valueLength(), 2 * (Caps.TEXT + 1)),
          StandardCharsets.UTF_16LE);
      entries.putIfAbsent(key, value);
    }
    if (dropped > 0) {
      CappedList.noteCut(f.notes(), "parentLocatorEntries", entries.size() + dropped);
    }
    return new VhdxDetails.ParentLocator(header.locatorType(), entries);
  }

  private static String itemName(String itemId) {
    return switch (itemId) {
      case FILE_PARAMETERS -> "fileParameters";
      case VIRTUAL_DISK_SIZE -> "virtualDiskSize";
      case PAGE_83 -> "page83";
      case LOGICAL_SECTOR_SIZE -> "logicalSectorSize";
      case PHYSICAL_SECTOR_SIZE -> "physicalSectorSize";
      case PARENT_LOCATOR -> "parentLocator";
      default -> null;
    };
  }

  /** Returns true if the CRC-32C of {@code block}, its checksum field read as zero, is that field. */
  static boolean crcMatches(byte[] block, int checksumAt) {
    int stored = Bytes.u32le(block, checksumAt);
    byte[] copy = block.clone();
    Arrays.fill(copy, checksumAt, checksumAt + 4, (byte) 0);
    CRC32C crc = new CRC32C();
    crc.update(copy);
    return (int) crc.getValue() == stored;
  }

  /** Returns the 16 on-disk bytes of a GUID: the first three fields little-endian, the rest as written. */
  static byte[] guid(String text) {
    String hex = text.replace("-", "");
    byte[] b = HexFormat.of().parseHex(hex);
    return new byte[] {
      b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
    };
  }

  /** Returns the GUID at {@code at} in its usual text form, upper case. */
  static String guidString(byte[] b, int at) {
    byte[] g = Arrays.copyOfRange(b, at, at + 16);
    byte[] ordered = {g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]};
    String hex = HexFormat.of().formatHex(ordered).toUpperCase(Locale.ROOT);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
        + hex.substring(16, 20) + "-" + hex.substring(20);
  }

  private static String utf16le(byte[] b, int at, int length) {
    if (length <= 0) {
      return "";
    }
    int end = at;
    while (end + 1 < at + length && (b[end] != 0 || b[end + 1] != 0)) {
      end += 2;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_16LE);
  }
}
