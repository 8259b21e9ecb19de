package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.Qcow2Details;
import dev.imageaudit.core.QcowDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Names qcow (version 1) and qcow2 (versions 2 and 3) images and reads their big-endian headers and
 * header extensions (FORMATS.md section 6, QEMU's {@code docs/interop/qcow2.txt} and {@code
 * block/qcow.c}). A qcow magic with a version other than 1 is reported as qcow2, as virtmgr types
 * every qcow magic.
 *
 * <p>Header checks follow QEMU's own open-time checks; the first that fails is named in {@code
 * details.invalidHeader}. Names the header points to (backing file, external data file) are
 * reported, never opened.
 *
 * <p>The headers are read into {@link Header} (qcow2) and {@link V1Header} (qcow), the details given
 * as {@link Qcow2Details} and {@link QcowDetails}.
 */
public final class QcowDetector extends MagicDetector {

  /** Header extension: the backing file's format, as QEMU writes it. */
  public static final int EXT_QEMU_BACKING_FORMAT = 0xE2792ACA;
  /** Header extension: the backing file's format, as crosvm writes and reads it. */
  public static final int EXT_CROSVM_BACKING_FORMAT = 0xE279268F;
  /** Header extension: names of the feature bits. */
  static final int EXT_FEATURE_NAMES = 0x6803F857;
  /** Header extension: persistent dirty bitmaps. */
  static final int EXT_BITMAPS = 0x23852875;
  /** Header extension: where the LUKS header of an encrypted image lies. */
  public static final int EXT_CRYPTO_HEADER = 0x0537BE77;
  /** Header extension: the external data file's name. */
  public static final int EXT_DATA_FILE = 0x44415441;

  public static final int MIN_CLUSTER_BITS = 9;
  public static final int MAX_CLUSTER_BITS = 21;
  static final int V2_HEADER_LENGTH = 72;
  public static final int V3_MIN_HEADER_LENGTH = 104;
  static final int V1_HEADER_LENGTH = 48;

  /** QEMU keeps a backing format name in a 16-byte buffer, NUL included. */
  private static final int MAX_BACKING_FORMAT_LENGTH = 15;

  /**
   * qcow2's header (versions 2 and 3) as QEMU's {@code QCowHeader} lays it out ({@code
   * block/qcow2.h}, big-endian), as much of it as the head holds: a field the head ends before is
   * null, and so are version 3's fields in a header of another version. u64 fields are {@link U64}.
   *
   * @param version the version: 2 or 3 (u32; 1 is qcow, {@link V1Header})
   * @param backingFileOffset where the backing file name starts, in bytes, 0 for none (u64)
   * @param backingFileSizeBytes the backing file name's bytes (u32)
   * @param clusterBits log2 of the cluster size in bytes (u32)
   * @param sizeBytes the disk size in bytes (u64)
   * @param cryptMethod 0 none, 1 AES, 2 LUKS (u32)
   * @param l1Size the L1 table's entries (u32)
   * @param l1TableOffset where the L1 table starts, in bytes (u64)
   * @param refcountTableOffset where the refcount table starts, in bytes (u64)
   * @param refcountTableClusters the clusters the refcount table takes (u32)
   * @param snapshotCount the internal snapshots ({@code nb_snapshots}, u32)
   * @param snapshotsOffset where the snapshot table starts, in bytes (u64)
   * @param incompatibleFeatures version 3's incompatible feature bits (u64)
   * @param compatibleFeatures version 3's compatible feature bits (u64)
   * @param autoclearFeatures version 3's auto-clear feature bits (u64)
   * @param refcountOrder log2 of a refcount's width in bits, version 3 (u32)
   * @param headerLengthBytes the header's length in bytes, version 3 (u32)
   * @param compressionType the compression type byte, version 3: 0 zlib, 1 zstd (u8; QEMU reads
   *     it only when headerLengthBytes passes it)
   */
  record Header(
      long version,
      U64 backingFileOffset,
      Long backingFileSizeBytes,
      Long clusterBits,
      U64 sizeBytes,
      Long cryptMethod,
      Long l1Size,
      U64 l1TableOffset,
      U64 refcountTableOffset,
      Long refcountTableClusters,
      Long snapshotCount,
      U64 snapshotsOffset,
      U64 incompatibleFeatures,
      U64 compatibleFeatures,
      U64 autoclearFeatures,
      Long refcountOrder,
      Long headerLengthBytes,
      Integer compressionType) {

    /** The magic and the version, which every qcow version has: a shorter head has no header. */
    static final int MIN_LENGTH = 8;

    /** Reads the header from {@code head}, which holds at least {@link #MIN_LENGTH} bytes. */
    static Header read(byte[] head) {
      long version = Bytes.u32beUnsigned(head, 4);
      byte[] v3 = version == 3 ? head : new byte[0];
      return new Header(
          version,
          u64(head, 8),
          u32(head, 16),
          u32(head, 20),
          u64(head, 24),
          u32(head, 32),
          u32(head, 36),
          u64(head, 40),
          u64(head, 48),
          u32(head, 56),
          u32(head, 60),
          u64(head, 64),
          u64(v3, 72),
          u64(v3, 80),
          u64(v3, 88),
          u32(v3, 96),
          u32(v3, 100),
          u8(v3, 104));
    }
  }

