package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a report held whole in memory as a run's outputs, replacing the previous ones together:
 * a {@link ReportSet} fed with the report's entries. For a run of any size, use a {@link
 * ReportSet} as the run's sink instead.
 */
public final class ReportFiles {

  /** The report's JSON file name. */
  public static final String JSON = ReportSet.JSON;
  /** The report's JSON Lines file name. */
  public static final String JSONL = ReportSet.JSONL;
  /** The report's HTML file name. */
  public static final String HTML = ReportSet.HTML;
  /** The Prometheus text file name. */
  public static final String METRICS = ReportSet.METRICS;

  /**
   * Where the outputs went.
   *
   * @param json the JSON report
   * @param html the HTML report
   * @param metrics the Prometheus text file
   */
  public record Written(Path json, Path html, Path metrics) {}

  private ReportFiles() {}

  /**
   * Writes {@code report}'s outputs (report.jsonl, report.json, report.html, metrics.prom) into
   * {@code directory}, replacing its previous outputs all at once, as {@link ReportSet} does: the
   * folder must be absent, empty or one image-audit wrote. Each entry is counted into {@code
   * metrics} ({@link AuditMetrics#count}) on the way, so do not count them elsewhere; the run is
   * recorded with {@link AuditMetrics#recordRun(AuditReport)}, which a caller may also have done.
   *
   * @throws IOException if any output cannot be written (a fatal fault for a run); the previous
   *     outputs are then untouched and no temporary file is left
   */
  public static Written write(AuditReport report, AuditMetrics metrics, Path directory) throws IOException {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(metrics, "metrics");
    try (ReportSet set =
        ReportSet.create(directory, metrics, report, RunAggregates.Limits.DEFAULT, Renames::exchange)) {
      set.begin(Runs.start(report));
      for (AuditEntry entry : report.entries()) {
        set.entry(entry);
      }
      set.end(Runs.start(report), Runs.end(report));
      ReportSet.Written written = set.commit();
      return new Written(written.json(), written.html(), written.metrics());
    }
  }
}
