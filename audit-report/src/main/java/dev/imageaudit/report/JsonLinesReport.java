package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.OutputStream;
import java.time.Clock;
import tools.jackson.core.JsonGenerator;

/**
 * Writes a run as {@code report.jsonl}: one compact JSON object per line, UTF-8, each line ending
 * in {@code \n}; every entry in walk order, then one summary record as the last line.
 *
 * <p>An entry line is the same object as an element of {@code report.json}'s {@code images}. The
 * summary record is the only line whose first key is {@code "record"} ({@code {"record":
 * "summary", ...}}); it then carries {@code schemaVersion, tool, startedAt, finishedAt, verdict,
 * verdictReasons, complete, interrupted, inputs, provenance, policy, summary, configs} as report.json
 * does. A file whose last line is not a
 * summary record was cut short: its run never finished writing.
 */
public final class JsonLinesReport {

  /** The value of {@code record} in the summary line. */
  public static final String SUMMARY_RECORD = "summary";


  private JsonLinesReport() {}

  /**
   * Writes one line per entry of {@code report}, in its order, then its summary record, then
   * flushes {@code out} without closing it.
   */
  public static void write(AuditReport report, OutputStream out) {
    write(report, out, PolicyGate.of(Policy.DEFAULT, Clock.systemUTC()), null);
  }

  /**
   * As {@link #write(AuditReport, OutputStream)}, judged by {@code gate} (a fresh one) and with
   * {@code provenance} (null: written as null).
   */
  public static void write(AuditReport report, OutputStream out, PolicyGate gate, Provenance provenance) {
    try (JsonGenerator g = generator(out)) {
      for (AuditEntry entry : report.entries()) {
        writeEntry(g, entry, gate.judge(entry));
      }
      RunEnd end = Runs.end(report);
      writeSummary(g, Runs.start(report), end, gate.judge(end), provenance);
    }
  }

  /** Returns a compact generator for lines written to {@code out}; closing it flushes, never closes, {@code out}. */
  static JsonGenerator generator(OutputStream out) {
    return JsonSupport.generator(out, null);
  }

  /** Writes {@code entry} as one line. */
  static void writeEntry(JsonGenerator g, AuditEntry entry, EntryPolicy policy) {
    JsonSupport.writeEntry(g, entry, policy);
    g.writeRaw('\n');
  }

  /** Writes the run's summary record as one line: the file's last. */
  static void writeSummary(
      JsonGenerator g, RunStart start, RunEnd end, RunJudgement judgement, Provenance provenance) {
    writeSummary(g, start, end, judgement, provenance, null);
  }

  /** As above, with the {@code changes} since a baseline last when there are some ({@link ReportChanges}). */
  static void writeSummary(
      JsonGenerator g, RunStart start, RunEnd end, RunJudgement judgement, Provenance provenance,
      ReportChanges changes) {
    g.writeStartObject();
    g.writeStringProperty("record", SUMMARY_RECORD);
    JsonReport.writeRun(g, start, end, judgement, provenance);
    JsonReport.writeConfigs(g, end.configs());
    if (changes != null) {
      changes.writeProperty(g);
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }
}