  /**
   * qcow's header (version 1) as QEMU's {@code QCowHeader} lays it out ({@code block/qcow.c},
   * big-endian), as much of it as the head holds: a field the head ends before is null.
   *
   * @param version the version, 1 (u32)
   * @param backingFileOffset where the backing file name starts, in bytes, 0 for none (u64)
   * @param backingFileSizeBytes the backing file name's bytes (u32)
   * @param mtime the backing file's modification time, seconds since 1970 (u32)
   * @param sizeBytes the disk size in bytes (u64)
   * @param clusterBits log2 of the cluster size in bytes (u8)
   * @param l2Bits log2 of an L2 table's entries (u8)
   * @param cryptMethod 0 none, 1 AES (u32)
   * @param l1TableOffset where the L1 table starts, in bytes (u64)
   */
  record V1Header(
      long version,
      U64 backingFileOffset,
      Long backingFileSizeBytes,
      Long mtime,
      U64 sizeBytes,
      Integer clusterBits,
      Integer l2Bits,
      Long cryptMethod,
      U64 l1TableOffset) {

    /** Reads the header from {@code head}, which holds at least {@link Header#MIN_LENGTH} bytes. */
    static V1Header read(byte[] head) {
      return new V1Header(
          Bytes.u32beUnsigned(head, 4),
          u64(head, 8),
          u32(head, 16),
          u32(head, 20),
          u64(head, 24),
          u8(head, 32),
          u8(head, 33),
          u32(head, 36),
          u64(head, 40));
    }
  }

  /** Returns the big-endian u32 at {@code at}, or {@code null} if {@code b} ends before it. */
  private static Long u32(byte[] b, int at) {
    return b.length >= at + 4 ? Bytes.u32beUnsigned(b, at) : null;
  }

  /** Returns the big-endian u64 at {@code at}, or {@code null} if {@code b} ends before it. */
  private static U64 u64(byte[] b, int at) {
    return b.length >= at + 8 ? U64.of(Bytes.u64be(b, at)) : null;
  }

  /** Returns the byte at {@code at}, or {@code null} if {@code b} ends before it. */
  private static Integer u8(byte[] b, int at) {
    return b.length > at ? Bytes.u8(b, at) : null;
  }

  public QcowDetector() {
    super(Magic.QCOW);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    if (head.length < Header.MIN_LENGTH) {
      found.headerTruncated();
      return found.toDetection(ImageFormat.QCOW2, null, FormatDetails.None.INSTANCE);
    }
    Header h = Header.read(head);
    Reading r = new Reading(probe, found, h.version());
    if (h.version() == 1) {
      return qcowV1(r, V1Header.read(head));
    }
    if (h.version() != 2 && h.version() != 3) {
      found.invalid("version " + h.version() + " is not 1, 2 or 3");
      return found.toDetection(ImageFormat.QCOW2, null, r.qcow2Details());
    }
    return qcow2(r, h);
  }

