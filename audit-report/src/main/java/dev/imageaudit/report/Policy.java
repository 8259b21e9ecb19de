package dev.imageaudit.report;

import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * What fails a run, and the accepted exceptions: the image flags ({@code failOn}) and VM config
 * rules ({@code failOnConfigRules}) that make the verdict {@code fail}, and {@link Waiver}s.
 *
 * <p>Read from a file by {@link #read}: YAML, or JSON when the name ends in {@code .json}; the
 * schema is {@code docs/schema/policy.schema.json}. Reading is strict: an unknown or repeated key,
 * an unknown flag or rule, a malformed date or SHA-256 is an error naming its line and column.
 * A key left out takes the default: {@code failOn: [unsupported-partition-image]}, {@code
 * failOnConfigRules}: every rule of severity error, {@code waivers: []}.
 *
 * @param failOn flags that fail the run when an image carries them (unwaived)
 * @param failOnConfigRules VM config rules whose findings fail the run (unwaived)
 * @param waivers accepted exceptions, in the file's order (their index is their id)
 * @param source where the policy came from (the file as given), or null for a built-in one
 * @param sha256 the SHA-256 of the file's bytes, hex, or null for a built-in one
 */
public record Policy(
    Set<Flag> failOn, Set<ConfigRule> failOnConfigRules, List<Waiver> waivers, String source, String sha256) {

  /** The default: {@code --fail-on unsupported-partition-image}, and every VM config error fails. */
  public static final Policy DEFAULT = quick(EnumSet.of(Flag.UNSUPPORTED_PARTITION_IMAGE));

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  public Policy {
    failOn = failOn.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(failOn));
    failOnConfigRules =
        failOnConfigRules.isEmpty()
            ? Collections.emptySet()
            : Collections.unmodifiableSet(EnumSet.copyOf(failOnConfigRules));
    waivers = List.copyOf(waivers);
  }

  /**
   * The quick form of {@code --fail-on}: these flags fail the run, and so does every VM config error,
   * unless {@code failOn} is empty ({@code --fail-on none}: nothing fails the run).
   */
  public static Policy quick(Set<Flag> failOn) {
    return new Policy(failOn, failOn.isEmpty() ? Set.of() : errorRules(), List.of(), null, null);
  }

  /** Returns this policy with {@code flags} added to {@code failOn}. */
  public Policy failingAlso(Set<Flag> flags) {
    EnumSet<Flag> all = EnumSet.noneOf(Flag.class);
    all.addAll(failOn);
    all.addAll(flags);
    return new Policy(all, failOnConfigRules, waivers, source, sha256);
  }

  /**
   * Returns the flags some waiver waives by SHA-256: the audit must hash the head of each image
   * carrying one ({@code ScanOptions.Builder.headSha256For}); empty when no waiver names a hash.
   */
  public Set<Flag> headSha256Flags() {
    EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    for (Waiver w : waivers) {
      if (w.sha256() != null && w.flag() != null) {
        flags.add(w.flag());
      }
    }
    return flags;
  }

  private static Set<ConfigRule> errorRules() {
    return Arrays.stream(ConfigRule.values())
        .filter(r -> r.severity() == ConfigRule.Severity.ERROR)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(ConfigRule.class)));
  }

  /**
   * Reads a policy file.
   *
   * @throws IOException if the file cannot be read
   * @throws PolicyException if it is not a valid policy; the message names {@code file}, line and column
   */
  public static Policy read(Path file) throws IOException, PolicyException {
    byte[] bytes = Files.readAllBytes(file);
    boolean json = file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return parse(bytes, file.toString(), json);
  }

  /** Parses a policy from {@code bytes}; {@code name} is used in messages and as {@link #source}. */
  static Policy parse(byte[] bytes, String name, boolean json) throws PolicyException {
    String sha = sha256Hex(bytes);
    try (JsonParser p =
        json
            ? new JsonFactory().createParser(ObjectReadContext.empty(), bytes)
            : new YAMLFactory().createParser(ObjectReadContext.empty(), bytes)) {
      return new Reader(p, name, sha).policy();
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where = at == null ? name : name + ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new PolicyException(where + ": not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage(), e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** A strict reader over the token stream: every error says where it is. */
  private static final class Reader {
    private static final List<String> TOP = List.of("failOn", "failOnConfigRules", "waivers");
    private static final List<String> WAIVER =
        List.of("path", "glob", "sha256", "flag", "rule", "reason", "owner", "expires");

    private final JsonParser p;
    private final String name;
    private final String sha256;

    Reader(JsonParser p, String name, String sha256) {
      this.p = p;
      this.name = name;
      this.sha256 = sha256;
    }

    Policy policy() throws PolicyException {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw error("the policy is empty; expected an object with " + String.join(", ", TOP));
      }
      if (first != JsonToken.START_OBJECT) {
        throw error("expected an object with " + String.join(", ", TOP) + ", found " + describe(first));
      }
      Set<Flag> failOn = null;
      Set<ConfigRule> rules = null;
      List<Waiver> waivers = List.of();
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String key = key(TOP, seen);
        p.nextToken();
        switch (key) {
          case "failOn" -> failOn = flags();
          case "failOnConfigRules" -> rules = rules();
          case "waivers" -> waivers = waivers();
          default -> throw new IllegalStateException(key);
        }
      }
      if (p.nextToken() != null) {
        throw error("more after the policy object");
      }
      return new Policy(
          failOn == null ? EnumSet.of(Flag.UNSUPPORTED_PARTITION_IMAGE) : failOn,
          rules == null ? errorRules() : rules,
          waivers,
          name,
          sha256);
    }

    private String key(List<String> known, Set<String> seen) throws PolicyException {
      String key = p.currentName();
      if (!known.contains(key)) {
        throw error("unknown key '" + key + "' (known: " + String.join(", ", known) + ")");
      }
      if (!seen.add(key)) {
        throw error("key '" + key + "' given twice");
      }
      return key;
    }

    private Set<Flag> flags() throws PolicyException {
      EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
      expect(JsonToken.START_ARRAY, "failOn is a list");
      while (nextName("failOn")) {
        String id = p.getString();
        flags.add(Flag.byId(id).orElseThrow(() -> unknownFlag(id)));
      }
      return flags;
    }

    private Set<ConfigRule> rules() throws PolicyException {
      EnumSet<ConfigRule> rules = EnumSet.noneOf(ConfigRule.class);
      expect(JsonToken.START_ARRAY, "failOnConfigRules is a list");
      while (nextName("failOnConfigRules")) {
        rules.add(rule(p.getString()));
      }
      return rules;
    }

    /** Moves to the next name of a list of names; false at its end. */
    private boolean nextName(String what) throws PolicyException {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        return false;
      }
      if (t != JsonToken.VALUE_STRING) {
        throw error(what + " holds names, found " + describe(t));
      }
      return true;
    }

    private List<Waiver> waivers() throws PolicyException {
      expect(JsonToken.START_ARRAY, "waivers is a list");
      List<Waiver> waivers = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        waivers.add(waiver(waivers.size()));
      }
      return waivers;
    }

    private Waiver waiver(int index) throws PolicyException {
      expect(JsonToken.START_OBJECT, "each waiver is an object with " + String.join(", ", WAIVER));
      TokenStreamLocation start = p.currentTokenLocation();
      Map<String, String> fields = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      Flag flag = null;
      ConfigRule rule = null;
      LocalDate expires = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String key = key(WAIVER, seen);
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_STRING) {
          throw error("waiver key '" + key + "' takes a string, found " + describe(t));
        }
        String value = p.getString();
        switch (key) {
          case "flag" -> flag = Flag.byId(value).orElseThrow(() -> unknownFlag(value));
          case "rule" -> rule = rule(value);
          case "sha256" -> {
            if (!SHA256.matcher(value).matches()) {
              throw error("sha256 is 64 hex digits (of the image's first 64 KiB), not '" + value + "'");
            }
          }
          case "expires" -> {
            try {
              expires = LocalDate.parse(value);
            } catch (DateTimeParseException e) {
              throw error("expires is a date YYYY-MM-DD, not '" + value + "'");
            }
          }
          case "reason", "owner", "path", "glob" -> {
            if (value.isBlank()) {
              throw error("waiver key '" + key + "' must not be empty");
            }
          }
          default -> throw new IllegalStateException(key);
        }
        fields.put(key, value);
      }
      String at = name + ":" + start.getLineNr() + ":" + start.getColumnNr() + ": waiver #" + index + ": ";
      int ways = (fields.containsKey("path") ? 1 : 0) + (fields.containsKey("glob") ? 1 : 0)
          + (fields.containsKey("sha256") ? 1 : 0);
      if (ways != 1) {
        throw new PolicyException(at + "name its images by exactly one of path, glob, sha256");
      }
      if ((flag == null) == (rule == null)) {
        throw new PolicyException(at + "waive exactly one of flag, rule");
      }
      if (rule != null && fields.containsKey("sha256")) {
        throw new PolicyException(at + "a sha256 names image contents: it waives a flag, not a VM config rule");
      }
      for (String required : List.of("reason", "owner", "expires")) {
        if (!fields.containsKey(required)) {
          throw new PolicyException(at + "'" + required + "' is required (every waiver says why, who, until when)");
        }
      }
      return new Waiver(
          index, fields.get("path"), fields.get("glob"), fields.get("sha256"), flag, rule, fields.get("reason"),
          fields.get("owner"), expires);
    }

    private ConfigRule rule(String id) throws PolicyException {
      for (ConfigRule rule : ConfigRule.values()) {
        if (rule.id().equals(id)) {
          return rule;
        }
      }
      throw error(
          "unknown VM config rule '" + id + "' (known: "
              + Arrays.stream(ConfigRule.values()).map(ConfigRule::id).collect(Collectors.joining(", ")) + ")");
    }

    private PolicyException unknownFlag(String id) {
      return error(
          "unknown flag '" + id + "' (known: "
              + Arrays.stream(Flag.values()).map(Flag::id).collect(Collectors.joining(", ")) + ")");
    }

    private void expect(JsonToken token, String what) throws PolicyException {
      if (p.currentToken() != token) {
        throw error(what + ", found " + describe(p.currentToken()));
      }
    }

    private static String describe(JsonToken t) {
      if (t == null) {
        return "the end of the file";
      }
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "a list";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> t.name().toLowerCase(Locale.ROOT);
      };
    }

    private PolicyException error(String message) {
      TokenStreamLocation at = p.currentTokenLocation();
      return new PolicyException(name + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
    }
  }
}
