package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.QedDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * QEMU enhanced disk (QED): a 64-byte little-endian header at 0 (FORMATS.md section 8, QEMU
 * {@code block/qed.h}). Not this format unless the file starts with {@code QED\0}.
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
  private static final long BACKING_FILE = 1;
  private static final long NEED_CHECK = 2;
  private static final long BACKING_FORMAT_NO_PROBE = 4;
  private static final long KNOWN_FEATURES = BACKING_FILE | NEED_CHECK | BACKING_FORMAT_NO_PROBE;

  /**
   * The header, as QEMU's {@code QEDHeader} lays it out (little-endian); u64 fields as longs read
   * unsigned.
   *
   * @param clusterSizeBytes the bytes of each cluster ({@code cluster_size}, u32)
   * @param tableSizeClusters the clusters of each L1 and L2 table ({@code table_size}, u32)
   * @param headerSizeClusters the clusters the header takes ({@code header_size}, u32)
   * @param features the feature bits ({@code features}, u64)
   * @param compatFeatures the compatible feature bits ({@code compat_features}, u64)
   * @param autoclearFeatures the auto-clear feature bits ({@code autoclear_features}, u64)
   * @param l1TableOffsetBytes where the L1 table starts, in bytes ({@code l1_table_offset}, u64)
   * @param imageSizeBytes the disk size in bytes ({@code image_size}, u64)
   * @param backingFilenameOffsetBytes where the backing file name starts, in bytes ({@code
   *     backing_filename_offset}, u32)
   * @param backingFilenameSizeBytes the backing file name's bytes ({@code backing_filename_size}, u32)
   */
  record Header(
      long clusterSizeBytes,
      long tableSizeClusters,
      long headerSizeClusters,
      long features,
      long compatFeatures,
      long autoclearFeatures,
      long l1TableOffsetBytes,
      long imageSizeBytes,
      long backingFilenameOffsetBytes,
      long backingFilenameSizeBytes) {

    /** The header's size in bytes. */
    static final int SIZE = 64;

    /** Where image_size lies: a head cut short of the header may still hold it. */
    private static final int IMAGE_SIZE_AT = 48;

    /** Reads the header from {@code head}, which holds at least {@link #SIZE} bytes. */
    static Header read(byte[] head) {
      return new Header(
          Bytes.u32leUnsigned(head, 4),
          Bytes.u32leUnsigned(head, 8),
          Bytes.u32leUnsigned(head, 12),
          Bytes.u64le(head, 16),
          Bytes.u64le(head, 24),
          Bytes.u64le(head, 32),
          Bytes.u64le(head, 40),
          Bytes.u64le(head, IMAGE_SIZE_AT),
          Bytes.u32leUnsigned(head, 56),
          Bytes.u32leUnsigned(head, 60));
    }

    /** Returns the image size a head shorter than the header holds, or {@code null} if it ends before. */
    static U64 imageSizeIn(byte[] shortHead) {
      return shortHead.length >= IMAGE_SIZE_AT + 8 ? U64.of(Bytes.u64le(shortHead, IMAGE_SIZE_AT)) : null;
    }
  }

  QedDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (found.headerShort(head, Header.SIZE)) {
      return found.toDetection(ImageFormat.QED, Header.imageSizeIn(head), FormatDetails.None.INSTANCE);
    }
    Header h = Header.read(head);
    long clusterSize = h.clusterSizeBytes();
    long tableSize = h.tableSizeClusters();
    long headerClusters = h.headerSizeClusters();
    long features = h.features();
    long imageSize = h.imageSizeBytes();
    long unknownFeatures = features & ~KNOWN_FEATURES;
    if (unknownFeatures != 0) {
      found.flag(Flag.UNKNOWN_FEATURES);
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
    } else if (checkL1Table(found, probe.size(), clusterSize, tableSize, headerClusters, h.l1TableOffsetBytes())
        && headerClusters > 0xFFFF_FFFFL / clusterSize) {
      // QEMU computes the header's bytes in 32 bits.
      found.invalid("header size of " + headerClusters + " clusters passes 4 GiB");
    }
    Long backingNameLength = null;
    String backingFile = null;
    String backingFormat = null;
    Boolean backingFormatProbed = null;
    if ((features & BACKING_FILE) != 0) {
      found.flag(Flag.BACKING_FILE);
      found.flag(Flag.DIFFERENCING_DISK);
      backingNameLength = h.backingFilenameSizeBytes();
      backingFile = backingFile(found, probe, h, clusterOk ? clusterSize * headerClusters : 0);
      if ((features & BACKING_FORMAT_NO_PROBE) != 0) {
        backingFormat = "raw";
      } else {
        // QED records no backing format: QEMU probes the backing file's bytes to name it.
        backingFormatProbed = true;
      }
    }
    QedDetails details = new QedDetails(
        clusterSize, tableSize, headerClusters, U64.of(features), U64.of(h.compatFeatures()),
        U64.of(h.autoclearFeatures()), U64.of(h.l1TableOffsetBytes()),
        unknownFeatures != 0 ? U64.of(unknownFeatures) : null,
        backingNameLength, backingFile, backingFormat, backingFormatProbed);
    return found.toDetection(ImageFormat.QED, U64.of(imageSize), details);
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

  /**
   * Returns the backing file name the header points to, or {@code null} (after the finding) when it
   * lies outside the header clusters ending at {@code headerBytes} or passes QEMU's length limit.
   */
  private static String backingFile(Findings found, Probe probe, Header h, long headerBytes)
      throws IOException {
    long offset = h.backingFilenameOffsetBytes();
    long length = h.backingFilenameSizeBytes();
    if (offset + length > headerBytes) {
      found.invalid("backing file name lies outside the header clusters");
      return null;
    }
    if (length > Caps.QED_BACKING_FILE_NAME) {
      found.invalid("backing file name longer than " + Caps.QED_BACKING_FILE_NAME + " bytes");
      return null;
    }
    byte[] name = ProbeBytes.read(probe, offset, (int) length);
    if (name.length < length) {
      found.truncated("backing file name ends past the end of the file");
    }
    return new String(name, StandardCharsets.UTF_8);
  }
}