  private static Detection qcowV1(Reading r, V1Header h) throws IOException {
    Findings found = r.found;
    if (h.sizeBytes() == null) {
      found.headerTruncated();
      return found.toDetection(ImageFormat.QCOW, null, r.qcowDetails());
    }
    U64 size = h.sizeBytes();
    if (r.head.length < V1_HEADER_LENGTH) {
      found.headerTruncated();
      return found.toDetection(ImageFormat.QCOW, size, r.qcowDetails());
    }
    int clusterBits = h.clusterBits();
    int l2Bits = h.l2Bits();
    long cryptMethod = h.cryptMethod();
    r.clusterBits = (long) clusterBits;
    r.l2Bits = l2Bits;
    r.encryption(cryptMethod, cryptMethod == 1 ? "aes" : null);
    // block/qcow.c's checks, in its order.
    if (Long.compareUnsigned(size.bits(), 1) <= 0) {
      found.invalid("size " + size + " is below 2 bytes");
    }
    if (clusterBits < 9 || clusterBits > 16) {
      found.invalid("cluster_bits " + clusterBits + " is outside 9..16");
    }
    if (l2Bits < 6 || l2Bits > 13) {
      found.invalid("l2_bits " + l2Bits + " is outside 6..13");
    }
    if (cryptMethod > 1) {
      found.invalid("crypt_method " + cryptMethod + " is not 0 (none) or 1 (AES)");
    }
    // qcow v1 has no cluster-sized header area: the name may lie anywhere in the file.
    r.backingFile(h.backingFileOffset(), h.backingFileSizeBytes(), Long.MAX_VALUE);
    return found.toDetection(ImageFormat.QCOW, size, r.qcowDetails());
  }

