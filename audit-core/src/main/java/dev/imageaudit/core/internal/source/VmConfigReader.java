package dev.imageaudit.core.internal.source;

import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an AVF VM config the way {@code vm run} does (AVF {@code libs/vmconfig}: serde_json into
 * {@code VmConfig}, then its {@code validate} checks; FORMATS.md section 3), but reports every
 * problem it meets instead of stopping at the first, and resolves the paths it names. Never throws.
 *
 * <p>As serde does for {@code VmConfig}: unknown keys are ignored; an optional field may be absent
 * or null; a field with a default ({@code disks}, {@code protected}, {@code devices}, a partition's
 * {@code writable}) may be absent but not null; {@code platform_version}, a disk's {@code writable}
 * and a partition's {@code label} and {@code path} are required. Duplicate keys, trailing content
 * and a byte order mark are errors, as they are to serde_json. {@code platform_version} is checked
 * to be a string, not parsed as a SemVer range.
 */
public final class VmConfigReader {

  /**
   * The most bytes read from a config file. A real config is a few hundred bytes (microdroid's is
   * under 1 KiB); a file past 1 MiB is not a hand-written config, and is reported unread.
   */
  static final int MAX_CONFIG_BYTES = 1 << 20;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          // serde_json refuses a key given twice in one object ("duplicate field"): so does vm run.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // serde_json refuses anything but whitespace after the value ("trailing characters").
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The forms the uuid crate parses: hyphenated, simple (32 digits), braced and URN. */
  private static final Pattern UUID =
      Pattern.compile(
          "(?:urn:uuid:)?\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}"
              + "|\\{\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}}"
              + "|\\p{XDigit}{32}");

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final String display;
  private final Path folder;
  private final List<VmConfigAudit.Finding> findings = new ArrayList<>();

  private VmConfigReader(String display, Path folder) {
    this.display = display;
    this.folder = folder;
  }

  /** Reads the config at {@code file}; any failure is a finding of the result, never an exception. */
  public static LoadedConfig load(Path file) {
    String display = file.toString();
    byte[] bytes;
    try {
      bytes = readCapped(file);
    } catch (NotReadable e) {
      return unreadable(file, e.getMessage());
    } catch (IOException e) {
      return unreadable(file, Failures.of(display, null, e).message());
    }
    try {
      return parse(file, bytes);
    } catch (RuntimeException e) {
      // A defect here must not cost the run its other inputs: the config is reported unread.
      return unreadable(file, "internal error: " + e);
    }
  }

  /** Reads {@code bytes} as the config at {@code file}; {@code file}'s folder resolves relative paths. */
  static LoadedConfig parse(Path file, byte[] bytes) {
    VmConfigReader reader = new VmConfigReader(file.toString(), file.getParent());
    List<LoadedConfig.DiskSpec> disks = reader.read(bytes);
    return new LoadedConfig(reader.display, folderName(file), true, reader.findings, disks);
  }

  private static LoadedConfig unreadable(Path file, String reason) {
    VmConfigAudit.Finding finding =
        new VmConfigAudit.Finding(
            ConfigRule.CONFIG_UNREADABLE, "cannot read the config: " + reason, null, null, List.of());
    return new LoadedConfig(file.toString(), folderName(file), false, List.of(finding), List.of());
  }

  private static String folderName(Path file) {
    return file.getParent() == null ? "." : file.getParent().toString();
  }

  /** Thrown for a config that is refused before any byte is read, with the reason. */
  private static final class NotReadable extends Exception {
    private static final long serialVersionUID = 1L;

    NotReadable(String reason) {
      super(reason, null, false, false);
    }
  }

