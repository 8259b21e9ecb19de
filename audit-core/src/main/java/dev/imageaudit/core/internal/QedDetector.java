package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * QEMU enhanced disk (QED): a 64-byte little-endian header at 0 (FORMATS.md section 8, QEMU
 * {@code block/qed.h}). Returns {@code null} unless the file starts with {@code QED\0}.
 *
 * <p>virtualSize is image_size (u64 @48). A backing file (features bit 0) raises {@code
 * backing-file} and {@code differencing-disk}; its name is reported, never opened. Need-check
 * (bit 1) raises {@code dirty}; feature bits QEMU does not know raise {@code unknown-features}.
 * The checks are QEMU's own open checks, in its order, the first that fails named in {@code
 * details.invalidHeader}: cluster size, table size, image size against what the tables can map,
 * L1 table offset (a table of one cluster never passes it, so {@code qemu-img create -o
 * table_size=1} makes images QEMU cannot open), header size, then the backing file name's place.
 * A table past the end of the file is {@code truncated} instead.
 */
final class QedDetector extends MagicDetector {

  static final byte[] MAGIC = {'Q', 'E', 'D', 0};
  private static final int HEADER_SIZE = 64;
  private static final long BACKING_FILE = 1;
  private static final long NEED_CHECK = 2;
  private static final long BACKING_FORMAT_NO_PROBE = 4;
  private static final long KNOWN_FEATURES = BACKING_FILE | NEED_CHECK | BACKING_FORMAT_NO_PROBE;

  QedDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (found.headerShort(head, HEADER_SIZE)) {
      U64 size = head.length >= 56 ? U64.of(Bytes.u64le(head, 48)) : null;
      return found.toDetection(ImageFormat.QED, size);
    }
    long clusterSize = Bytes.u32leUnsigned(head, 4);
    long tableSize = Bytes.u32leUnsigned(head, 8);
    long headerClusters = Bytes.u32leUnsigned(head, 12);
    long features = Bytes.u64le(head, 16);
    long l1Offset = Bytes.u64le(head, 40);
    long imageSize = Bytes.u64le(head, 48);
    found.put("clusterSize", clusterSize).put("tableSize", tableSize).put("headerClusters", headerClusters);
    found.put("features", U64.of(features)).put("compatFeatures", U64.of(Bytes.u64le(head, 24)));
    found.put("autoclearFeatures", U64.of(Bytes.u64le(head, 32))).put("l1TableOffset", U64.of(l1Offset));
    if ((features & ~KNOWN_FEATURES) != 0) {
      found.flag(Flag.UNKNOWN_FEATURES);
      found.put("unknownFeatures", U64.of(features & ~KNOWN_FEATURES));
    }
    if ((features & NEED_CHECK) != 0) {
      found.flag(Flag.DIRTY);
    }
    boolean clusterOk = isPowerOfTwoIn(clusterSize, 4096, 64L << 20);
    if (!clusterOk) {
      found.invalid("cluster size " + clusterSize + " is not a power of two from 4 KiB to 64 MiB");
    } else if (!isPowerOfTwoIn(tableSize, 1, 16)) {
      found.invalid("table size " + tableSize + " is not a power of two from 1 to 16 clusters");
    } else if (Long.remainderUnsigned(imageSize, 512) != 0) {
      found.invalid("image size is not a multiple of 512");
    } else if (Long.compareUnsigned(imageSize, maxImageSize(clusterSize, tableSize)) > 0) {
      found.invalid("image size passes what the L1 and L2 tables can map");
    } else if (checkL1Table(found, probe.size(), clusterSize, tableSize, headerClusters, l1Offset)
        && headerClusters > 0xFFFF_FFFFL / clusterSize) {
      // QEMU computes the header's bytes in 32 bits.
      found.invalid("header size of " + headerClusters + " clusters passes 4 GiB");
    }
    if ((features & BACKING_FILE) != 0) {
      found.flag(Flag.BACKING_FILE);
      found.flag(Flag.DIFFERENCING_DISK);
      backingFile(found, probe, head, clusterOk ? clusterSize * headerClusters : 0);
      if ((features & BACKING_FORMAT_NO_PROBE) != 0) {
        found.put("backingFormat", "raw");
      } else {
        // QED records no backing format: QEMU probes the backing file's bytes to name it.
        found.put("backingFormatProbed", true);
      }
    }
    return found.toDetection(ImageFormat.QED, U64.of(imageSize));
  }

  private static boolean isPowerOfTwoIn(long value, long min, long max) {
    return value >= min && value <= max && Long.bitCount(value) == 1;
  }

  /**
   * Returns the largest image the tables can map as QEMU computes it: entries per table squared
   * times the cluster size, in u64 arithmetic that wraps as QEMU's does (so the verdict is QEMU's).
   */
  private static long maxImageSize(long clusterSize, long tableSize) {
    long entries = clusterSize * tableSize / 8;
    return entries * clusterSize * entries;
  }

  /**
   * QEMU's table offset check: the table's first and last clusters must both be cluster aligned,
   * past the header clusters and before the end of the file (its length rounded down to whole
   * clusters), and the last must lie past the first. Returns false after the finding if it fails.
   */
  private static boolean checkL1Table(
      Findings found, long fileSize, long clusterSize, long tableSize, long headerClusters, long l1Offset) {
    long headerBytes = clusterSize * headerClusters;
    long tableEnd = l1Offset + (tableSize - 1) * clusterSize;
    if (tableSize == 1) {
      // QEMU's check wants the last cluster past the first: a one-cluster table never passes.
      found.invalid("L1 table of one cluster: QEMU's table offset check refuses it");
    } else if (Long.compareUnsigned(tableEnd, l1Offset) <= 0) {
      found.invalid("L1 table end wraps past 2^64");
    } else if (Long.remainderUnsigned(l1Offset, clusterSize) != 0) {
      found.invalid("L1 table offset is not cluster aligned");
    } else if (Long.compareUnsigned(l1Offset, headerBytes) < 0) {
      found.invalid("L1 table overlaps the header");
    } else if (Long.compareUnsigned(tableEnd, fileSize / clusterSize * clusterSize) >= 0) {
      found.truncated("L1 table ends past the end of the file");
    } else {
      return true;
    }
    return false;
  }

  private static void backingFile(Findings found, Probe probe, byte[] head, long headerBytes)
      throws IOException {
    long offset = Bytes.u32leUnsigned(head, 56);
    long length = Bytes.u32leUnsigned(head, 60);
    found.put("backingFileNameLength", length);
    if (offset + length > headerBytes) {
      found.invalid("backing file name lies outside the header clusters");
      return;
    }
    if (length > Caps.QED_BACKING_FILE_NAME) {
      found.invalid("backing file name longer than " + Caps.QED_BACKING_FILE_NAME + " bytes");
      return;
    }
    byte[] name = ProbeBytes.read(probe, offset, (int) length);
    if (name.length < length) {
      found.truncated("backing file name ends past the end of the file");
    }
    found.put("backingFile", new String(name, StandardCharsets.UTF_8));
  }
}
