package dev.imageaudit.core.internal.avf;

import dev.imageaudit.core.CompositeDetails;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.Qcow2Details;
import dev.imageaudit.core.SparseDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.ZstdDetails;
import dev.imageaudit.core.internal.format.AndroidSparseDetector;
import dev.imageaudit.core.internal.format.Detection;
import dev.imageaudit.core.internal.format.Magic;
import dev.imageaudit.core.internal.format.Probe;
import dev.imageaudit.core.internal.format.QcowDetector;
import dev.imageaudit.core.internal.source.Bytes;
import java.util.List;
import java.util.Set;

/**
 * crosvm's verdict on a file given to it as a whole-disk image ({@code DiskImage.image}, which
 * virtmgr passes to crosvm untouched): crosvm's own format detection, then the checks crosvm's
 * disk crate makes when it opens that format (FORMATS.md sections 4 to 7; crosvm {@code
 * disk/src/disk.rs}, {@code qcow/mod.rs}, {@code android_sparse.rs}, {@code composite.rs}, {@code
 * zstd.rs}). Reasons are this tool's words for crosvm's errors.
 *
 * <p>The verdict is on the file itself: files it names (a backing file, composite components)
 * are never opened, so a failure inside them is not seen. {@link Verdict.Decision#ERROR} means the
 * rules could not be applied within this tool's read caps.
 */
public final class CrosvmDiskRules {

  /** crosvm's image types, in the order its detection tries them. */
  enum ImageType {
    RAW,
    QCOW2,
    COMPOSITE_DISK,
    ANDROID_SPARSE,
    ZSTD
  }

  /**
   * The bytes that decide crosvm's detection: crosvm reads up to 4096 into a zeroed buffer, but its
   * longest magic (composite's) is 15 bytes, so the first 16 decide the same way.
   */
  private static final int MAGIC_PREFIX = 16;

  /** crosvm's limit on a qcow2 virtual size: 2^44 bytes (16 TiB). */
  static final long MAX_QCOW_SIZE = 1L << 44;

  /** crosvm keeps the L1 table in memory and refuses more entries than this. */
  static final long MAX_L1_ENTRIES = 35_000_000;

  /** The highest composite disk version crosvm reads. */
  static final long MAX_COMPOSITE_VERSION = 2;

  /** Backing file formats crosvm opens behind a qcow2 image. */
  static final Set<String> BACKING_FORMATS = Set.of("raw", "qcow2", "composite");

  private static final int ZSTD_FRAME_MAGIC = 0xFD2FB528;
  private static final int ZSTD_SKIPPABLE_LOW = 0x184D2A50;
  private static final int ZSTD_SKIPPABLE_HIGH = 0x184D2A5F;

  private CrosvmDiskRules() {}

  /**
   * Returns the type crosvm detects: it reads min(size, 4096) bytes into a zeroed 4096-byte buffer
   * and tries the composite magic, the qcow magic, the sparse magic, then the zstd frame and
   * skippable-frame magics; anything else is raw.
   *
   * @param head the first bytes of the file
   * @param size the disk's length as crosvm finds it (seek to end: a block device's capacity)
   */
  public static ImageType detectImageType(byte[] head, long size) {
    // crosvm zero-fills what the file lacks; every magic fits in the first 16 bytes, so only those are
    // copied (zero-padded the same way) rather than a 4 KiB buffer per file.
    byte[] buffer = new byte[MAGIC_PREFIX];
    int n = (int) Math.min(Math.min(size, MAGIC_PREFIX), head.length);
    System.arraycopy(head, 0, buffer, 0, n);
    if (Bytes.startsWith(buffer, 0, Magic.COMPOSITE)) {
      return ImageType.COMPOSITE_DISK;
    }
    if (Bytes.startsWith(buffer, 0, Magic.QCOW)) {
      return ImageType.QCOW2;
    }
    if (Bytes.startsWith(buffer, 0, Magic.ANDROID_SPARSE)) {
      return ImageType.ANDROID_SPARSE;
    }
    int magic = Bytes.u32le(buffer, 0);
    if (magic == ZSTD_FRAME_MAGIC || (magic >= ZSTD_SKIPPABLE_LOW && magic <= ZSTD_SKIPPABLE_HIGH)) {
      return ImageType.ZSTD;
    }
    return ImageType.RAW;
  }

  /**
   * Judges the image as crosvm would open it as a whole disk.
   *
   * @param probe the image's head and size
   * @param matches every detector's answer, in detector order: crosvm's type is judged on the
   *     answer of that type's own detector, whichever format this tool names the image
   */
  public static Verdict judge(Probe probe, List<Detection> matches) {
    ImageType type = detectImageType(probe.head(), probe.size());
    return switch (type) {
      case RAW -> Verdict.accepted();
      case QCOW2 -> qcow2(probe.head(), probe.size(), header(matches, Qcow2Details.class));
      case ANDROID_SPARSE -> sparse(header(matches, SparseDetails.class));
      case COMPOSITE_DISK -> composite(header(matches, CompositeDetails.class));
      case ZSTD -> zstd(probe.size(), header(matches, ZstdDetails.class));
    };
  }

  /**
   * Returns the header of the first answer whose header is a {@code type}, or {@code null}: none,
   * or its detector read too little of the file to give one.
   */
  private static <T extends FormatDetails> T header(List<Detection> matches, Class<T> type) {
    for (Detection match : matches) {
      if (type.isInstance(match.details().header())) {
        return type.cast(match.details().header());
      }
    }
    return null;
  }

