package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VdiDetails;
import dev.imageaudit.core.internal.source.Bytes;
import java.util.HexFormat;
import java.util.Optional;

/**
 * VirtualBox VDI (FORMATS.md section 8; QEMU block/vdi.c), read as a {@link Header}. All
 * little-endian: signature 0xBEDA107F at 0x40, the disk size u64 at 0x170. The whole header lies
 * in the head, so nothing else is read. The virtual size is QEMU's: the disk size rounded up to whole 512-byte sectors.
 */
final class VdiDetector implements FormatDetector {

  private static final int SIGNATURE = 0xBEDA107F;
  private static final long VERSION_1_1 = 0x00010001L;

  /** A UUID of all zeros: no parent, no link. */
  private static final String NULL_UUID = "0".repeat(32);

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
    if (!Header.isSigned(head)) {
      return Optional.empty();
    }
    Findings f = new Findings();
    Header h = Header.read(head);
    if (h.version() == null) {
      f.truncated("header");
      return Optional.of(f.toDetection(ImageFormat.VDI, null, FormatDetails.None.INSTANCE));
    }
    long version = h.version();
    String versionText = (version >>> 16) + "." + (version & 0xFFFF);
    if (version != VERSION_1_1) {
      // Version 1.0 headers lay the fields out differently: nothing past the version can be trusted.
      f.invalid("version");
      return Optional.of(f.toDetection(ImageFormat.VDI, null, partial(versionText, null, null)));
    }
    U64 diskSize = h.diskSize();
    U64 virtualSize = null;
    if (diskSize != null) {
      virtualSize = Long.compareUnsigned(diskSize.bits(), -512L) > 0 ? null : U64.of((diskSize.bits() + 511) & ~511L);
    }
    String imageType = h.imageType() == null ? null : typeName(h.imageType().intValue());
    if (!h.isComplete()) {
      f.truncated("header");
      return Optional.of(f.toDetection(ImageFormat.VDI, virtualSize, partial(versionText, diskSize, imageType)));
    }
    long type = h.imageType();
    long blockMapOffset = h.offsetBmap();
    long dataOffset = h.offsetData();
    long sectorSize = h.sectorSize();
    long blockSize = h.blockSize();
    long blocks = h.blocksInImage();
    long allocated = h.blocksAllocated();
    boolean hasParent = !h.uuidParent().equals(NULL_UUID);
    boolean hasLink = !h.uuidLink().equals(NULL_UUID);

    if (virtualSize == null) {
      f.invalid("diskSize");
    }
    if (type < TYPE_DYNAMIC || type > TYPE_DIFFERENCING) {
      f.invalid("imageType");
    }
    if (blocks > MAX_BLOCKS) {
      f.invalid("blocks");
    } else if (Long.compareUnsigned(diskSize.bits(), blocks * blockSize) > 0) {
      // The block map has no room for the whole disk (QEMU refuses this).
      f.invalid("diskSize");
    }
    if (allocated > blocks) {
      f.invalid("blocksAllocated");
    }
    if (sectorSize != 512) {
      f.invalid("sectorSize");
    }
    if (type == TYPE_DIFFERENCING || hasParent) {
      f.flag(Flag.DIFFERENCING_DISK);
    }

