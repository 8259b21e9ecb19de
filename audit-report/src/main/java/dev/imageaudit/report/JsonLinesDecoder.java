package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/**
 * Decodes the lines of a {@code report.jsonl} back into values: an entry line into the {@link
 * AuditEntry} it was written from, the summary record into the run's {@link RunStart} and {@link
 * RunEnd}. The inverse of {@link JsonLinesReport} and {@link JsonLinesEncoder}: for every line they
 * write, encoding the decoded value gives the same bytes again.
 *
 * <p>Numbers come back as the writers need them to give the same text: integers in {@code details}
 * as {@link Long}, or as {@link U64} past {@link Long#MAX_VALUE} (u64 header fields up to 2^64 -
 * 1), or as {@link BigInteger} beyond; other numbers as {@link Double} when that prints the same,
 * else {@link BigDecimal}. Stateless and thread-safe.
 */
public final class JsonLinesDecoder {

  /** One decoded line of a report.jsonl: an entry, or the summary record that closes the file. */
  public sealed interface Line permits EntryLine, SummaryLine {}

  /**
   * A line holding one entry.
   *
   * @param entry the entry, as the run reported it
   */
  public record EntryLine(AuditEntry entry) implements Line {}

  /**
   * The summary record: what report.json's head says of the run.
   *
   * @param start the run's tool version, start time and inputs
   * @param end the run's finish time, summary, VM configs and interruption; {@code complete} is
   *     not decoded, as {@link RunEnd#complete()} derives it from these
   */
  public record SummaryLine(RunStart start, RunEnd end) implements Line {}

  /** A line that is not one of report.jsonl's: the message says what is wrong with it. */
  public static final class MalformedLineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Returns the exception with {@code message}, and the parser's exception as its cause or null. */
    public MalformedLineException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Map<String, ImageFormat> FORMATS = byId(ImageFormat.values(), ImageFormat::id);
  private static final Map<String, Flag> FLAGS = byId(Flag.values(), Flag::id);
  private static final Map<String, SkipReason> SKIPS = byId(SkipReason.values(), SkipReason::id);
  private static final Map<String, ErrorKind> KINDS = byId(ErrorKind.values(), ErrorKind::id);
  private static final Map<String, Verdict.Decision> DECISIONS =
      byId(Verdict.Decision.values(), Verdict.Decision::id);
  private static final Map<String, ConfigRule> RULES = byId(ConfigRule.values(), ConfigRule::id);
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonLinesDecoder() {}

  /** Decodes one line given as a string (without its {@code \n}). */
  public static Line decode(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes the UTF-8 line in {@code bytes[offset, offset + length)} (its {@code \n} may be
   * included or not).
   *
   * @throws MalformedLineException if it is not valid JSON or not an entry or summary record
   */
  public static Line decode(byte[] bytes, int offset, int length) {
    Object value;
    try (JsonParser p = JsonSupport.FACTORY.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedLineException("a report line is a JSON object", null);
      }
      value = read(p, first);
      if (p.nextToken() != null) {
        throw new MalformedLineException("more than one JSON value on a line", null);
      }
    } catch (JacksonException e) {
      throw new MalformedLineException("not JSON: " + e.getOriginalMessage(), e);
    }
    Map<String, Object> object = map(value, "line");
    try {
      if (JsonLinesReport.SUMMARY_RECORD.equals(object.get("record"))) {
        return summary(object);
      }
      return new EntryLine(entry(object));
    } catch (ClassCastException | NullPointerException | IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedLineException("not a report.jsonl record: " + e.getMessage(), e);
    }
  }

  /** Decodes one entry line; see {@link #decode(byte[], int, int)}. */
  public static AuditEntry decodeEntry(String line) {
    if (decode(line) instanceof EntryLine entry) {
      return entry.entry();
    }
    throw new MalformedLineException("a summary record, not an entry", null);
  }

  /**
   * Reads the entry object starting at {@code p}'s current {@link JsonToken#START_OBJECT}: an
   * element of report.json's {@code images}, read by {@link ReportReader} as it streams.
   */
  static AuditEntry readEntry(JsonParser p) {
    Map<String, Object> object = map(read(p, p.currentToken()), "entry");
    try {
      return entry(object);
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new MalformedLineException("not a report entry: " + e.getMessage(), e);
    }
  }