  private static Detection qcow2(Reading r, Header h) throws IOException {
    Findings found = r.found;
    byte[] head = r.head;
    int version = (int) h.version();
    int headerLength = version == 2 ? V2_HEADER_LENGTH : V3_MIN_HEADER_LENGTH;
    if (h.sizeBytes() == null) {
      found.headerTruncated();
      return found.toDetection(ImageFormat.QCOW2, null, r.qcow2Details());
    }
    U64 size = h.sizeBytes();
    long clusterBits = h.clusterBits();
    r.clusterBits = clusterBits;
    boolean clusterOk = clusterBits >= MIN_CLUSTER_BITS && clusterBits <= MAX_CLUSTER_BITS;
    long clusterSize = clusterOk ? 1L << clusterBits : 0;
    if (clusterOk) {
      r.clusterSize = clusterSize;
    } else {
      found.invalid("cluster_bits " + clusterBits + " is outside 9..21");
    }
    if (head.length < headerLength) {
      // The fields read so far stand; the rest of the header is missing.
      if (h.cryptMethod() != null) {
        r.encryption(h.cryptMethod(), qcow2Encryption(h.cryptMethod()));
      }
      found.headerTruncated();
      r.backingFile(h.backingFileOffset(), h.backingFileSizeBytes(), clusterOk ? clusterSize : Long.MAX_VALUE);
      return found.toDetection(ImageFormat.QCOW2, size, r.qcow2Details());
    }
    long cryptMethod = h.cryptMethod();
    r.encryption(cryptMethod, qcow2Encryption(cryptMethod));
    r.snapshots = h.snapshotCount();
    long declaredLength = V2_HEADER_LENGTH;
    int compressionType = 0;
    long incompatible = 0;
    if (version == 3) {
      incompatible = h.incompatibleFeatures().bits();
      long compatible = h.compatibleFeatures().bits();
      long refcountOrder = h.refcountOrder();
      declaredLength = h.headerLengthBytes();
      r.headerLength = declaredLength;
      r.incompatibleFeatures = h.incompatibleFeatures();
      r.compatibleFeatures = h.compatibleFeatures();
      r.autoclearFeatures = h.autoclearFeatures();
      r.refcountOrder = refcountOrder;
      if (refcountOrder <= 6) {
        r.refcountBits = 1L << refcountOrder;
      }
      r.dirty = (incompatible & 1) != 0;
      r.corrupt = (incompatible & 2) != 0;
      r.lazyRefcounts = (compatible & 1) != 0;
      r.extendedL2 = (incompatible & 16) != 0;
      if ((incompatible & 1) != 0) {
        found.flag(Flag.DIRTY);
      }
      if ((incompatible & 2) != 0) {
        found.flag(Flag.CORRUPT);
      }
      if ((incompatible & 4) != 0) {
        found.flag(Flag.EXTERNAL_DATA_FILE);
      }
      List<Integer> unknown = new ArrayList<>();
      for (int bit = 5; bit < 64; bit++) {
        if ((incompatible >>> bit & 1) != 0) {
          unknown.add(bit);
        }
      }
      if (!unknown.isEmpty()) {
        r.unknownIncompatibleFeatures = unknown;
        found.flag(Flag.UNKNOWN_FEATURES);
      }
      if (declaredLength < V3_MIN_HEADER_LENGTH) {
        found.invalid("header_length " + declaredLength + " is below 104");
      } else if (clusterOk && declaredLength > clusterSize) {
        found.invalid("header_length " + declaredLength + " passes the first cluster");
      }
      if (declaredLength > V3_MIN_HEADER_LENGTH && h.compressionType() != null) {
        compressionType = h.compressionType();
      }
      if (refcountOrder > 6) {
        found.invalid("refcount_order " + refcountOrder + " is above 6");
      }
    }
    if (version == 2) {
      // Version 2 has no refcount_order field: its refcounts are always 16 bits (order 4).
      r.refcountOrder = 4L;
      r.refcountBits = 16L;
    }
    r.compressionType = compressionType == 0 ? "zlib" : compressionType == 1 ? "zstd" : "unknown";
    if (compressionType > 1) {
      found.invalid("compression type " + compressionType + " is not 0 (zlib) or 1 (zstd)");
    } else if ((compressionType != 0) != ((incompatible & 8) != 0)) {
      found.invalid("compression type " + compressionType + " disagrees with incompatible feature bit 3");
    }
    if (cryptMethod > 2) {
      found.invalid("crypt_method " + cryptMethod + " is not 0, 1 (AES) or 2 (LUKS)");
    }
    long backingOffset = h.backingFileOffset().bits();
    if (clusterOk && Long.compareUnsigned(backingOffset, clusterSize) > 0) {
      found.invalid("backing file offset " + Long.toUnsignedString(backingOffset) + " passes the first cluster");
    }
    r.backingFile(h.backingFileOffset(), h.backingFileSizeBytes(), clusterOk ? clusterSize : Long.MAX_VALUE);
    boolean lengthOk = version == 2 || (declaredLength >= V3_MIN_HEADER_LENGTH && declaredLength <= clusterSize);
    if (clusterOk && lengthOk) {
      // QEMU reads extensions up to the backing file name, or else to the end of the first cluster.
      long end = backingOffset != 0 && Long.compareUnsigned(backingOffset, clusterSize) <= 0 ? backingOffset : clusterSize;
      r.extensions((declaredLength + 7) & ~7L, end);
    }
    return found.toDetection(ImageFormat.QCOW2, size, r.qcow2Details());
  }

  private static String qcow2Encryption(long cryptMethod) {
    return cryptMethod == 1 ? "aes" : cryptMethod == 2 ? "luks" : null;
  }

  /**
   * What is being learnt about one header, and the reads it takes: the details' fields as they are
   * found (null until then), in the order of {@link Qcow2Details} ({@link QcowDetails} for qcow).
   */
  private static final class Reading {
    final byte[] head;
    final Probe probe;
    final long fileSize;
    final Findings found;
    /** The first cluster's bytes at hand: the head, then, once a walk passes it, up to the cap past it. */
    private byte[] window;

