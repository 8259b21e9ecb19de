package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
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
 */
final class QcowDetector extends MagicDetector {

  /** Header extension: the backing file's format, as QEMU writes it. */
  static final int EXT_QEMU_BACKING_FORMAT = 0xE2792ACA;
  /** Header extension: the backing file's format, as crosvm writes and reads it. */
  static final int EXT_CROSVM_BACKING_FORMAT = 0xE279268F;
  /** Header extension: names of the feature bits. */
  static final int EXT_FEATURE_NAMES = 0x6803F857;
  /** Header extension: persistent dirty bitmaps. */
  static final int EXT_BITMAPS = 0x23852875;
  /** Header extension: where the LUKS header of an encrypted image lies. */
  static final int EXT_CRYPTO_HEADER = 0x0537BE77;
  /** Header extension: the external data file's name. */
  static final int EXT_DATA_FILE = 0x44415441;

  static final int MIN_CLUSTER_BITS = 9;
  static final int MAX_CLUSTER_BITS = 21;
  static final int V2_HEADER_LENGTH = 72;
  static final int V3_MIN_HEADER_LENGTH = 104;
  static final int V1_HEADER_LENGTH = 48;

  /** QEMU keeps a backing format name in a 16-byte buffer, NUL included. */
  private static final int MAX_BACKING_FORMAT_LENGTH = 15;

  QcowDetector() {
    super(Magic.QCOW);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    Header h = new Header(probe, found);
    if (head.length < 8) {
      h.found.headerTruncated();
      return h.found.toDetection(ImageFormat.QCOW2, null);
    }
    long version = Bytes.u32beUnsigned(head, 4);
    h.found.put("version", version);
    if (version == 1) {
      return qcowV1(h);
    }
    if (version != 2 && version != 3) {
      h.found.invalid("version " + version + " is not 1, 2 or 3");
      return h.found.toDetection(ImageFormat.QCOW2, null);
    }
    return qcow2(h, (int) version);
  }

  private static Detection qcowV1(Header h) throws IOException {
    byte[] head = h.head;
    if (head.length < 32) {
      h.found.headerTruncated();
      return h.found.toDetection(ImageFormat.QCOW, null);
    }
    U64 size = U64.of(Bytes.u64be(head, 24));
    if (head.length < V1_HEADER_LENGTH) {
      h.found.headerTruncated();
      return h.found.toDetection(ImageFormat.QCOW, size);
    }
    int clusterBits = Bytes.u8(head, 32);
    int l2Bits = Bytes.u8(head, 33);
    long cryptMethod = Bytes.u32beUnsigned(head, 36);
    h.found.put("clusterBits", clusterBits);
    h.found.put("l2Bits", l2Bits);
    h.encryption(cryptMethod, cryptMethod == 1 ? "aes" : null);
    // block/qcow.c's checks, in its order.
    if (Long.compareUnsigned(size.bits(), 1) <= 0) {
      h.found.invalid("size " + size + " is below 2 bytes");
    }
    if (clusterBits < 9 || clusterBits > 16) {
      h.found.invalid("cluster_bits " + clusterBits + " is outside 9..16");
    }
    if (l2Bits < 6 || l2Bits > 13) {
      h.found.invalid("l2_bits " + l2Bits + " is outside 6..13");
    }
    if (cryptMethod > 1) {
      h.found.invalid("crypt_method " + cryptMethod + " is not 0 (none) or 1 (AES)");
    }
    // qcow v1 has no cluster-sized header area: the name may lie anywhere in the file.
    h.backingFile(Long.MAX_VALUE);
    return h.found.toDetection(ImageFormat.QCOW, size);
  }