  /** Reads the value starting at {@code token} (objects as maps in key order, arrays as lists). */
  static Object readValue(JsonParser p, JsonToken token) {
    return read(p, token);
  }

  /** Returns the run that report.json's top-level properties (all but {@code images}) describe. */
  static SummaryLine summaryOf(Map<String, Object> properties) {
    try {
      return summary(properties);
    } catch (ClassCastException | NullPointerException | IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedLineException("not a report's run properties: " + e.getMessage(), e);
    }
  }

  // ---- values ----

  /** Reads the value that starts at {@code token}: maps keep their key order. */
  private static Object read(JsonParser p, JsonToken token) {
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        String twinOf = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
          Object value = read(p, p.nextToken());
          if (twinOf != null && name.equals(twinOf + "Exact") && value instanceof String text) {
            // The writers add "nameExact" after a U64 above 2^53 (for JavaScript readers): the
            // value is a U64, and writing it again brings its twin back.
            Object number = map.get(twinOf);
            if (number.toString().equals(text)) {
              map.put(twinOf, number instanceof U64 ? number : U64.of(((Number) number).longValue()));
              twinOf = null;
              continue;
            }
          }
          map.put(name, value);
          twinOf = isPastTwoTo53(value) ? name : null;
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(read(p, t));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        return integer(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return decimal(p.getString());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new MalformedLineException("unexpected " + token, null);
    }
  }

  private static boolean isPastTwoTo53(Object value) {
    return value instanceof U64 || (value instanceof Long n && n > (1L << 53));
  }

  private static Object integer(BigInteger n) {
    if (n.bitLength() < 64) {
      return n.longValue();
    }
    if (n.signum() > 0 && n.compareTo(U64_MAX) <= 0) {
      return U64.of(n.longValue());
    }
    return n;
  }

  private static Object decimal(String text) {
    double d = Double.parseDouble(text);
    return Double.toString(d).equals(text) ? (Object) d : new BigDecimal(text);
  }

  // ---- entries ----

  private static AuditEntry entry(Map<String, Object> o) {
    String path = string(o, "path");
    String target = string(o, "target");
    String pathBytes = string(o, "pathBytes");
    if (path == null) {
      throw new IllegalArgumentException("an entry without a path");
    }
    Object error = o.get("error");
    if (error != null) {
      Map<String, Object> e = map(error, "error");
      return new AuditEntry.Failed(path, target, id(KINDS, string(e, "kind"), "error kind"), string(e, "message"),
          pathBytes);
    }
    String skip = string(o, "skip");
    if (skip != null) {
      return new AuditEntry.Skipped(path, target, id(SKIPS, skip, "skip reason"), pathBytes);
    }
    Map<String, Object> avf = map(o.get("avf"), "avf");
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    for (Object flag : list(o.get("flags"), "flags")) {
      flags.add(id(FLAGS, (String) flag, "flag"));
    }
    return new AuditEntry.Image(
        path,
        target,
        id(FORMATS, string(o, "format"), "format"),
        number(o, "fileSize").longValue(),
        u64(o.get("virtualSize")),
        u64(o.get("partitionSize")),
        verdict(string(avf, "partition"), string(avf, "reason")),
        verdict(string(avf, "disk"), string(avf, "diskReason")),
        flags,
        ImageDetails.recorded(map(o.get("details"), "details")),
        number(o, "bytesRead").longValue(),
        pathBytes);
  }

  private static Verdict verdict(String decision, String reason) {
    return new Verdict(id(DECISIONS, decision, "decision"), reason);
  }

  // ---- the summary record ----

  private static SummaryLine summary(Map<String, Object> o) {
    List<String> inputs = new ArrayList<>();
    for (Object input : list(o.get("inputs"), "inputs")) {
      inputs.add((String) input);
    }
    Map<String, Object> tool = map(o.get("tool"), "tool");
    RunStart start = new RunStart(string(tool, "version"), Instant.parse(string(o, "startedAt")), inputs);
    Map<String, Object> s = map(o.get("summary"), "summary");
    AuditSummary summary =
        new AuditSummary(
            number(s, "files").longValue(),
            counts(s.get("byFormat")),
            decisions(s.get("partition")),
            decisions(s.get("disk")),
            number(s, "flagged").longValue(),
            number(s, "errors").longValue(),
            counts(s.get("errorsByKind")),
            number(s, "skipped").longValue(),
            counts(s.get("skippedByReason")));
    List<VmConfigAudit> configs = new ArrayList<>();
    for (Object config : list(o.get("configs"), "configs")) {
      configs.add(config(map(config, "config")));
    }
    RunEnd end = new RunEnd(Instant.parse(string(o, "finishedAt")), summary, configs, string(o, "interrupted"));
    return new SummaryLine(start, end);
  }

