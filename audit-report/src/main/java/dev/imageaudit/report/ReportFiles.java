package dev.imageaudit.report;

import dev.imageaudit.core.AuditReport;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a run's three outputs into one folder, each atomically: report.json, report.html, metrics.prom. */
public final class ReportFiles {

  /** The report's JSON file name. */
  public static final String JSON = "report.json";
  /** The report's HTML file name. */
  public static final String HTML = "report.html";
  /** The Prometheus text file name. */
  public static final String METRICS = "metrics.prom";

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
   * Writes {@code report} and {@code metrics} into {@code directory}, creating it if needed. Each
   * file is written to a temporary file in the same folder and renamed into place.
   *
   * @throws IOException if any output cannot be written (a fatal fault for a run)
   */
  public static Written write(AuditReport report, AuditMetrics metrics, Path directory) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }
}
