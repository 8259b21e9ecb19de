package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * VirtualBox VDI (FORMATS.md section 8; QEMU block/vdi.c). All little-endian: signature 0xBEDA107F
 * at 0x40, the disk size u64 at 0x170. The whole header lies in the head, so nothing else is read.
 * The virtual size is QEMU's: the disk size rounded up to whole 512-byte sectors.
 */
final class VdiDetector implements FormatDetector {

  private static final int SIGNATURE = 0xBEDA107F;
  private static final long VERSION_1_1 = 0x00010001L;

  /** The header up to and including the parent UUID, the last field read. */
  private static final int HEADER = 0x1C8;

  /** VirtualBox and QEMU cap the block count so the block map stays under 4 GiB. */
  private static final long MAX_BLOCKS = 0x3FFF_FFFFL;

  private static final int TYPE_DYNAMIC = 1;
  private static final int TYPE_STATIC = 2;
  private static final int TYPE_UNDO = 3;
  private static final int TYPE_DIFFERENCING = 4;

  /** A 4-byte signature at 0x40, where other formats' headers may hold anything. */
  @Override
  public int probeScore() {
    return SCORE_MAGIC_PAST_ZERO;
  }

  @Override
  public Optional<Detection> detect(Probe probe) {
    byte[] head = probe.head();
    if (head.length < 0x44 || Bytes.u32le(head, 0x40) != SIGNATURE) {
      return Optional.empty();
    }
    Findings f = new Findings();
    if (head.length < 0x48) {
      f.truncated("header");
      return Optional.of(f.toDetection(ImageFormat.VDI, null));
    }
    long version = Bytes.u32leUnsigned(head, 0x44);
    f.putIfPresent("version", (version >>> 16) + "." + (version & 0xFFFF));
    if (version != VERSION_1_1) {
      // Version 1.0 headers lay the fields out differently: nothing past the version can be trusted.
      f.invalid("version");
      return Optional.of(f.toDetection(ImageFormat.VDI, null));
    }
    U64 virtualSize = null;
    if (head.length >= 0x178) {
      long diskSize = Bytes.u64le(head, 0x170);
      f.putIfPresent("diskSize", U64.of(diskSize));
      virtualSize = Long.compareUnsigned(diskSize, -512L) > 0 ? null : U64.of((diskSize + 511) & ~511L);
    }
    if (head.length < HEADER) {
      if (head.length >= 0x50) {
        f.putIfPresent("imageType", typeName((int) Bytes.u32leUnsigned(head, 0x4C)));
      }
      f.truncated("header");
      return Optional.of(f.toDetection(ImageFormat.VDI, virtualSize));
    }
    long type = Bytes.u32leUnsigned(head, 0x4C);
    long blockMapOffset = Bytes.u32leUnsigned(head, 0x154);
    long dataOffset = Bytes.u32leUnsigned(head, 0x158);
    long sectorSize = Bytes.u32leUnsigned(head, 0x168);
    long diskSize = Bytes.u64le(head, 0x170);
    long blockSize = Bytes.u32leUnsigned(head, 0x178);
    long blocks = Bytes.u32leUnsigned(head, 0x180);
    long allocated = Bytes.u32leUnsigned(head, 0x184);
    byte[] linkUuid = Arrays.copyOfRange(head, 0x1A8, 0x1B8);
    byte[] parentUuid = Arrays.copyOfRange(head, 0x1B8, 0x1C8);
    f.putIfPresent("imageType", typeName((int) type));
    f.putIfPresent("blockSize", blockSize);
    f.putIfPresent("blocks", blocks);
    f.putIfPresent("blocksAllocated", allocated);
    f.putIfPresent("sectorSize", sectorSize);
    f.putIfPresent("blockMapOffset", blockMapOffset);
    f.putIfPresent("dataOffset", dataOffset);

    if (virtualSize == null) {
      f.invalid("diskSize");
    }
    if (type < TYPE_DYNAMIC || type > TYPE_DIFFERENCING) {
      f.invalid("imageType");
    }
    if (blocks > MAX_BLOCKS) {
      f.invalid("blocks");
    } else if (Long.compareUnsigned(diskSize, blocks * blockSize) > 0) {
      // The block map has no room for the whole disk (QEMU refuses this).
      f.invalid("diskSize");
    }
    if (allocated > blocks) {
      f.invalid("blocksAllocated");
    }
    if (sectorSize != 512) {
      f.invalid("sectorSize");
    }
    if (type == TYPE_DIFFERENCING || !isNull(parentUuid)) {
      f.flag(Flag.DIFFERENCING_DISK);
      if (!isNull(parentUuid)) {
        f.putIfPresent("parentUuid", HexFormat.of().formatHex(parentUuid));
      }
    }
    if (!isNull(linkUuid)) {
      f.putIfPresent("linkUuid", HexFormat.of().formatHex(linkUuid));
    }

    long size = probe.size();
    // Every product is of two u32 values plus a u32: it fits in 64 unsigned bits.
    if (Long.compareUnsigned(blockMapOffset + blocks * 4, size) > 0) {
      f.truncated("blockMap");
    } else if (Long.compareUnsigned(dataOffset + allocated * blockSize, size) > 0) {
      f.truncated("blocks");
    }
    return Optional.of(f.toDetection(ImageFormat.VDI, virtualSize));
  }

  private static String typeName(int type) {
    return switch (type) {
      case TYPE_DYNAMIC -> "dynamic";
      case TYPE_STATIC -> "static";
      case TYPE_UNDO -> "undo";
      case TYPE_DIFFERENCING -> "differencing";
      default -> "unknown(" + Integer.toUnsignedString(type) + ")";
    };
  }

  private static boolean isNull(byte[] uuid) {
    for (byte b : uuid) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

}
