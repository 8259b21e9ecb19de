package dev.imageaudit.core;

import java.util.Arrays;
import java.util.Optional;

/** A finding about an image that a user may gate on; {@link #id()} is its stable kebab-case name. */
public enum Flag {
  /** virtmgr refuses the image as a partition image (qcow2, qcow, composite). */
  UNSUPPORTED_PARTITION_IMAGE("unsupported-partition-image"),
  /** The image names a backing file (qcow, qcow2, qed): it reads another host file. */
  BACKING_FILE("backing-file"),
  /** A qcow2 image keeps its data in an external data file. */
  EXTERNAL_DATA_FILE("external-data-file"),
  /** A VMDK descriptor names extent files. */
  EXTERNAL_EXTENT("external-extent"),
  /** A differencing disk: VHDX parent locator, QED backing file. */
  DIFFERENCING_DISK("differencing-disk"),
  /** The image's data is encrypted. */
  ENCRYPTED("encrypted"),
  /** The image was not closed cleanly (qcow2 dirty bit, QED need-check). */
  DIRTY("dirty"),
  /** The image marks itself corrupt (qcow2 corrupt bit). */
  CORRUPT("corrupt"),
  /** The header sets feature bits this tool (and so likely its consumers) does not know. */
  UNKNOWN_FEATURES("unknown-features"),
  /** The bytes match more than one non-raw format. */
  AMBIGUOUS_FORMAT("ambiguous-format"),
  /** The file ends before structures its header points to. */
  TRUNCATED("truncated"),
  /** A header check failed; {@code details.invalidHeader} names it. */
  INVALID_HEADER("invalid-header"),
  /** crosvm would not open the image as a whole disk; {@code avf.diskReason} says why. */
  CROSVM_UNSUPPORTED("crosvm-unsupported"),
  /** A zstd image given as a partition: virtmgr takes it as raw, crosvm as zstd. */
  ZSTD_AS_RAW_PARTITION("zstd-as-raw-partition"),
  /** A block device as a raw partition: virtmgr takes st_size, which is 0. */
  ZERO_SIZE_PARTITION("zero-size-partition"),
  /**
   * The file changed while it was read: it shrank (a read inside the size it had at open came back
   * short) or grew (a read at its end found more). The verdict is on bytes that are no longer the
   * file's; audit it again once it is still.
   */
  CHANGED_DURING_AUDIT("changed-during-audit");

  private final String id;

  Flag(String id) {
    this.id = id;
  }

  /** Returns the stable name used in reports and by {@code --fail-on}. */
  public String id() {
    return id;
  }

  /** Returns the flag named {@code id}, if there is one. */
  public static Optional<Flag> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }
}
