package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * Writes a report as {@code report.json}: pretty-printed UTF-8, each image on a line of its own
 * exactly as its report.jsonl line (so {@code grep} finds an image and its whole entry at once).
 *
 * <p>The document (schema version {@value #SCHEMA_VERSION}; JSON Schema {@code
 * docs/schema/report.schema.json}) holds {@code schemaVersion}, {@code tool} {name, version},
 * {@code startedAt} and {@code finishedAt} (ISO-8601, UTC), {@code verdict} (pass, fail,
 * incomplete) and {@code verdictReasons} ({@link RunJudgement.Reason}s), {@code complete}, {@code
 * interrupted} (the signal that stopped the run, or null), {@code inputs}, {@code provenance}
 * (host, user, absolute inputs, version, commit, command line, start and end to the millisecond;
 * null when not given), {@code policy} (source, sha256, failOn, failOnConfigRules, waivers with
 * what each matched, waived counts), {@code summary},
 * {@code images}: one object per entry, in walk order (the order of report.jsonl),
 * each with every key ({@code path, pathBytes, target, format, fileSize, virtualSize, partitionSize, avf
 * {partition, reason, disk, diskReason}, flags, details, bytesRead, skip, error, failing, waived}), null where
 * it does not apply; and
 * {@code configs}: one object per VM config given, in the order given (empty without any):
 *
 * <pre>{@code
 * {"path": "vm.json",          // as given
 *  "readable": true,           // false: the file could not be read, and complete is false
 *  "errors": 1, "warnings": 0, // findings by severity
 *  "disks": [{"index": 0,      // position in the config's disks
 *             "writable": true,            // null when missing or not a boolean
 *             "image": null,               // whole-disk image path as audited, or null
 *             "imageFormat": null,         // its format, or null
 *             "partitions": [{"label": "userdata",       // null when missing or not a string
 *                             "path": "store/data.img",  // as audited (resolved, tidied), or null
 *                             "writable": true,          // null when not a boolean
 *                             "format": "raw",           // null when not audited
 *                             "size": 5000}],            // virtmgr's partition size, or null
 *             "compositeSize": 65536}],    // crosvm's composite disk size, or null when unknown
 *  "findings": [{"rule": "unaligned-writable-partition", "severity": "error",
 *                "message": "...", "disk": 0,             // null for the whole config
 *                "partition": "userdata",                 // label, or null
 *                "images": ["store/data.img"]}]}          // paths concerned, maybe empty
 * }</pre>
 *
 * <p>Every key is always present, null where it does not apply. Unsigned 64-bit values are exact
 * JSON integers; one above 2^53 (beyond a JavaScript number's exact range) also has a string twin,
 * {@code <key>Exact}, holding its decimal digits: present only then.
 */
public final class JsonReport {

  /** The version of the document's shape; it changes only when a key changes meaning or goes away. */
  public static final int SCHEMA_VERSION = 1;

  /** The tool's name in {@code tool.name}. */
  static final String TOOL_NAME = "image-audit";

  // Fixed "\n" rather than the platform's line separator: the same report gives the same bytes everywhere.
  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");

  /** report.json's layout: two spaces, "\n", "key": value, empty objects and arrays without a space. */
  static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(INDENT)
          .withArrayIndenter(INDENT);

  private JsonReport() {}

  /**
   * Writes {@code report} to {@code out} as the JSON document, judged by {@link Policy#DEFAULT}
   * today and without provenance, then flushes {@code out} without closing it.
   */
  public static void write(AuditReport report, OutputStream out) {
    write(report, out, PolicyGate.of(Policy.DEFAULT, Clock.systemUTC()), null);
  }

  /**
   * Writes {@code report} to {@code out} as the JSON document, judged by {@code gate} (a fresh one:
   * it counts the entries), with {@code provenance} (null: written as null), then flushes {@code
   * out} without closing it.
   */
  public static void write(AuditReport report, OutputStream out, PolicyGate gate, Provenance provenance) {
    RunEnd end = Runs.end(report);
    List<EntryPolicy> judged = new java.util.ArrayList<>();
    for (AuditEntry entry : report.entries()) {
      judged.add(gate.judge(entry));
    }
    RunJudgement judgement = gate.judge(end);
    try (JsonGenerator g = JsonSupport.generator(out, PRETTY)) {
      g.writeStartObject();
      writeRun(g, Runs.start(report), end, judgement, provenance);
      g.writeArrayPropertyStart("images");
      // Each image on one line, as report.jsonl has it (the streamed report.json copies those lines).
      ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
      try (JsonGenerator compact = JsonSupport.generator(line, null)) {
        int i = 0;
        for (AuditEntry entry : report.entries()) {
          line.reset();
          JsonSupport.writeEntry(compact, entry, judged.get(i++));
          compact.flush();
          g.writeRawValue(line.toString(StandardCharsets.UTF_8));
        }
      }
      g.writeEndArray();
      writeConfigs(g, end.configs());
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /** Returns a generator that writes as report.json does (pretty, UTF-8) and never closes {@code out}. */
  static JsonGenerator prettyGenerator(OutputStream out) {
    return JsonSupport.generator(out, PRETTY);
  }

  /**
   * Writes the run's properties, from {@code schemaVersion} to {@code summary}, into the object
   * {@code g} is in: the head of report.json, and of report.jsonl's summary record.
   */
  static void writeRun(JsonGenerator g, RunStart start, RunEnd end, RunJudgement judgement, Provenance provenance) {
    g.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
    g.writeObjectPropertyStart("tool");
    g.writeStringProperty("name", TOOL_NAME);
    g.writeName("version");
    JsonSupport.writeString(g, start.toolVersion());
    g.writeEndObject();
    g.writeStringProperty("startedAt", iso(start.startedAt()));
    g.writeStringProperty("finishedAt", iso(end.finishedAt()));
    g.writeStringProperty("verdict", judgement.verdict().id());
    g.writeArrayPropertyStart("verdictReasons");
    for (RunJudgement.Reason reason : judgement.reasons()) {
      g.writeStartObject();
      g.writeStringProperty("kind", reason.kind());
      g.writeName("code");
      JsonSupport.writeString(g, reason.code());
      g.writeNumberProperty("count", reason.count());
      g.writeName("config");
      JsonSupport.writeString(g, reason.config());
      g.writeName("waiver");
      if (reason.waiver() == null) {
        g.writeNull();
      } else {
        g.writeNumber(reason.waiver());
      }
      g.writeName("message");
      JsonSupport.writeString(g, reason.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanProperty("complete", end.complete());
    g.writeName("interrupted");
    JsonSupport.writeString(g, end.interrupted());
    g.writeArrayPropertyStart("inputs");
    for (String input : start.inputs()) {
      JsonSupport.writeString(g, input);
    }
    g.writeEndArray();
    writeProvenance(g, start, end, provenance);
    writePolicy(g, judgement);
    writeSummary(g, end.summary());
  }

  /** Millisecond UTC timestamps, always with three digits: {@code 2026-01-02T03:04:05.000Z}. */
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  private static void writeProvenance(JsonGenerator g, RunStart start, RunEnd end, Provenance p) {
    g.writeName("provenance");
    if (p == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeName("host");
    JsonSupport.writeString(g, p.host());
    g.writeName("user");
    JsonSupport.writeString(g, p.user());
    g.writeArrayPropertyStart("inputs");
    for (String input : p.inputs()) {
      JsonSupport.writeString(g, input);
    }
    g.writeEndArray();
    g.writeName("version");
    JsonSupport.writeString(g, p.version());
    g.writeName("commit");
    JsonSupport.writeString(g, p.commit());
    g.writeArrayPropertyStart("commandLine");
    for (String arg : p.commandLine()) {
      JsonSupport.writeString(g, arg);
    }
    g.writeEndArray();
    g.writeStringProperty("startedAt", MILLIS.format(start.startedAt()));
    g.writeStringProperty("finishedAt", MILLIS.format(end.finishedAt()));
    g.writeEndObject();
  }

  private static void writePolicy(JsonGenerator g, RunJudgement judgement) {
    Policy policy = judgement.policy();
    g.writeObjectPropertyStart("policy");
    g.writeName("source");
    JsonSupport.writeString(g, policy.source());
    g.writeName("sha256");
    JsonSupport.writeString(g, policy.sha256());
    g.writeArrayPropertyStart("failOn");
    for (var flag : policy.failOn()) {
      g.writeString(flag.id());
    }
    g.writeEndArray();
    g.writeArrayPropertyStart("failOnConfigRules");
    for (ConfigRule rule : policy.failOnConfigRules()) {
      g.writeString(rule.id());
    }
    g.writeEndArray();
    g.writeArrayPropertyStart("waivers");
    for (RunJudgement.WaiverUse use : judgement.waivers()) {
      Waiver w = use.waiver();
      g.writeStartObject();
      g.writeNumberProperty("index", w.index());
      g.writeName("path");
      JsonSupport.writeString(g, w.path());
      g.writeName("glob");
      JsonSupport.writeString(g, w.glob());
      g.writeName("sha256");
      JsonSupport.writeString(g, w.sha256());
      g.writeName("flag");
      JsonSupport.writeString(g, w.flag() == null ? null : w.flag().id());
      g.writeName("rule");
      JsonSupport.writeString(g, w.rule() == null ? null : w.rule().id());
      g.writeName("reason");
      JsonSupport.writeString(g, w.reason());
      g.writeName("owner");
      JsonSupport.writeString(g, w.owner());
      g.writeStringProperty("expires", w.expires().toString());
      g.writeBooleanProperty("expired", use.expired());
      g.writeNumberProperty("matched", use.matched());
      g.writeBooleanProperty("unused", use.matched() == 0 && !use.expired());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberProperty("waivedImages", judgement.waivedImages());
    g.writeArrayPropertyStart("waivedConfigFindings");
    for (RunJudgement.WaivedConfigFinding f : judgement.waivedConfigFindings()) {
      g.writeStartObject();
      g.writeName("config");
      JsonSupport.writeString(g, f.config());
      g.writeStringProperty("rule", f.rule());
      g.writeName("message");
      JsonSupport.writeString(g, f.message());
      g.writeNumberProperty("waiver", f.waiver().index());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Writes the {@code configs} property: one object per VM config, in the order given. */
  static void writeConfigs(JsonGenerator g, List<VmConfigAudit> configs) {
    g.writeArrayPropertyStart("configs");
    for (VmConfigAudit config : configs) {
      writeConfig(g, config);
    }
    g.writeEndArray();
  }

  private static void writeSummary(JsonGenerator g, AuditSummary summary) {
    g.writeObjectPropertyStart("summary");
    g.writeNumberProperty("files", summary.files());
    writeCounts(g, "byFormat", summary.byFormat());
    writeDecisions(g, "partition", summary.partition());
    writeDecisions(g, "disk", summary.disk());
    g.writeNumberProperty("flagged", summary.flagged());
    g.writeNumberProperty("errors", summary.errors());
    writeCounts(g, "errorsByKind", summary.errorsByKind());
    g.writeNumberProperty("skipped", summary.skipped());
    writeCounts(g, "skippedByReason", summary.skippedByReason());
    g.writeEndObject();
  }

  private static void writeDecisions(JsonGenerator g, String name, Map<Verdict.Decision, Long> counts) {
    g.writeObjectPropertyStart(name);
    // Every decision is always present, 0 when unseen, whatever the summary's map holds.
    for (Verdict.Decision decision : Verdict.Decision.values()) {
      g.writeNumberProperty(decision.id(), counts.getOrDefault(decision, 0L));
    }
    g.writeEndObject();
  }

  private static void writeConfig(JsonGenerator g, VmConfigAudit config) {
    g.writeStartObject();
    g.writeName("path");
    JsonSupport.writeString(g, config.path());
    g.writeBooleanProperty("readable", config.readable());
    g.writeNumberProperty("errors", config.count(ConfigRule.Severity.ERROR));
    g.writeNumberProperty("warnings", config.count(ConfigRule.Severity.WARNING));
    g.writeArrayPropertyStart("disks");
    for (VmConfigAudit.Disk disk : config.disks()) {
      g.writeStartObject();
      g.writeNumberProperty("index", disk.index());
      writeBoolean(g, "writable", disk.writable());
      g.writeName("image");
      JsonSupport.writeString(g, disk.image());
      g.writeName("imageFormat");
      JsonSupport.writeString(g, disk.imageFormat() == null ? null : disk.imageFormat().id());
      g.writeArrayPropertyStart("partitions");
      for (VmConfigAudit.Partition partition : disk.partitions()) {
        g.writeStartObject();
        g.writeName("label");
        JsonSupport.writeString(g, partition.label());
        g.writeName("path");
        JsonSupport.writeString(g, partition.path());
        writeBoolean(g, "writable", partition.writable());
        g.writeName("format");
        JsonSupport.writeString(g, partition.format() == null ? null : partition.format().id());
        JsonSupport.writeU64Property(g, "size", partition.size());
        g.writeEndObject();
      }
      g.writeEndArray();
      JsonSupport.writeU64Property(g, "compositeSize", disk.compositeSize());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayPropertyStart("findings");
    for (VmConfigAudit.Finding finding : config.findings()) {
      g.writeStartObject();
      g.writeStringProperty("rule", finding.rule().id());
      g.writeStringProperty("severity", finding.severity().id());
      g.writeName("message");
      JsonSupport.writeString(g, finding.message());
      g.writeName("disk");
      if (finding.disk() == null) {
        g.writeNull();
      } else {
        g.writeNumber(finding.disk());
      }
      g.writeName("partition");
      JsonSupport.writeString(g, finding.partition());
      g.writeArrayPropertyStart("images");
      for (String image : finding.images()) {
        JsonSupport.writeString(g, image);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeBoolean(JsonGenerator g, String name, Boolean value) {
    g.writeName(name);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeBoolean(value);
    }
  }

  private static void writeCounts(JsonGenerator g, String name, Map<String, Long> counts) {
    g.writeObjectPropertyStart(name);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      g.writeNumberProperty(JsonSupport.wellFormed(e.getKey()), e.getValue());
    }
    g.writeEndObject();
  }

  static String iso(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }
}
