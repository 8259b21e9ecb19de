package dev.imageaudit.core;

/**
 * A rule a VM config is checked against; {@link #id()} is its stable kebab-case name in reports and
 * metrics, and {@link #severity()} says whether breaking it stops the VM.
 *
 * <p>The rules are those of AVF's {@code vm run} (the config JSON, {@code libs/vmconfig}), virtmgr
 * (partition image types and sizes) and crosvm (assembling the partitions into one GPT composite
 * disk: {@code disk/src/composite.rs}, {@code gpt.rs}). See FORMATS.md sections 1 to 3.
 */
public enum ConfigRule {
  /** The config file itself cannot be read (missing, not a regular file, too large, I/O error). */
  CONFIG_UNREADABLE("config-unreadable", Severity.ERROR),
  /** The config is not JSON that {@code vm run} parses: a syntax error, bad UTF-8, a duplicate key. */
  INVALID_JSON("invalid-json", Severity.ERROR),
  /** A field has the wrong type or value, a required one is missing, or a cross-field check fails. */
  INVALID_CONFIG("invalid-config", Severity.ERROR),
  /** A disk has both {@code image} and {@code partitions}, or neither (an empty list counts as none). */
  DISK_IMAGE_OR_PARTITIONS("disk-image-or-partitions", Severity.ERROR),
  /** A named image or partition file does not exist (or its path is not a valid path). */
  MISSING_FILE("missing-file", Severity.ERROR),
  /** A named file exists but could not be audited (permission, I/O error, a directory, a FIFO). */
  UNREADABLE_FILE("unreadable-file", Severity.ERROR),
  /** virtmgr refuses the partition image's type (qcow2, qcow, composite). */
  UNSUPPORTED_PARTITION_IMAGE("unsupported-partition-image", Severity.ERROR),
  /** virtmgr cannot size the partition image (an Android sparse header cut short). */
  INVALID_PARTITION_IMAGE("invalid-partition-image", Severity.ERROR),
  /** A writable partition's size is not a multiple of 4096 (crosvm's UnalignedReadWrite). */
  UNALIGNED_WRITABLE_PARTITION("unaligned-writable-partition", Severity.ERROR),
  /** A writable partition or disk is an Android sparse image: crosvm serves it read-only, so the first write fails. */
  WRITABLE_ANDROID_SPARSE("writable-android-sparse", Severity.ERROR),
  /** Two partition labels are equal once cut to 36 UTF-16 code units (crosvm's DuplicatePartitionLabel). */
  DUPLICATE_PARTITION_LABEL("duplicate-partition-label", Severity.ERROR),
  /** A disk has more than the GPT's 128 partition entries. */
  TOO_MANY_PARTITIONS("too-many-partitions", Severity.ERROR),
  /** The assembled composite disk is 2 TiB or more (crosvm's InvalidDiskSize). */
  DISK_TOO_LARGE("disk-too-large", Severity.ERROR),
  /** A label is longer than 36 UTF-16 code units: the guest sees it cut short. */
  LABEL_TRUNCATED("label-truncated", Severity.WARNING),
  /** Paths are relative: resolved here from the config's folder, by {@code vm run} from its working directory. */
  RELATIVE_PATHS("relative-paths", Severity.WARNING);

  /** How bad breaking a rule is; {@link #id()} is the name in reports. */
  public enum Severity {
    /** The VM does not start, or fails once running. */
    ERROR("error"),
    /** The VM starts, but perhaps not as the config's author expects. */
    WARNING("warning");

    private final String id;

    Severity(String id) {
      this.id = id;
    }

    /** Returns the stable name used in reports. */
    public String id() {
      return id;
    }
  }

  private final String id;
  private final Severity severity;

  ConfigRule(String id, Severity severity) {
    this.id = id;
    this.severity = severity;
  }

  /** Returns the stable name used in reports and metrics, for example {@code missing-file}. */
  public String id() {
    return id;
  }

  /** Returns how bad breaking this rule is. */
  public Severity severity() {
    return severity;
  }
}
