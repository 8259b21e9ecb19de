package dev.imageaudit.core.internal.avf;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.format.Magic;
import dev.imageaudit.core.internal.source.Bytes;

/**
 * virtmgr's rules for a partition image, exactly as AVF's {@code composite.rs} applies them since
 * "virtmgr: drop support for qcow2 and composite as partition images" (FORMATS.md section 1).
 *
 * <p>virtmgr reads 4 bytes at 0 (end of file: raw), checks the qcow and sparse magics, then reads
 * 15 bytes at 0 (end of file: raw) for the composite magic; anything else is raw. A raw
 * partition's size is st_size; a sparse one's is total_blks x blk_sz from its 28-byte header.
 */
public final class VirtmgrPartitionRules {

  /** virtmgr's image types; {@link #debugName} is how virtmgr's messages print them. */
  public enum ImageType {
    RAW("Raw"),
    QCOW2("Qcow2"),
    COMPOSITE_DISK("CompositeDisk"),
    ANDROID_SPARSE("AndroidSparse");

    private final String debugName;

    ImageType(String debugName) {
      this.debugName = debugName;
    }

    /** Returns the name as Rust's {@code Debug} prints it in virtmgr's messages. */
    public String debugName() {
      return debugName;
    }
  }

  /**
   * virtmgr's answer for one partition image.
   *
   * @param type the type virtmgr detects
   * @param verdict accepted, rejected (unsupported type) or error (unreadable sparse header)
   * @param partitionSize the size virtmgr gives the partition, or {@code null} unless accepted
   */
  public record Outcome(ImageType type, Verdict verdict, U64 partitionSize) {}

  static final int SPARSE_HEADER_SIZE = 28;

  private VirtmgrPartitionRules() {}

  /** Returns the type virtmgr detects from the first bytes of a file (all of them if fewer than 15). */
  public static ImageType detectImageType(byte[] head) {
    if (head.length < 4) {
      return ImageType.RAW;
    }
    if (Bytes.startsWith(head, 0, Magic.QCOW)) {
      return ImageType.QCOW2;
    }
    if (Bytes.startsWith(head, 0, Magic.ANDROID_SPARSE)) {
      return ImageType.ANDROID_SPARSE;
    }
    if (head.length < Magic.COMPOSITE.length) {
      return ImageType.RAW;
    }
    return Bytes.startsWith(head, 0, Magic.COMPOSITE) ? ImageType.COMPOSITE_DISK : ImageType.RAW;
  }

  /**
   * Judges a partition image as virtmgr does.
   *
   * @param head the first bytes of the file (at least 28 unless the file is shorter)
   * @param statSize the file's st_size, which virtmgr takes as a raw partition's size (0 for a block device)
   */
  public static Outcome judge(byte[] head, long statSize) {
    ImageType type = detectImageType(head);
    switch (type) {
      case RAW:
        return new Outcome(type, Verdict.accepted(), U64.of(statSize));
      case ANDROID_SPARSE:
        if (head.length < SPARSE_HEADER_SIZE) {
          return new Outcome(type, Verdict.error("failed to read android sparse header"), null);
        }
        // total_blks (u32 @16) x blk_sz (u32 @12): u32 x u32 always fits in u64, as virtmgr's checked_mul finds.
        U64 size = U64.ofProduct(Bytes.u32le(head, 16), Bytes.u32le(head, 12));
        return new Outcome(type, Verdict.accepted(), size);
      default:
        return new Outcome(type, Verdict.rejected("unsupported partition image type: " + type.debugName()), null);
    }
  }
}
