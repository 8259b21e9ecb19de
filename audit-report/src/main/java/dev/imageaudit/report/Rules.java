package dev.imageaudit.report;

import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The rules the tools' formats (SARIF, JUnit) list, in a fixed order: one per {@link Flag}, one per
 * {@link ConfigRule}, then {@link #UNREADABLE}, the paths that could not be audited. Ids are
 * prefixed by kind ({@code flag/backing-file}, {@code config/missing-file}) because a flag and a
 * config rule may share a name ({@code unsupported-partition-image}).
 */
final class Rules {

  /** A rule: its id, a one-line description and a longer help text. */
  record Rule(String id, String name, String description, String help, Flag flag, ConfigRule configRule) {}

  /** The rule for entries that could not be audited (an error of any kind): the run is incomplete. */
  static final String UNREADABLE_ID = "audit/unreadable-path";

  static final Rule UNREADABLE =
      new Rule(
          UNREADABLE_ID,
          "unreadable-path",
          "A path could not be audited.",
          "The path could not be opened or read (permission denied, I/O error, timeout...): the audit is"
              + " incomplete and vouches for nothing about it. The result's message gives the error's kind.",
          null,
          null);

  private static final Map<Flag, String[]> FLAG_TEXT = new EnumMap<>(Flag.class);
  private static final Map<ConfigRule, String> CONFIG_TEXT = new EnumMap<>(ConfigRule.class);

  static {
    flag(Flag.UNSUPPORTED_PARTITION_IMAGE, "virtmgr refuses the image as a partition image.",
        "AVF's virtmgr accepts raw and Android sparse partition images only; qcow2, qcow and composite are refused.");
    flag(Flag.BACKING_FILE, "The image names a backing file.",
        "A qcow, qcow2 or qed image with a backing file reads another host file: the image is not self-contained.");
    flag(Flag.EXTERNAL_DATA_FILE, "The qcow2 image keeps its data in an external data file.",
        "The data lives in another host file that the image names.");
    flag(Flag.EXTERNAL_EXTENT, "The VMDK descriptor names extent files.",
        "The disk's data lives in other host files that the descriptor names.");
    flag(Flag.DIFFERENCING_DISK, "A differencing disk.",
        "A VHDX with a parent locator or a QED with a backing file: it reads its parent from another host file.");
    flag(Flag.ENCRYPTED, "The image's data is encrypted.", "The data cannot be read without a key.");
    flag(Flag.DIRTY, "The image was not closed cleanly.",
        "The qcow2 dirty bit or the QED need-check flag is set: its metadata may need repair.");
    flag(Flag.CORRUPT, "The image marks itself corrupt.", "The qcow2 corrupt bit is set.");
    flag(Flag.UNKNOWN_FEATURES, "The header sets unknown feature bits.",
        "Feature bits this tool does not know, and its consumers likely do not either.");
    flag(Flag.AMBIGUOUS_FORMAT, "The bytes match more than one format.",
        "More than one non-raw format's signature matches: consumers may read the image differently.");
    flag(Flag.TRUNCATED, "The file ends before structures its header points to.",
        "The image is cut short: reads past its end will fail.");
    flag(Flag.INVALID_HEADER, "A header check failed.", "details.invalidHeader in the JSON report names the check.");
    flag(Flag.CROSVM_UNSUPPORTED, "crosvm would not open the image as a whole disk.",
        "avf.diskReason in the JSON report says why.");
    flag(Flag.ZSTD_AS_RAW_PARTITION, "A zstd image given as a partition.",
        "virtmgr takes it as raw and crosvm as zstd: the guest sees compressed bytes.");
    flag(Flag.ZERO_SIZE_PARTITION, "A block device as a raw partition.",
        "virtmgr takes its st_size, which is 0, as the partition's size.");
    flag(Flag.CHANGED_DURING_AUDIT, "The file changed while it was read.",
        "The verdict is on bytes that are no longer the file's; audit it again once it is still.");
    config(ConfigRule.CONFIG_UNREADABLE, "The VM config itself cannot be read.");
    config(ConfigRule.INVALID_JSON, "The VM config is not JSON that vm run parses.");
    config(ConfigRule.INVALID_CONFIG, "A field of the VM config has the wrong type or value, or is missing.");
    config(ConfigRule.DISK_IMAGE_OR_PARTITIONS, "A disk has both image and partitions, or neither.");
    config(ConfigRule.MISSING_FILE, "A file the VM config names does not exist.");
    config(ConfigRule.UNREADABLE_FILE, "A file the VM config names could not be audited.");
    config(ConfigRule.UNSUPPORTED_PARTITION_IMAGE, "virtmgr refuses a partition image's type.");
    config(ConfigRule.INVALID_PARTITION_IMAGE, "virtmgr cannot size a partition image.");
    config(ConfigRule.UNALIGNED_WRITABLE_PARTITION, "A writable partition's size is not a multiple of 4096.");
    config(ConfigRule.WRITABLE_ANDROID_SPARSE, "A writable partition or disk is an Android sparse image.");
    config(ConfigRule.DUPLICATE_PARTITION_LABEL, "Two partition labels are equal once cut to 36 UTF-16 units.");
    config(ConfigRule.TOO_MANY_PARTITIONS, "A disk has more than the GPT's 128 partition entries.");
    config(ConfigRule.DISK_TOO_LARGE, "The assembled composite disk is 2 TiB or more.");
    config(ConfigRule.LABEL_TRUNCATED, "A label is longer than 36 UTF-16 code units.");
    config(ConfigRule.RELATIVE_PATHS, "The VM config's paths are relative.");
    for (Flag f : Flag.values()) {
      if (!FLAG_TEXT.containsKey(f)) {
        throw new ExceptionInInitializerError("no text for flag " + f);
      }
    }
    for (ConfigRule r : ConfigRule.values()) {
      if (!CONFIG_TEXT.containsKey(r)) {
        throw new ExceptionInInitializerError("no text for config rule " + r);
      }
    }
  }

  /** Every rule, in order: flags, config rules, then unreadable paths. */
  static final List<Rule> ALL = all();

  private Rules() {}

  private static void flag(Flag flag, String description, String help) {
    FLAG_TEXT.put(flag, new String[] {description, help});
  }

  private static void config(ConfigRule rule, String description) {
    CONFIG_TEXT.put(rule, description);
  }

  private static List<Rule> all() {
    List<Rule> rules = new ArrayList<>();
    for (Flag f : Flag.values()) {
      String[] text = FLAG_TEXT.get(f);
      rules.add(new Rule(flagId(f), f.id(), text[0], text[1], f, null));
    }
    for (ConfigRule r : ConfigRule.values()) {
      String help =
          CONFIG_TEXT.get(r) + " Severity " + r.severity().id() + (r.severity() == ConfigRule.Severity.ERROR
              ? ": the VM does not start, or fails once running." : ": the VM starts, perhaps not as expected.");
      rules.add(new Rule(configId(r), r.id(), CONFIG_TEXT.get(r), help, null, r));
    }
    rules.add(UNREADABLE);
    return Collections.unmodifiableList(rules);
  }

  /** Returns a flag's rule id: {@code flag/ID}. */
  static String flagId(Flag flag) {
    return "flag/" + flag.id();
  }

  /** Returns a config rule's rule id: {@code config/ID}. */
  static String configId(ConfigRule rule) {
    return "config/" + rule.id();
  }

  /** Returns the index of {@code flag}'s rule in {@link #ALL}. */
  static int index(Flag flag) {
    return flag.ordinal();
  }

  /** Returns the index of {@code rule}'s rule in {@link #ALL}. */
  static int index(ConfigRule rule) {
    return Flag.values().length + rule.ordinal();
  }

  /** Returns the index of {@link #UNREADABLE} in {@link #ALL}. */
  static int unreadableIndex() {
    return Flag.values().length + ConfigRule.values().length;
  }
}