    final long version;
    /** qcow2's u32, or qcow's u8 (which its details give back as an Integer, as reports always had it). */
    Long clusterBits;
    Long clusterSize;
    Integer l2Bits;
    Long cryptMethod;
    String encryption;
    Long snapshots;
    Long headerLength;
    U64 incompatibleFeatures;
    U64 compatibleFeatures;
    U64 autoclearFeatures;
    Long refcountOrder;
    Long refcountBits;
    Boolean dirty;
    Boolean corrupt;
    Boolean lazyRefcounts;
    Boolean extendedL2;
    List<Integer> unknownIncompatibleFeatures;
    String compressionType;
    U64 backingFileOffset;
    Long backingFileSize;
    String backingFile;
    String dataFile;
    U64 cryptoHeaderOffset;
    U64 cryptoHeaderLength;
    String headerExtensionWalk;
    List<String> headerExtensions;
    String backingFormat;
    String backingFormatExtension;
    String crosvmBackingFormat;

    Reading(Probe probe, Findings found, long version) {
      this.found = found;
      this.head = probe.head();
      this.probe = probe;
      this.fileSize = probe.size();
      this.window = head;
      this.version = version;
    }

    /** Returns a qcow2 image's details: the fields found so far. */
    Qcow2Details qcow2Details() {
      return new Qcow2Details(
          version, clusterBits, clusterSize, cryptMethod, encryption, snapshots, headerLength,
          incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder, refcountBits,
          dirty, corrupt, lazyRefcounts, extendedL2, unknownIncompatibleFeatures, compressionType,
          backingFileOffset, backingFileSize, backingFile, dataFile, cryptoHeaderOffset,
          cryptoHeaderLength, headerExtensionWalk, headerExtensions, backingFormat,
          backingFormatExtension, crosvmBackingFormat);
    }

    /** Returns a qcow (version 1) image's details: the fields found so far. */
    QcowDetails qcowDetails() {
      Integer bits = clusterBits == null ? null : clusterBits.intValue();
      return new QcowDetails(
          version, bits, l2Bits, cryptMethod, encryption, backingFileOffset, backingFileSize, backingFile);
    }

    void encryption(long cryptMethod, String name) {
      this.cryptMethod = cryptMethod;
      this.encryption = cryptMethod == 0 ? "none" : name == null ? "unknown" : name;
      if (cryptMethod != 0) {
        found.flag(Flag.ENCRYPTED);
      }
    }