  private static Detection qcow2(Header h, int version) throws IOException {
    byte[] head = h.head;
    int headerLength = version == 2 ? V2_HEADER_LENGTH : V3_MIN_HEADER_LENGTH;
    if (head.length < 32) {
      h.found.headerTruncated();
      return h.found.toDetection(ImageFormat.QCOW2, null);
    }
    U64 size = U64.of(Bytes.u64be(head, 24));
    long clusterBits = Bytes.u32beUnsigned(head, 20);
    h.found.put("clusterBits", clusterBits);
    boolean clusterOk = clusterBits >= MIN_CLUSTER_BITS && clusterBits <= MAX_CLUSTER_BITS;
    long clusterSize = clusterOk ? 1L << clusterBits : 0;
    if (clusterOk) {
      h.found.put("clusterSize", clusterSize);
    } else {
      h.found.invalid("cluster_bits " + clusterBits + " is outside 9..21");
    }
    if (head.length < headerLength) {
      // The fields read so far stand; the rest of the header is missing.
      if (head.length >= 36) {
        long cryptMethod = Bytes.u32beUnsigned(head, 32);
        h.encryption(cryptMethod, qcow2Encryption(cryptMethod));
      }
      h.found.headerTruncated();
      h.backingFile(clusterOk ? clusterSize : Long.MAX_VALUE);
      return h.found.toDetection(ImageFormat.QCOW2, size);
    }
    long cryptMethod = Bytes.u32beUnsigned(head, 32);
    h.encryption(cryptMethod, qcow2Encryption(cryptMethod));
    h.found.put("snapshots", Bytes.u32beUnsigned(head, 60));
    long declaredLength = V2_HEADER_LENGTH;
    int compressionType = 0;
    long incompatible = 0;
    if (version == 3) {
      incompatible = Bytes.u64be(head, 72);
      long compatible = Bytes.u64be(head, 80);
      long refcountOrder = Bytes.u32beUnsigned(head, 96);
      declaredLength = Bytes.u32beUnsigned(head, 100);
      h.found.put("headerLength", declaredLength);
      h.found.put("incompatibleFeatures", U64.of(incompatible));
      h.found.put("compatibleFeatures", U64.of(compatible));
      h.found.put("autoclearFeatures", U64.of(Bytes.u64be(head, 88)));
      h.found.put("refcountOrder", refcountOrder);
      if (refcountOrder <= 6) {
        h.found.put("refcountBits", 1L << refcountOrder);
      }
      h.found.put("dirty", (incompatible & 1) != 0);
      h.found.put("corrupt", (incompatible & 2) != 0);
      h.found.put("lazyRefcounts", (compatible & 1) != 0);
      h.found.put("extendedL2", (incompatible & 16) != 0);
      if ((incompatible & 1) != 0) {
        h.found.flag(Flag.DIRTY);
      }
      if ((incompatible & 2) != 0) {
        h.found.flag(Flag.CORRUPT);
      }
      if ((incompatible & 4) != 0) {
        h.found.flag(Flag.EXTERNAL_DATA_FILE);
      }
      List<Integer> unknown = new ArrayList<>();
      for (int bit = 5; bit < 64; bit++) {
        if ((incompatible >>> bit & 1) != 0) {
          unknown.add(bit);
        }
      }
      if (!unknown.isEmpty()) {
        h.found.put("unknownIncompatibleFeatures", unknown);
        h.found.flag(Flag.UNKNOWN_FEATURES);
      }
      if (declaredLength < V3_MIN_HEADER_LENGTH) {
        h.found.invalid("header_length " + declaredLength + " is below 104");
      } else if (clusterOk && declaredLength > clusterSize) {
        h.found.invalid("header_length " + declaredLength + " passes the first cluster");
      }
      if (declaredLength > V3_MIN_HEADER_LENGTH && head.length > V3_MIN_HEADER_LENGTH) {
        compressionType = Bytes.u8(head, V3_MIN_HEADER_LENGTH);
      }
      if (refcountOrder > 6) {
        h.found.invalid("refcount_order " + refcountOrder + " is above 6");
      }
    }
    if (version == 2) {
      // Version 2 has no refcount_order field: its refcounts are always 16 bits (order 4).
      h.found.put("refcountOrder", 4L);
      h.found.put("refcountBits", 16L);
    }
    h.found.put("compressionType", compressionType == 0 ? "zlib" : compressionType == 1 ? "zstd" : "unknown");
    if (compressionType > 1) {
      h.found.invalid("compression type " + compressionType + " is not 0 (zlib) or 1 (zstd)");
    } else if ((compressionType != 0) != ((incompatible & 8) != 0)) {
      h.found.invalid("compression type " + compressionType + " disagrees with incompatible feature bit 3");
    }
    if (cryptMethod > 2) {
      h.found.invalid("crypt_method " + cryptMethod + " is not 0, 1 (AES) or 2 (LUKS)");
    }
    long backingOffset = Bytes.u64be(head, 8);
    if (clusterOk && Long.compareUnsigned(backingOffset, clusterSize) > 0) {
      h.found.invalid("backing file offset " + Long.toUnsignedString(backingOffset) + " passes the first cluster");
    }
    h.backingFile(clusterOk ? clusterSize : Long.MAX_VALUE);
    boolean lengthOk = version == 2 || (declaredLength >= V3_MIN_HEADER_LENGTH && declaredLength <= clusterSize);
    if (clusterOk && lengthOk) {
      // QEMU reads extensions up to the backing file name, or else to the end of the first cluster.
      long end = backingOffset != 0 && Long.compareUnsigned(backingOffset, clusterSize) <= 0 ? backingOffset : clusterSize;
      h.extensions((declaredLength + 7) & ~7L, end);
    }
    return h.found.toDetection(ImageFormat.QCOW2, size);
  }

