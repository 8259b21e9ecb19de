package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.Verdict;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.ObjectWriter;

/**
 * Writes a report as {@code report.json}: pretty-printed UTF-8, streamed entry by entry.
 *
 * <p>The document (schema version {@value #SCHEMA_VERSION}) holds {@code schemaVersion}, {@code
 * tool} {name, version}, {@code startedAt} and {@code finishedAt} (ISO-8601, UTC), {@code complete},
 * {@code inputs}, {@code summary} and {@code images}: one object per entry, in the report's order,
 * each with every key ({@code path, target, format, fileSize, virtualSize, partitionSize, avf
 * {partition, reason}, flags, details, bytesRead, skip, error}), null where it does not apply.
 * Unsigned 64-bit values are exact JSON integers.
 */
public final class JsonReport {

  /** The version of the document's shape; it changes only when a key changes meaning or goes away. */
  public static final int SCHEMA_VERSION = 1;

  /** The tool's name in {@code tool.name}. */
  static final String TOOL_NAME = "image-audit";

  // Fixed "\n" rather than the platform's line separator: the same report gives the same bytes everywhere.
  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");

  private static final ObjectWriter PRETTY =
      JsonSupport.MAPPER
          .writer()
          .with(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                          .withObjectEmptySeparator("")
                          .withArrayEmptySeparator(""))
                  .withObjectIndenter(INDENT)
                  .withArrayIndenter(INDENT));

  private JsonReport() {}

  /** Writes {@code report} to {@code out} as the JSON document, then flushes {@code out} without closing it. */
  public static void write(AuditReport report, OutputStream out) {
    try (JsonGenerator g = PRETTY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
      g.writeObjectPropertyStart("tool");
      g.writeStringProperty("name", TOOL_NAME);
      g.writeName("version");
      JsonSupport.writeString(g, report.toolVersion());
      g.writeEndObject();
      g.writeStringProperty("startedAt", iso(report.startedAt()));
      g.writeStringProperty("finishedAt", iso(report.finishedAt()));
      g.writeBooleanProperty("complete", report.complete());
      g.writeArrayPropertyStart("inputs");
      for (String input : report.inputs()) {
        JsonSupport.writeString(g, input);
      }
      g.writeEndArray();
      writeSummary(g, report.summary());
      g.writeArrayPropertyStart("images");
      for (AuditEntry entry : report.entries()) {
        JsonSupport.writeEntry(g, entry);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void writeSummary(JsonGenerator g, AuditSummary summary) {
    g.writeObjectPropertyStart("summary");
    g.writeNumberProperty("files", summary.files());
    writeCounts(g, "byFormat", summary.byFormat());
    g.writeObjectPropertyStart("partition");
    // Every decision is always present, 0 when unseen, whatever the summary's map holds.
    for (Verdict.Decision decision : Verdict.Decision.values()) {
      g.writeNumberProperty(decision.id(), summary.partition().getOrDefault(decision, 0L));
    }
    g.writeEndObject();
    g.writeNumberProperty("flagged", summary.flagged());
    g.writeNumberProperty("errors", summary.errors());
    writeCounts(g, "errorsByKind", summary.errorsByKind());
    g.writeNumberProperty("skipped", summary.skipped());
    writeCounts(g, "skippedByReason", summary.skippedByReason());
    g.writeEndObject();
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