  private static Map<String, Long> counts(Object value) {
    Map<String, Long> counts = new TreeMap<>();
    map(value, "counts").forEach((k, v) -> counts.put(k, ((Number) v).longValue()));
    return Collections.unmodifiableMap(counts);
  }

  private static Map<Verdict.Decision, Long> decisions(Object value) {
    Map<Verdict.Decision, Long> counts = new EnumMap<>(Verdict.Decision.class);
    map(value, "decisions").forEach((k, v) -> counts.put(id(DECISIONS, k, "decision"), ((Number) v).longValue()));
    return Collections.unmodifiableMap(counts);
  }

  private static VmConfigAudit config(Map<String, Object> o) {
    List<VmConfigAudit.Disk> disks = new ArrayList<>();
    for (Object d : list(o.get("disks"), "disks")) {
      Map<String, Object> disk = map(d, "disk");
      List<VmConfigAudit.Partition> partitions = new ArrayList<>();
      for (Object pv : list(disk.get("partitions"), "partitions")) {
        Map<String, Object> p = map(pv, "partition");
        partitions.add(
            new VmConfigAudit.Partition(
                string(p, "label"),
                string(p, "path"),
                (Boolean) p.get("writable"),
                optionalId(FORMATS, string(p, "format"), "format"),
                u64(p.get("size"))));
      }
      disks.add(
          new VmConfigAudit.Disk(
              number(disk, "index").intValue(),
              (Boolean) disk.get("writable"),
              string(disk, "image"),
              optionalId(FORMATS, string(disk, "imageFormat"), "format"),
              partitions,
              u64(disk.get("compositeSize"))));
    }
    List<VmConfigAudit.Finding> findings = new ArrayList<>();
    for (Object fv : list(o.get("findings"), "findings")) {
      Map<String, Object> f = map(fv, "finding");
      List<String> images = new ArrayList<>();
      for (Object image : list(f.get("images"), "images")) {
        images.add((String) image);
      }
      Object disk = f.get("disk");
      findings.add(
          new VmConfigAudit.Finding(
              id(RULES, string(f, "rule"), "rule"),
              string(f, "message"),
              disk == null ? null : ((Number) disk).intValue(),
              string(f, "partition"),
              images));
    }
    return new VmConfigAudit(string(o, "path"), (Boolean) o.get("readable"), disks, findings);
  }

  // ---- typed access ----

  private static String string(Map<String, Object> o, String key) {
    return (String) o.get(key);
  }

  private static Number number(Map<String, Object> o, String key) {
    Object value = o.get(key);
    if (value instanceof U64 u) {
      return u.toBigInteger();
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException("'" + key + "' is not a number");
    }
    return n;
  }

  private static U64 u64(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof U64 u) {
      return u;
    }
    if (value instanceof Long n && n >= 0) {
      return U64.of(n);
    }
    throw new IllegalArgumentException("not an unsigned 64-bit value: " + value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new MalformedLineException("'" + what + "' is not an object", null);
    }
    return (Map<String, Object>) map;
  }

  private static List<?> list(Object value, String what) {
    if (!(value instanceof List<?> list)) {
      throw new MalformedLineException("'" + what + "' is not an array", null);
    }
    return list;
  }

  private static <T> T id(Map<String, T> byId, String id, String what) {
    T value = byId.get(id);
    if (value == null) {
      throw new IllegalArgumentException("unknown " + what + " '" + id + "'");
    }
    return value;
  }

  private static <T> T optionalId(Map<String, T> byId, String id, String what) {
    return id == null ? null : id(byId, id, what);
  }

  private static <T> Map<String, T> byId(T[] values, Function<T, String> id) {
    Map<String, T> map = new LinkedHashMap<>();
    Arrays.stream(values).forEach(v -> map.put(id.apply(v), v));
    return Map.copyOf(map);
  }
}