    long size = probe.size();
    // Every product is of two u32 values plus a u32: it fits in 64 unsigned bits.
    if (Long.compareUnsigned(blockMapOffset + blocks * 4, size) > 0) {
      f.truncated("blockMap");
    } else if (Long.compareUnsigned(dataOffset + allocated * blockSize, size) > 0) {
      f.truncated("blocks");
    }
    VdiDetails details = new VdiDetails(versionText, diskSize, imageType, blockSize, blocks, allocated, sectorSize,
        blockMapOffset, dataOffset, hasParent ? h.uuidParent() : null, hasLink ? h.uuidLink() : null);
    return Optional.of(f.toDetection(ImageFormat.VDI, virtualSize, details));
  }

  /** Returns the details of a header cut short or of another version: the fields before the block map's. */
  private static VdiDetails partial(String version, U64 diskSize, String imageType) {
    return new VdiDetails(version, diskSize, imageType, null, null, null, null, null, null, null, null);
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

  /**
   * The VDI 1.1 header, QEMU's {@code VdiHeader} (block/vdi.c) from the version on, all
   * little-endian. A field is {@code null} when the head ends before it (a file shorter than the
   * header); every field is there when {@link #isComplete()}. Fields this detector does not check
   * are read all the same, so the layout stands here whole, once.
   *
   * @param version the header version, major in the high 16 bits, minor in the low (u32)
   * @param headerSize the size of the header past the pre-header, in bytes (u32)
   * @param imageType 1 dynamic, 2 static, 3 undo, 4 differencing (u32)
   * @param imageFlags the image flags (u32)
   * @param offsetBmap the byte offset of the block map (u32)
   * @param offsetData the byte offset of the first data block (u32)
   * @param cylinders the legacy geometry's cylinders (u32)
   * @param heads the legacy geometry's heads (u32)
   * @param sectors the legacy geometry's sectors per track (u32)
   * @param sectorSize the sector size in bytes (u32; 512)
   * @param diskSize the disk size in bytes (u64)
   * @param blockSize the size of a block in bytes (u32)
   * @param blockExtra the bytes of extra data before each block (u32)
   * @param blocksInImage the number of blocks of the disk (u32)
   * @param blocksAllocated the number of blocks allocated in the file (u32)
   * @param uuidImage this image's UUID, 32 hex digits as stored
   * @param uuidLastSnap the last snapshot's UUID, 32 hex digits as stored
   * @param uuidLink the link UUID, 32 hex digits as stored
   * @param uuidParent the parent image's UUID, 32 hex digits as stored ({@link #NULL_UUID} for none)
   */
  record Header(
      Long version,
      Long headerSize,
      Long imageType,
      Long imageFlags,
      Long offsetBmap,
      Long offsetData,
      Long cylinders,
      Long heads,
      Long sectors,
      Long sectorSize,
      U64 diskSize,
      Long blockSize,
      Long blockExtra,
      Long blocksInImage,
      Long blocksAllocated,
      String uuidImage,
      String uuidLastSnap,
      String uuidLink,
      String uuidParent) {

    private static final int SIGNATURE_AT = 0x40;
    private static final int UUID_BYTES = 16;

    /** Returns true if {@code head} holds the VDI signature, {@code 0xBEDA107F} at 0x40. */
    static boolean isSigned(byte[] head) {
      return head.length >= SIGNATURE_AT + 4 && Bytes.u32le(head, SIGNATURE_AT) == SIGNATURE;
    }

    /** Reads the header's fields from {@code head}, those past its end as {@code null}. */
    static Header read(byte[] head) {
      return new Header(
          u32(head, 0x44),
          u32(head, 0x48),
          u32(head, 0x4C),
          u32(head, 0x50),
          // 0x54: the 256-byte image description, not read.
          u32(head, 0x154),
          u32(head, 0x158),
          u32(head, 0x15C),
          u32(head, 0x160),
          u32(head, 0x164),
          u32(head, 0x168),
          // 0x16C: unused.
          u64(head, 0x170),
          u32(head, 0x178),
          u32(head, 0x17C),
          u32(head, 0x180),
          u32(head, 0x184),
          uuid(head, 0x188),
          uuid(head, 0x198),
          uuid(head, 0x1A8),
          uuid(head, 0x1B8));
    }

    /** Returns true if the head held the whole header, up to the parent's UUID. */
    boolean isComplete() {
      return uuidParent != null;
    }

    private static Long u32(byte[] head, int at) {
      return head.length >= at + 4 ? Bytes.u32leUnsigned(head, at) : null;
    }

    private static U64 u64(byte[] head, int at) {
      return head.length >= at + 8 ? U64.of(Bytes.u64le(head, at)) : null;
    }

    private static String uuid(byte[] head, int at) {
      return head.length >= at + UUID_BYTES ? HexFormat.of().formatHex(head, at, at + UUID_BYTES) : null;
    }
  }
}