  private static byte[] readCapped(Path file) throws IOException, NotReadable {
    // vm run opens the config through links, so this does too.
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    if (attrs.isDirectory()) {
      throw new NotReadable("is a directory");
    }
    if (!attrs.isRegularFile()) {
      // A FIFO or a character device could block the run forever: never opened.
      throw new NotReadable("not a regular file; not opened");
    }
    if (attrs.size() > MAX_CONFIG_BYTES) {
      throw new NotReadable(tooLarge(attrs.size()));
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw new NotReadable(tooLarge(bytes.length));
      }
      return bytes;
    }
  }

  private static String tooLarge(long size) {
    return size + " bytes is more than the " + MAX_CONFIG_BYTES + " a VM config may have here; not read";
  }

  private List<LoadedConfig.DiskSpec> read(byte[] bytes) {
    if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
      invalidJson("starts with a UTF-8 byte order mark, which vm run's JSON reader refuses");
      return List.of();
    }
    String text = utf8(bytes);
    if (text == null) {
      return List.of();
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JacksonException e) {
      // Some limits (nesting depth, lengths) are reported without a place.
      String where = e.getLocation() == null || e.getLocation().getLineNr() < 1
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      invalidJson("not valid JSON" + where + ": " + e.getOriginalMessage());
      return List.of();
    }
    if (root == null || root.isMissingNode()) {
      invalidJson("the file holds no JSON value");
      return List.of();
    }
    if (!root.isObject()) {
      invalid(null, "the config must be a JSON object, not " + kind(root));
      return List.of();
    }
    checkTopLevel(root);
    return disks(root);
  }

  /** Decodes strict UTF-8, as serde_json requires; returns null after a finding when it is not. */
  private String utf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      invalidJson("not UTF-8: bad byte sequence at byte offset " + in.position());
      return null;
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private void checkTopLevel(JsonNode root) {
    for (String key : List.of("name", "kernel", "initrd", "params", "bootloader", "cpu_topology", "console_input_device")) {
      optional(root, key, null, JsonNode::isString, "a string");
    }
    withDefault(root, "protected", null, JsonNode::isBoolean, "true or false");
    withDefault(root, "devices", null, VmConfigReader::isStringArray, "an array of strings");
    optional(root, "usb_config", null, JsonNode::isObject, "an object");
    JsonNode memory = root.get("memory_mib");
    // NonZeroU32: a whole number 1..2^32-1; serde refuses a fraction, 0, a negative or a larger number.
    if (memory != null && !memory.isNull()
        && !(memory.isIntegralNumber() && memory.bigIntegerValue().signum() > 0 && memory.bigIntegerValue().bitLength() <= 32)) {
      invalid(null, "`memory_mib` must be a whole number from 1 to 4294967295, not " + shown(memory));
    }
    JsonNode version = root.get("platform_version");
    if (version == null) {
      invalid(null, "`platform_version` is missing; vm run requires it (a SemVer range such as \"~1.0\")");
    } else if (!version.isString()) {
      invalid(null, "`platform_version` must be a string (a SemVer range such as \"~1.0\"), not " + kind(version));
    }
    // VmConfig::validate: a bootloader, or a kernel (with an optional initrd), never both.
    boolean kernel = present(root, "kernel");
    boolean bootloader = present(root, "bootloader");
    if (!kernel && !bootloader) {
      invalid(null, "the config names neither `kernel` nor `bootloader`; vm run needs one of them");
    } else if (bootloader && (kernel || present(root, "initrd"))) {
      invalid(null, "`bootloader` cannot go with `kernel` or `initrd`; vm run takes one or the other");
    }
  }

  private List<LoadedConfig.DiskSpec> disks(JsonNode root) {
    JsonNode disks = root.get("disks");
    if (disks == null) {
      return List.of();
    }
    if (!disks.isArray()) {
      invalid(null, "`disks` must be an array, not " + kind(disks));
      return List.of();
    }
    List<LoadedConfig.DiskSpec> specs = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      JsonNode disk = disks.get(i);
      String where = "disks[" + i + "]";
      if (!disk.isObject()) {
        invalid(i, "`" + where + "` must be an object, not " + kind(disk));
        continue;
      }
      Boolean writable = required(disk, "writable", where, i, JsonNode::isBoolean, "true or false") ? disk.get("writable").booleanValue() : null;
      LoadedConfig.NamedPath image = null;
      if (optional(disk, "image", i, JsonNode::isString, "a string (a path)") && present(disk, "image")) {
        image = resolve(disk.get("image").stringValue());
      }
      List<LoadedConfig.PartitionSpec> partitions = new ArrayList<>();
      JsonNode list = disk.get("partitions");
      if (withDefault(disk, "partitions", i, JsonNode::isArray, "an array") && list != null) {
        for (int p = 0; p < list.size(); p++) {
          partition(list.get(p), where + ".partitions[" + p + "]", i).ifPresent(partitions::add);
        }
      }
      boolean hasImage = present(disk, "image");
      boolean hasPartitions = list != null && list.isArray() && !list.isEmpty();
      // VmConfig::validate: exactly one of image and a non-empty partitions.
      if (hasImage && hasPartitions) {
        add(ConfigRule.DISK_IMAGE_OR_PARTITIONS, "disk " + i + " has both `image` and `partitions`; exactly one is allowed", i);
      } else if (!hasImage && !hasPartitions) {
        add(
            ConfigRule.DISK_IMAGE_OR_PARTITIONS,
            "disk " + i + " has neither `image` nor any partition"
                + (list != null && list.isArray() ? " (its `partitions` is empty)" : "") + "; exactly one is needed",
            i);
      }
      specs.add(new LoadedConfig.DiskSpec(i, writable, image, partitions));
    }
    return specs;
  }

  private Optional<LoadedConfig.PartitionSpec> partition(JsonNode node, String where, int disk) {
    if (!node.isObject()) {
      invalid(disk, "`" + where + "` must be an object, not " + kind(node));
      return Optional.empty();
    }
    String label = required(node, "label", where, disk, JsonNode::isString, "a string") ? node.get("label").stringValue() : null;
    LoadedConfig.NamedPath path =
        required(node, "path", where, disk, JsonNode::isString, "a string") ? resolve(node.get("path").stringValue()) : null;
    Boolean writable = Boolean.FALSE;
    if (!withDefault(node, "writable", disk, JsonNode::isBoolean, "true or false", where)) {
      writable = null;
    } else if (node.has("writable")) {
      writable = node.get("writable").booleanValue();
    }
    JsonNode guid = node.get("guid");
    if (optional(node, "guid", disk, JsonNode::isString, "a string (a UUID)", where)
        && guid != null && guid.isString() && !UUID.matcher(guid.stringValue()).matches()) {
      invalid(disk, "`" + where + ".guid` is not a UUID: " + shown(guid));
    }
    return Optional.of(new LoadedConfig.PartitionSpec(label, path, writable));
  }

  /**
   * Resolves a path from the config: relative ones from the config's folder. The result is tidied
   * ({@link #tidy}) so that it meets a walk's path for the same file.
   */
  private LoadedConfig.NamedPath resolve(String given) {
    Path raw;
    try {
      raw = Path.of(given);
    } catch (InvalidPathException e) {
      return new LoadedConfig.NamedPath(given, given, null, true);
    }
    boolean relative = !raw.isAbsolute();
    Path joined = relative && folder != null ? folder.resolve(raw) : raw;
    Path tidy = tidy(joined);
    return new LoadedConfig.NamedPath(given, tidy.toString(), tidy, relative);
  }

  /**
   * Drops {@code .} and {@code name/..} from {@code path} only where the file system agrees: the
   * part before them must be a real directory, not a link (through a link, {@code ..} leads to the
   * link target's parent) and not missing (the kernel would fail the lookup where the tidied path
   * might not). The result names the same file as {@code path}, or fails to open as it would.
   */
  static Path tidy(Path path) {
    Path root = path.getRoot();
    List<String> names = new ArrayList<>();
    for (Path element : path) {
      String name = element.toString();
      boolean dot = name.equals(".");
      boolean parent = name.equals("..") && !names.isEmpty() && !names.get(names.size() - 1).equals("..");
      if ((dot || parent) && isRealDirectory(build(root, names))) {
        if (parent) {
          names.remove(names.size() - 1);
        }
        continue;
      }
      names.add(name);
    }
    return build(root, names);
  }

  private static boolean isRealDirectory(Path prefix) {
    // The empty start of a relative path is the working directory, and a root is a directory.
    if (prefix.toString().isEmpty() || prefix.getNameCount() == 0) {
      return true;
    }
    return Files.isDirectory(prefix, NOFOLLOW);
  }

  private static Path build(Path root, List<String> names) {
    Path out = root == null ? Path.of("") : root;
    for (String name : names) {
      out = out.resolve(name);
    }
    return out;
  }

  // Field checks, each mirroring how serde treats the field's Rust type.

  /** An {@code Option<T>}: absent or null is fine. Returns false after a finding when the type is wrong. */
  private boolean optional(JsonNode obj, String key, Integer disk, Predicate<JsonNode> ok, String expected) {
    return optional(obj, key, disk, ok, expected, disk == null ? null : "disks[" + disk + "]");
  }

  private boolean optional(
      JsonNode obj, String key, Integer disk, Predicate<JsonNode> ok, String expected, String where) {
    JsonNode value = obj.get(key);
    if (value == null || value.isNull() || ok.test(value)) {
      return true;
    }
    invalid(disk, "`" + field(where, key) + "` must be " + expected + " or null, not " + kind(value));
    return false;
  }

  /** A {@code #[serde(default)]} field: absent is fine, null is not. */
  private boolean withDefault(JsonNode obj, String key, Integer disk, Predicate<JsonNode> ok, String expected) {
    return withDefault(obj, key, disk, ok, expected, disk == null ? null : "disks[" + disk + "]");
  }

  private boolean withDefault(
      JsonNode obj, String key, Integer disk, Predicate<JsonNode> ok, String expected, String where) {
    JsonNode value = obj.get(key);
    if (value == null || ok.test(value)) {
      return true;
    }
    invalid(disk, "`" + field(where, key) + "` must be " + expected + ", not " + kind(value));
    return false;
  }

  /** A field without a default: it must be there, with the right type. */
  private boolean required(
      JsonNode obj, String key, String where, Integer disk, Predicate<JsonNode> ok, String expected) {
    JsonNode value = obj.get(key);
    if (value == null) {
      invalid(disk, "`" + field(where, key) + "` is missing; vm run requires it");
      return false;
    }
    if (!ok.test(value)) {
      invalid(disk, "`" + field(where, key) + "` must be " + expected + ", not " + kind(value));
      return false;
    }
    return true;
  }

  private static boolean present(JsonNode obj, String key) {
    JsonNode value = obj.get(key);
    return value != null && !value.isNull();
  }

  private static boolean isStringArray(JsonNode node) {
    if (!node.isArray()) {
      return false;
    }
    for (JsonNode item : node) {
      if (!item.isString()) {
        return false;
      }
    }
    return true;
  }

  private static String field(String where, String key) {
    return where == null ? key : where + "." + key;
  }

  /** Names a JSON value's type for a message. */
  static String kind(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isString()) {
      return "a string";
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "true" : "false";
    }
    if (node.isNumber()) {
      return "the number " + node.toString();
    }
    return node.isArray() ? "an array" : "an object";
  }

  private static String shown(JsonNode node) {
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private void invalidJson(String message) {
    findings.add(new VmConfigAudit.Finding(ConfigRule.INVALID_JSON, message, null, null, List.of()));
  }

  private void invalid(Integer disk, String message) {
    findings.add(new VmConfigAudit.Finding(ConfigRule.INVALID_CONFIG, message, disk, null, List.of()));
  }

  private void add(ConfigRule rule, String message, Integer disk) {
    findings.add(new VmConfigAudit.Finding(rule, message, disk, null, List.of()));
  }
}
