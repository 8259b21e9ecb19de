package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads the partition table of a raw disk or a hybrid ISO: an MBR (0x55AA at 510, four entries at
 * 446) and, behind a protective MBR entry of type 0xEE, a GPT (header {@code EFI PART} at LBA 1 for
 * 512-byte or 4096-byte sectors). Not a format: it adds {@code details.partitionTable} ("mbr" or
 * "gpt") and {@code details.partitions} to a raw or iso9660 detection and leaves the format alone.
 *
 * <p>A boot sector is taken for an MBR only if its entries are sane (boot flag 0x00 or 0x80, each
 * used entry starting inside the disk, no two overlapping) and it is no FAT, exFAT or NTFS boot
 * sector, which end in 0x55AA too (FORMATS.md section 9). GPT headers and entry arrays are checked
 * against their CRC32s; entries are read under {@link Caps#GPT_ENTRIES}.
 */
final class PartitionTables {

  /** Bytes read for a GPT header on a 4096-byte-sector disk: its LBA 1, past the head. */
  static final int HEADER_4K_CAP = 4096;

  private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
  private static final int MBR_ENTRIES = 446;
  private static final int PROTECTIVE = 0xEE;

  private PartitionTables() {}

  /** Returns {@code detection} with the partition table its bytes hold, or unchanged if none. */
  static Detection refine(Detection detection, Probe probe) throws IOException {
    if (detection.format() != ImageFormat.RAW && detection.format() != ImageFormat.ISO9660) {
      return detection;
    }
    Findings table = read(probe, detection.format() == ImageFormat.ISO9660);
    if (table == null) {
      return detection;
    }
    // The table is a note on the image, not a field of its format: raw has none, an ISO's are its own.
    Map<String, Object> notes = new LinkedHashMap<>(detection.details().notes());
    table.notes().forEach(notes::putIfAbsent);
    Set<Flag> flags = detection.flags().isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(detection.flags());
    flags.addAll(table.flags());
    return new Detection(detection.format(), detection.virtualSize(),
        new ImageDetails(detection.details().header(), notes), flags);
  }

  /**
   * Returns the table's findings, or {@code null} if the first sector holds no MBR. An isohybrid
   * ISO's MBR maps the whole image from sector 0, the MBR included: allowed for ISOs only.
   */
  private static Findings read(Probe probe, boolean iso) throws IOException {
    byte[] head = probe.head();
    if (head.length < 512 || Bytes.u8(head, 510) != 0x55 || Bytes.u8(head, 511) != 0xAA || isVolumeBootRecord(head)) {
      return null;
    }
    long diskSectors = probe.size() / 512;
    List<Map<String, Object>> partitions = new ArrayList<>();
    List<long[]> ranges = new ArrayList<>();
    boolean protective = false;
    boolean pastEnd = false;
    for (int i = 0; i < 4; i++) {
      int at = MBR_ENTRIES + 16 * i;
      int boot = Bytes.u8(head, at);
      int type = Bytes.u8(head, at + 4);
      long first = Bytes.u32leUnsigned(head, at + 8);
      long count = Bytes.u32leUnsigned(head, at + 12);
      if (boot != 0x00 && boot != 0x80) {
        return null;
      }
      if (type == 0) {
        continue;
      }
      if ((first == 0 && !iso) || count == 0 || (probe.size() != 0 && first >= diskSectors)) {
        return null;
      }
      if (type == PROTECTIVE) {
        protective = true;
      } else {
        for (long[] r : ranges) {
          if (first < r[1] && r[0] < first + count) {
            return null;
          }
        }
        ranges.add(new long[] {first, first + count});
        pastEnd |= probe.size() != 0 && first + count > diskSectors;
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("index", i + 1);
      p.put("mbrType", "0x" + Bytes.hex(type, 2, false));
      p.put("bootable", boot == 0x80);
      p.put("firstLba", first);
      p.put("sizeBytes", U64.of(count * 512));
      partitions.add(p);
    }
    Findings found = new Findings();
    if (protective) {
      Findings gpt = readGpt(probe, 512);
      if (gpt == null) {
        gpt = readGpt(probe, 4096);
      }
      if (gpt != null) {
        return gpt;
      }
      found.invalid("protective MBR but no GPT header at LBA 1");
    }
    found.note("partitionTable", "mbr");
    found.note("diskId", "0x" + Bytes.hex(Bytes.u32leUnsigned(head, 440), 8, false));
    found.note("partitions", partitions);
    if (pastEnd) {
      found.truncated("a partition ends past the end of the file");
    }
    return found;
  }

  /** Returns true for a FAT, exFAT or NTFS boot sector: a jump, a file system name and a sane sector size. */
  private static boolean isVolumeBootRecord(byte[] s) {
    boolean jump = (Bytes.u8(s, 0) == 0xEB && Bytes.u8(s, 2) == 0x90) || Bytes.u8(s, 0) == 0xE9;
    if (!jump) {
      return false;
    }
    if (text(s, 3, "NTFS    ") || text(s, 3, "EXFAT   ")) {
      return true;
    }
    int bytesPerSector = Bytes.u16le(s, 11);
    boolean saneSector = bytesPerSector >= 512 && bytesPerSector <= 4096 && Integer.bitCount(bytesPerSector) == 1;
    return saneSector && (text(s, 54, "FAT") || text(s, 82, "FAT32"));
  }

  private static boolean text(byte[] s, int at, String want) {
    return Bytes.startsWith(s, at, want.getBytes(StandardCharsets.US_ASCII));
  }

  /** Returns the GPT whose header sits at LBA 1 for {@code lbaSize}, or {@code null} if there is none. */
  private static Findings readGpt(Probe probe, int lbaSize) throws IOException {
    byte[] head = probe.head();
    byte[] header;
    if (lbaSize + 92 <= head.length) {
      header = Arrays.copyOfRange(head, lbaSize, Math.min(head.length, 2 * lbaSize));
    } else if (probe.size() == 0 || probe.size() >= lbaSize + 92) {
      header = probe.source().read(lbaSize, HEADER_4K_CAP);
    } else {
      return null;
    }
    if (!Bytes.startsWith(header, 0, GPT_SIGNATURE)) {
      return null;
    }
    Findings found = new Findings();
    found.note("partitionTable", "gpt").note("sectorSize", lbaSize);
    if (header.length < 92) {
      found.truncated("GPT header ends at byte " + header.length + " of 92");
      return found;
    }
    long headerSize = Bytes.u32leUnsigned(header, 12);
    found.note("diskGuid", Bytes.guid(header, 56));
    if (headerSize < 92 || headerSize > lbaSize || headerSize > header.length) {
      found.invalid("GPT header size " + headerSize + " is not from 92 to the sector size");
      return found;
    }
    byte[] crcCopy = Arrays.copyOf(header, (int) headerSize);
    Arrays.fill(crcCopy, 16, 20, (byte) 0);
    if (crc32(crcCopy, crcCopy.length) != Bytes.u32leUnsigned(header, 16)) {
      found.invalid("GPT header CRC32 mismatch");
      return found;
    }
    if (Bytes.u64le(header, 24) != 1) {
      found.invalid("GPT header does not say it is at LBA 1");
      return found;
    }
    long firstUsable = Bytes.u64le(header, 40);
    long lastUsable = Bytes.u64le(header, 48);
    long entriesLba = Bytes.u64le(header, 72);
    long count = Bytes.u32leUnsigned(header, 80);
    long entrySize = Bytes.u32leUnsigned(header, 84);
    found.note("firstUsableLba", U64.of(firstUsable)).note("lastUsableLba", U64.of(lastUsable));
    found.note("partitionEntryLba", U64.of(entriesLba)).note("partitionEntryCount", count).note("partitionEntrySize", entrySize);
    if (entrySize < 128 || entrySize % 8 != 0 || entrySize > Caps.GPT_ENTRIES) {
      found.invalid("partition entry size " + entrySize + " is not a multiple of 8 from 128 to " + Caps.GPT_ENTRIES);
      return found;
    }
    if (Long.compareUnsigned(entriesLba, 2) < 0 || Long.compareUnsigned(entriesLba, (-1L >>> 1) / lbaSize) > 0) {
      found.invalid("partition entries LBA " + Long.toUnsignedString(entriesLba) + " is out of range");
      return found;
    }
    long wanted = Math.min(count, Math.min(128, Caps.GPT_ENTRIES / entrySize));
    int length = (int) (wanted * entrySize);
    long offset = entriesLba * lbaSize;
    byte[] entries = ProbeBytes.read(probe, offset, length);
    if (entries.length < length) {
      found.truncated("GPT partition entries end past the end of the file");
    }
    if (wanted == count && entries.length == length) {
      found.note("partitionEntriesCrcChecked", true);
      if (crc32(entries, length) != Bytes.u32leUnsigned(header, 88)) {
        found.invalid("GPT partition entries CRC32 mismatch");
      }
    } else {
      found.note("partitionEntriesCrcChecked", false);
      if (wanted < count) {
        found.note("partitionEntriesNotRead", count - wanted);
      }
    }
    found.note("partitions", gptEntries(entries, (int) entrySize, lbaSize, probe.size(), found));
    return found;
  }

  private static List<Map<String, Object>> gptEntries(
      byte[] entries, int entrySize, int lbaSize, long fileSize, Findings found) {
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (int i = 0; (i + 1) * entrySize <= entries.length; i++) {
      int at = i * entrySize;
      if (Bytes.allZero(entries, at, 16)) {
        continue;
      }
      long first = Bytes.u64le(entries, at + 32);
      long last = Bytes.u64le(entries, at + 40);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("index", i + 1);
      p.put("name", utf16z(entries, at + 56, 72));
      p.put("typeGuid", Bytes.guid(entries, at));
      p.put("uniqueGuid", Bytes.guid(entries, at + 16));
      p.put("firstLba", U64.of(first));
      long sectors = last - first + 1;
      if (Long.compareUnsigned(last, first) < 0) {
        found.invalid("GPT partition " + (i + 1) + " ends before it starts");
      } else if (sectors == 0 || Long.compareUnsigned(sectors, Long.divideUnsigned(-1L, lbaSize)) > 0) {
        found.invalid("GPT partition " + (i + 1) + " size passes 2^64 bytes");
      } else {
        p.put("sizeBytes", U64.of(sectors * lbaSize));
        long endByte = (last + 1) * lbaSize;
        if (fileSize != 0 && (Long.compareUnsigned(last, Long.divideUnsigned(-1L, lbaSize) - 1) > 0
            || Long.compareUnsigned(endByte, fileSize) > 0)) {
          found.truncated("GPT partition " + (i + 1) + " ends past the end of the file");
        }
      }
      partitions.add(p);
    }
    return partitions;
  }

  private static String utf16z(byte[] b, int at, int length) {
    int end = at;
    while (end + 1 < at + length && (b[end] != 0 || b[end + 1] != 0)) {
      end += 2;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_16LE);
  }

  private static long crc32(byte[] b, int length) {
    CRC32 crc = new CRC32();
    crc.update(b, 0, length);
    return crc.getValue();
  }
}