    /**
     * Reads the backing file name at {@code offset} of {@code length} bytes (the header's fields,
     * null when the head ends before them) if the header names one, within {@code areaEnd} (the
     * first cluster for qcow2) and the file.
     */
    void backingFile(U64 offset, Long length, long areaEnd) throws IOException {
      if (offset == null || length == null || offset.bits() == 0 || length == 0) {
        return;
      }
      long at = offset.bits();
      // The header names another file: that alone is the finding, whether or not the name is readable.
      found.flag(Flag.BACKING_FILE);
      backingFileOffset = offset;
      backingFileSize = length;
      if (length > Caps.BACKING_FILE_NAME) {
        found.invalid("backing file name length " + length + " is above 1023");
        return;
      }
      if (at < 0 || at > fileSize - length) {
        found.invalid("backing file name at " + offset + " passes the end of the file");
        return;
      }
      if (at + length > areaEnd) {
        found.invalid("backing file name at " + at + " passes the first cluster");
      }
      backingFile = new String(ProbeBytes.read(probe, at, length.intValue()), StandardCharsets.UTF_8);
    }
    /**
     * Walks the header extensions from {@code start} to {@code end} (exclusive), as QEMU's
     * qcow2_read_extensions does, reading at most {@link Caps#QCOW_EXTENSION_AREA} bytes past the
     * head, in one read. The first {@link Caps#QCOW_EXTENSIONS} extensions are named in {@code
     * details.headerExtensions}; all of them are walked.
     */
    void extensions(long start, long end) throws IOException {
      CappedList<String> seen = new CappedList<>(Caps.QCOW_EXTENSIONS);
      long offset = start;
      String qemuFormat = null;
      String crosvmFormat = null;
      while (offset < end) {
        if (end - offset < 8) {
          found.invalid("header extension at " + offset + " passes the end of the extension area");
          break;
        }
        if (offset + 8 > fileSize) {
          found.headerTruncated();
          break;
        }
        byte[] ext = extensionBytes(offset, 8, end);
        if (ext == null) {
          break;
        }
        int type = Bytes.u32be(ext, 0);
        long length = Bytes.u32beUnsigned(ext, 4);
        offset += 8;
        if (type == 0) {
          break;
        }
        if (length > end - offset) {
          found.invalid("header extension 0x" + hex(type) + " of " + length + " bytes passes the end of the extension area");
          break;
        }
        if (offset + length > fileSize) {
          found.headerTruncated();
          break;
        }
        if (seen.hasRoom()) {
          seen.add(extensionName(type));
        } else {
          seen.countDropped();
        }
        boolean wanted = type == EXT_QEMU_BACKING_FORMAT || type == EXT_CROSVM_BACKING_FORMAT
            || type == EXT_DATA_FILE || type == EXT_CRYPTO_HEADER;
        byte[] data = null;
        if (wanted) {
          data = extensionBytes(offset, (int) length, end);
          if (data == null) {
            break;
          }
        }
        if (type == EXT_QEMU_BACKING_FORMAT) {
          if (length > MAX_BACKING_FORMAT_LENGTH) {
            found.invalid("backing format extension of " + length + " bytes is longer than 15");
          } else {
            qemuFormat = text(data);
          }
        } else if (type == EXT_CROSVM_BACKING_FORMAT) {
          crosvmFormat = text(data);
        } else if (type == EXT_DATA_FILE) {
          dataFile = text(data);
          found.flag(Flag.EXTERNAL_DATA_FILE);
        } else if (type == EXT_CRYPTO_HEADER && length >= 16) {
          cryptoHeaderOffset = U64.of(Bytes.u64be(data, 0));
          cryptoHeaderLength = U64.of(Bytes.u64be(data, 8));
        }
        offset += (length + 7) & ~7L;
      }
      headerExtensions = List.copyOf(seen.kept());
      seen.noteCutInto(found, "headerExtensions");
      if (qemuFormat != null || crosvmFormat != null) {
        backingFormat = qemuFormat != null ? qemuFormat : crosvmFormat;
        backingFormatExtension =
            qemuFormat != null && crosvmFormat != null ? "qemu+crosvm" : qemuFormat != null ? "qemu" : "crosvm";
        if (qemuFormat != null && crosvmFormat != null) {
          crosvmBackingFormat = crosvmFormat;
        }
      }
    }

    /**
     * Returns the {@code length} bytes at {@code offset} of the extension area ending at {@code
     * end}, or {@code null} (with the finding) when they lie past what the cap lets this walk read,
     * or past the end of a file that shrank while read. The first bytes past the head are read at
     * once, as many as the cap allows: one read however many extensions there are.
     */
    private byte[] extensionBytes(long offset, int length, long end) throws IOException {
      long limit = Math.min(end, head.length + (long) Caps.QCOW_EXTENSION_AREA);
      if (offset + length > window.length && window == head && limit > head.length) {
        window = ProbeBytes.read(probe, 0, (int) limit);
      }
      if (offset + length <= window.length) {
        return Arrays.copyOfRange(window, (int) offset, (int) offset + length);
      }
      if (offset + length > limit) {
        headerExtensionWalk = "stopped at cap";
      } else {
        found.headerTruncated();
      }
      return null;
    }
  }

  /** Returns the extension's name in reports: a known name, or its type in hex. */
  static String extensionName(int type) {
    return switch (type) {
      case EXT_QEMU_BACKING_FORMAT -> "backing-format";
      case EXT_CROSVM_BACKING_FORMAT -> "crosvm-backing-format";
      case EXT_FEATURE_NAMES -> "feature-names";
      case EXT_BITMAPS -> "bitmaps";
      case EXT_CRYPTO_HEADER -> "crypto-header";
      case EXT_DATA_FILE -> "data-file";
      default -> "0x" + hex(type);
    };
  }

  private static String hex(int type) {
    return Bytes.hex(type, 8, true);
  }

  /** Decodes a name stored without a terminator; a NUL, if any, ends it. */
  private static String text(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }
}