  /** qcow/mod.rs: QcowHeader::new, then QcowFile::from, in their order. */
  static Verdict qcow2(byte[] head, long size, Qcow2Details details) {
    if (head.length < QcowDetector.V3_MIN_HEADER_LENGTH || size < QcowDetector.V3_MIN_HEADER_LENGTH) {
      return Verdict.rejected("qcow2: the file ends inside the 104-byte header crosvm reads");
    }
    long backingOffset = Bytes.u64be(head, 8);
    long backingSize = Bytes.u32beUnsigned(head, 16);
    if (backingSize > 1023) {
      return Verdict.rejected("qcow2: backing file name of " + backingSize + " bytes is longer than 1023");
    }
    if (backingOffset != 0 && (backingOffset < 0 || backingOffset > size - backingSize)) {
      return Verdict.rejected("qcow2: backing file name passes the end of the file");
    }
    long version = Bytes.u32beUnsigned(head, 4);
    if (version != 3) {
      return Verdict.rejected("qcow2: version " + version + ", crosvm opens only version 3");
    }
    long l1Size = Bytes.u32beUnsigned(head, 36);
    if (l1Size > MAX_L1_ENTRIES) {
      return Verdict.rejected("qcow2: L1 table of " + l1Size + " entries, crosvm keeps at most 35000000 in memory");
    }
    long clusterBits = Bytes.u32beUnsigned(head, 20);
    if (clusterBits < QcowDetector.MIN_CLUSTER_BITS || clusterBits > QcowDetector.MAX_CLUSTER_BITS) {
      return Verdict.rejected("qcow2: cluster_bits " + clusterBits + " is outside crosvm's 9..21");
    }
    U64 virtualSize = U64.of(Bytes.u64be(head, 24));
    if (virtualSize.compareTo(U64.of(MAX_QCOW_SIZE)) > 0) {
      return Verdict.rejected("qcow2: virtual size " + virtualSize + " is over crosvm's limit of 2^44 bytes (16 TiB)");
    }
    if (backingOffset != 0) {
      if (backingOffset + backingSize > 1L << clusterBits) {
        return Verdict.rejected("qcow2: backing file name lies outside the first cluster");
      }
      String extension = details == null ? null : details.backingFormatExtension();
      String format = "crosvm".equals(extension) ? details.backingFormat()
          : "qemu+crosvm".equals(extension) ? details.crosvmBackingFormat() : null;
      if (format == null) {
        return Verdict.rejected("qcow2: backing file without crosvm's backing format extension (0xE279268F)"
            + ("qemu".equals(extension) ? "; QEMU's 0xE2792ACA does not count" : ""));
      }
      if (!BACKING_FORMATS.contains(format)) {
        return Verdict.rejected("qcow2: backing format '" + format + "' is not raw, qcow2 or composite");
      }
    }
    long refcountOrder = Bytes.u32beUnsigned(head, 96);
    if (refcountOrder != 4) {
      return Verdict.rejected("qcow2: refcount_order " + refcountOrder + ", crosvm reads only 16-bit refcounts (order 4)");
    }
    return Verdict.accepted();
  }

  private static Verdict sparse(SparseDetails details) {
    String crosvm = details == null ? null : details.crosvm();
    if ("ok".equals(crosvm)) {
      return Verdict.accepted();
    }
    if (crosvm == null) {
      return Verdict.error("android sparse: not judged");
    }
    String reason = "android sparse: " + crosvm;
    return crosvm.equals(AndroidSparseDetector.NOT_JUDGED) ? Verdict.error(reason) : Verdict.rejected(reason);
  }

  /** composite.rs: CompositeDiskFile::from_file, for the descriptor alone (components unopened). */
  private static Verdict composite(CompositeDetails details) {
    if (details == null) {
      return Verdict.rejected("composite: no component disks");
    }
    String error = details.descriptorError();
    if (error != null) {
      String reason = "composite: " + error;
      return error.contains("larger than the cap") ? Verdict.error(reason) : Verdict.rejected(reason);
    }
    U64 version = details.version();
    if (version != null && version.compareTo(U64.of(MAX_COMPOSITE_VERSION)) > 0) {
      return Verdict.rejected("composite: version " + version + ", crosvm reads versions up to 2");
    }
    U64 last = details.lastOffset();
    if (last == null) {
      return Verdict.rejected("composite: no component disks");
    }
    // crosvm sorts the components by offset itself; it is equal offsets that it refuses.
    U64 duplicate = details.duplicateOffset();
    if (duplicate != null) {
      return Verdict.rejected("composite: two component disks at offset " + duplicate);
    }
    U64 length = details.length();
    if (length == null || length.compareTo(last) <= 0) {
      return Verdict.rejected("composite: length " + length + " does not pass the last component's offset " + last);
    }
    return Verdict.accepted();
  }

  /** zstd.rs: ZstdDisk::from_file, which needs the seek table's footer in the last 9 bytes. */
  private static Verdict zstd(long size, ZstdDetails details) {
    if (size < 17) {
      return Verdict.rejected("zstd: the file is too short (under 17 bytes) to hold a seek table");
    }
    if (details == null || details.seekTableDescriptor() == null || details.frames() == null) {
      return Verdict.rejected("zstd: not seekable (no seek table at the end of the file); crosvm reads only seekable zstd");
    }
    int descriptor = details.seekTableDescriptor();
    long frames = details.frames();
    if ((descriptor & 0x7C) != 0) {
      return Verdict.rejected("zstd: the seek table descriptor sets reserved bits");
    }
    // crosvm sizes the table in a u32: frames x entry size wraps there.
    long tableSize = (frames * ((descriptor & 0x80) != 0 ? 12 : 8)) & 0xFFFF_FFFFL;
    if (tableSize + 9 > size) {
      return Verdict.rejected("zstd: a seek table of " + frames + " frames is longer than the file");
    }
    return Verdict.accepted();
  }
}