  private static String qcow2Encryption(long cryptMethod) {
    return cryptMethod == 1 ? "aes" : cryptMethod == 2 ? "luks" : null;
  }

  /** What is being learnt about one header, and the reads it takes. */
  private static final class Header {
    final byte[] head;
    final Probe probe;
    final long fileSize;
    final Findings found;
    /** The first cluster's bytes at hand: the head, then, once a walk passes it, up to the cap past it. */
    private byte[] window;

    Header(Probe probe, Findings found) {
      this.found = found;
      this.head = probe.head();
      this.probe = probe;
      this.fileSize = probe.size();
      this.window = head;
    }

    void encryption(long cryptMethod, String name) {
      found.put("cryptMethod", cryptMethod);
      found.put("encryption", cryptMethod == 0 ? "none" : name == null ? "unknown" : name);
      if (cryptMethod != 0) {
        found.flag(Flag.ENCRYPTED);
      }
    }

    /**
     * Reads the backing file name (offset u64 @8, length u32 @16, the same in every version) if
     * the header names one, within {@code areaEnd} (the first cluster for qcow2) and the file.
     */
    void backingFile(long areaEnd) throws IOException {
      if (head.length < 20) {
        return;
      }
      long offset = Bytes.u64be(head, 8);
      long length = Bytes.u32beUnsigned(head, 16);
      if (offset == 0 || length == 0) {
        return;
      }
      // The header names another file: that alone is the finding, whether or not the name is readable.
      found.flag(Flag.BACKING_FILE);
      found.put("backingFileOffset", U64.of(offset));
      found.put("backingFileSize", length);
      if (length > Caps.BACKING_FILE_NAME) {
        found.invalid("backing file name length " + length + " is above 1023");
        return;
      }
      if (offset < 0 || offset > fileSize - length) {
        found.invalid("backing file name at " + Long.toUnsignedString(offset) + " passes the end of the file");
        return;
      }
      if (offset + length > areaEnd) {
        found.invalid("backing file name at " + offset + " passes the first cluster");
      }
      found.put("backingFile", new String(ProbeBytes.read(probe, offset, (int) length), StandardCharsets.UTF_8));
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
          found.put("dataFile", text(data));
          found.flag(Flag.EXTERNAL_DATA_FILE);
        } else if (type == EXT_CRYPTO_HEADER && length >= 16) {
          found.put("cryptoHeaderOffset", U64.of(Bytes.u64be(data, 0)));
          found.put("cryptoHeaderLength", U64.of(Bytes.u64be(data, 8)));
        }
        offset += (length + 7) & ~7L;
      }
      seen.putInto(found, "headerExtensions");
      if (qemuFormat != null || crosvmFormat != null) {
        found.put("backingFormat", qemuFormat != null ? qemuFormat : crosvmFormat);
        found.put("backingFormatExtension",
            qemuFormat != null && crosvmFormat != null ? "qemu+crosvm" : qemuFormat != null ? "qemu" : "crosvm");
        if (qemuFormat != null && crosvmFormat != null) {
          found.put("crosvmBackingFormat", crosvmFormat);
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
        found.put("headerExtensionWalk", "stopped at cap");
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
    return String.format("%08X", type);
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
