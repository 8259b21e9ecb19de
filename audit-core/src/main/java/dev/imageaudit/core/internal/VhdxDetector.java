package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
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
  private static final long[] HEADER_OFFSETS = {64 * 1024, 128 * 1024};
  private static final long[] REGION_TABLE_OFFSETS = {192 * 1024, 256 * 1024};
  private static final int HEADER_SIGNATURE = 0x64616568; // "head"
  private static final int REGION_SIGNATURE = 0x69676572; // "regi"
  private static final byte[] METADATA_SIGNATURE = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_REGION_ENTRIES = 2047;

  private static final byte[] BAT_REGION = guid("2DC27766-F623-4200-9D64-115E9BFD4A08");
  private static final byte[] METADATA_REGION = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  private static final byte[] FILE_PARAMETERS = guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  private static final byte[] VIRTUAL_DISK_SIZE = guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  private static final byte[] PAGE_83 = guid("BECA12AB-B2E6-4523-93EF-C309E000C746");
  private static final byte[] LOGICAL_SECTOR_SIZE = guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  private static final byte[] PHYSICAL_SECTOR_SIZE = guid("CDA348C7-445D-4471-9CC9-E9885251C556");
  private static final byte[] PARENT_LOCATOR = guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

  private static final long MIN_BLOCK_SIZE = 1 << 20;
  private static final long MAX_BLOCK_SIZE = 256 << 20;
  private static final long SECTORS_PER_CHUNK = 1L << 23;

  /** Where a region lies in the file. */
  private record Region(long offset, long length) {}

  /** One metadata table entry: its item's place relative to the region. */
  private record Item(long offset, long length) {}

  VhdxDetector() {
    super(SIGNATURE);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings f) throws IOException {
    String creator = utf16le(head, 8, Math.min(512, head.length - 8));
    if (!creator.isEmpty()) {
      f.putIfPresent("creator", creator);
    }
    headers(probe, f);
    byte[] table = regionTable(probe, f);
    if (table == null) {
      return f.toDetection(ImageFormat.VHDX, null);
    }
    long entries = Bytes.u32leUnsigned(table, 8);
    if (entries > MAX_REGION_ENTRIES) {
      f.invalid("regionEntryCount");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    Region metadata = null;
    Region bat = null;
    for (int i = 0; i < entries; i++) {
      int at = 16 + 32 * i;
      Region region = new Region(Bytes.u64le(table, at + 16), Bytes.u32leUnsigned(table, at + 24));
      boolean required = (Bytes.u32le(table, at + 28) & 1) != 0;
      if (Bytes.startsWith(table, at, METADATA_REGION)) {
        if (metadata != null) {
          f.invalid("metadataRegionDuplicate");
        }
        metadata = region;
      } else if (Bytes.startsWith(table, at, BAT_REGION)) {
        if (bat != null) {
          f.invalid("batRegionDuplicate");
        }
        bat = region;
      } else if (required) {
        // A reader must refuse a file with a required region it does not know (QEMU does).
        f.flag(Flag.UNKNOWN_FEATURES);
        f.putIfPresent("unknownRequiredRegion", guidString(table, at));
      }
    }
    if (bat == null) {
      f.invalid("batRegionMissing");
    } else if (ProbeBytes.passesEnd(bat.offset(), bat.length(), probe.size())) {
      f.truncated("batRegion");
    }
    if (metadata == null) {
      f.invalid("metadataRegionMissing");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    return metadata(probe, metadata, bat, f);
  }

  /** Validates the two headers as QEMU does: at least one must have its signature and checksum. */
  private static void headers(Probe probe, Findings f) throws IOException {
    long size = probe.size();
    boolean valid = false;
    boolean cut = false;
    long bestSequence = 0;
    byte[] best = null;
    for (long offset : HEADER_OFFSETS) {
      if (ProbeBytes.passesEnd(offset, HEADER, size)) {
        cut = true;
        continue;
      }
      byte[] header = ProbeBytes.readExactly(probe, offset, HEADER);
      if (header == null) {
        cut = true;
      } else if (Bytes.u32le(header, 0) == HEADER_SIGNATURE && crcMatches(header, 4) && Bytes.u16le(header, 66) == 1) {
        long sequence = Bytes.u64le(header, 8);
        if (best == null || Long.compareUnsigned(sequence, bestSequence) > 0) {
          best = header;
          bestSequence = sequence;
        }
        valid = true;
      }
    }
    if (!valid) {
      if (cut) {
        f.truncated("header");
      } else {
        f.invalid("header");
      }
      return;
    }
    f.putIfPresent("sequenceNumber", U64.of(bestSequence));
    // A log GUID in the current header means a log QEMU would replay (or refuse to open read-only).
    if (!Arrays.equals(Arrays.copyOfRange(best, 48, 64), new byte[16])) {
      f.putIfPresent("logGuid", guidString(best, 48));
    }
  }

  /**
   * Returns the first region table that passes its signature and checksum, trying the copy when the
   * first fails (the failure is still reported: QEMU reads only the first); null if neither does.
   */
  private static byte[] regionTable(Probe probe, Findings f) throws IOException {
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
      if (Bytes.u32le(table, 0) != REGION_SIGNATURE) {
        f.invalid("regionTableSignature");
      } else if (!crcMatches(table, 4)) {
        f.invalid("regionTableChecksum");
      } else {
        if (copy > 0) {
          f.putIfPresent("regionTableCopyUsed", true);
        }
        return table;
      }
    }
    return null;
  }

  private static Detection metadata(Probe probe, Region region, Region bat, Findings f) throws IOException {
    long size = probe.size();
    if (ProbeBytes.passesEnd(region.offset(), 32, size)) {
      f.truncated("metadataTable");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    byte[] tableHeader = ProbeBytes.readExactly(probe, region.offset(), 32);
    if (tableHeader == null) {
      f.truncated("metadataTable");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    if (!Bytes.startsWith(tableHeader, 0, METADATA_SIGNATURE)) {
      f.invalid("metadataSignature");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    int count = Bytes.u16le(tableHeader, 10);
    int tableBytes = 32 + 32 * count;
    if (tableBytes > Caps.VHDX_METADATA_TABLE || tableBytes > region.length()) {
      f.invalid("metadataEntryCount");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    if (ProbeBytes.passesEnd(region.offset(), tableBytes, size)) {
      f.truncated("metadataTable");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    byte[] table = ProbeBytes.readExactly(probe, region.offset() + 32, tableBytes - 32);
    if (table == null) {
      f.truncated("metadataTable");
      return f.toDetection(ImageFormat.VHDX, null);
    }
    int budget = Caps.VHDX_METADATA - tableBytes;

    Map<String, Item> items = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int at = 32 * i;
      Item item = new Item(Bytes.u32leUnsigned(table, at + 16), Bytes.u32leUnsigned(table, at + 20));
      String name = itemName(table, at);
      if (name == null) {
        if ((Bytes.u32le(table, at + 24) & 4) != 0) {
          f.flag(Flag.UNKNOWN_FEATURES);
          f.putIfPresent("unknownRequiredMetadata", guidString(table, at));
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

    byte[] parameters = item(probe, region, items.get("fileParameters"), 8, f);
    byte[] diskSize = item(probe, region, items.get("virtualDiskSize"), 8, f);
    byte[] logical = item(probe, region, items.get("logicalSectorSize"), 4, f);
    byte[] physical = item(probe, region, items.get("physicalSectorSize"), 4, f);
    budget -= 24;

    long blockSize = -1;
    boolean hasParent = false;
    if (parameters != null) {
      blockSize = Bytes.u32leUnsigned(parameters, 0);
      int bits = Bytes.u32le(parameters, 4);
      hasParent = (bits & 2) != 0;
      f.putIfPresent("blockSize", blockSize);
      f.putIfPresent("leaveBlocksAllocated", (bits & 1) != 0);
      f.putIfPresent("hasParent", hasParent);
      if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Long.bitCount(blockSize) != 1) {
        f.invalid("blockSize");
        blockSize = -1;
      }
    }
    long sectorSize = -1;
    if (logical != null) {
      sectorSize = Bytes.u32leUnsigned(logical, 0);
      f.putIfPresent("logicalSectorSize", sectorSize);
      if (sectorSize != 512 && sectorSize != 4096) {
        f.invalid("logicalSectorSize");
        sectorSize = -1;
      }
    }
    if (physical != null) {
      f.putIfPresent("physicalSectorSize", Bytes.u32leUnsigned(physical, 0));
    }
    U64 virtualSize = null;
    if (diskSize != null) {
      long bytes = Bytes.u64le(diskSize, 0);
      f.putIfPresent("virtualDiskSize", U64.of(bytes));
      // QEMU counts whole 512-byte sectors.
      virtualSize = U64.of(bytes & ~511L);
      if (sectorSize > 0 && Long.remainderUnsigned(bytes, sectorSize) != 0) {
        f.invalid("virtualDiskSize");
      }
      if (bat != null && blockSize > 0 && sectorSize > 0 && batTooSmall(bytes, blockSize, sectorSize, hasParent, bat)) {
        f.invalid("batTooSmall");
      }
    }
    if (hasParent) {
      f.flag(Flag.DIFFERENCING_DISK);
      Item locator = items.get("parentLocator");
      if (locator == null) {
        f.invalid("parentLocatorMissing");
      } else if (locator.length() > budget) {
        f.invalid("parentLocatorSize");
      } else {
        byte[] data = item(probe, region, locator, (int) locator.length(), f);
        if (data != null) {
          parentLocator(data, f);
        }
      }
    }
    return f.toDetection(ImageFormat.VHDX, virtualSize);
  }

  /**
   * Returns the first {@code want} bytes of an item, or null (with the finding) if it is absent, too
   * short, outside its region or the cap, or past the end of the file.
   */
  private static byte[] item(Probe probe, Region region, Item item, int want, Findings f) throws IOException {
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
    if (ProbeBytes.passesEnd(region.offset(), item.offset() + want, probe.size())) {
      f.truncated("metadataItem");
      return null;
    }
    byte[] bytes = ProbeBytes.readExactly(probe, region.offset() + item.offset(), want);
    if (bytes == null) {
      f.truncated("metadataItem");
    }
    return bytes;
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
   * Reports the parent locator's type and key/value entries (UTF-16LE), checking every range. The
   * first {@link Caps#VHDX_LOCATOR_ENTRIES} distinct keys are kept, each cut to {@link
   * Caps#VHDX_LOCATOR_KEY} characters; a key given twice keeps its first value.
   */
  private static void parentLocator(byte[] data, Findings f) {
    if (data.length < 20) {
      f.invalid("parentLocator");
      return;
    }
    int count = Bytes.u16le(data, 18);
    if (20L + 12L * count > data.length) {
      f.invalid("parentLocator");
      return;
    }
    Map<String, Object> locator = new LinkedHashMap<>();
    locator.put("type", guidString(data, 0));
    Map<String, String> entries = new LinkedHashMap<>();
    int dropped = 0;
    for (int i = 0; i < count; i++) {
      int at = 20 + 12 * i;
      long keyOffset = Bytes.u32leUnsigned(data, at);
      long valueOffset = Bytes.u32leUnsigned(data, at + 4);
      int keyLength = Bytes.u16le(data, at + 8);
      int valueLength = Bytes.u16le(data, at + 10);
      if (keyOffset + keyLength > data.length || valueOffset + valueLength > data.length) {
        f.invalid("parentLocator");
        break;
      }
      if (entries.size() == Caps.VHDX_LOCATOR_ENTRIES) {
        dropped++;
        continue;
      }
      // Decode no more than the caps keep: a key to its cap, a value one character past the text cap.
      String key = new String(data, (int) keyOffset, Math.min(keyLength, 2 * Caps.VHDX_LOCATOR_KEY), StandardCharsets.UTF_16LE);
      String value = new String(data, (int) valueOffset, Math.min(valueLength, 2 * (Caps.TEXT + 1)), StandardCharsets.UTF_16LE);
      entries.putIfAbsent(key, value);
    }
    locator.put("entries", entries);
    f.putIfPresent("parentLocator", locator);
    if (dropped > 0) {
      CappedList.noteCut(f.notes(), "parentLocatorEntries", entries.size() + dropped);
    }
  }

  private static String itemName(byte[] table, int at) {
    if (Bytes.startsWith(table, at, FILE_PARAMETERS)) {
      return "fileParameters";
    } else if (Bytes.startsWith(table, at, VIRTUAL_DISK_SIZE)) {
      return "virtualDiskSize";
    } else if (Bytes.startsWith(table, at, PAGE_83)) {
      return "page83";
    } else if (Bytes.startsWith(table, at, LOGICAL_SECTOR_SIZE)) {
      return "logicalSectorSize";
    } else if (Bytes.startsWith(table, at, PHYSICAL_SECTOR_SIZE)) {
      return "physicalSectorSize";
    } else if (Bytes.startsWith(table, at, PARENT_LOCATOR)) {
      return "parentLocator";
    }
    return null;
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
