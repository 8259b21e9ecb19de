package dev.imageaudit.report;

import dev.imageaudit.core.AuditReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

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
   * file is written to a temporary file in the same folder and renamed into place. The run is
   * recorded in {@code metrics} first ({@link AuditMetrics#recordRun}), so metrics.prom always
   * carries its last-run gauges.
   *
   * @throws IOException if any output cannot be written (a fatal fault for a run)
   */
  public static Written write(AuditReport report, AuditMetrics metrics, Path directory) throws IOException {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(metrics, "metrics");
    Files.createDirectories(directory);
    metrics.recordRun(report);
    Written written = new Written(directory.resolve(JSON), directory.resolve(HTML), directory.resolve(METRICS));
    AtomicFiles.write(written.json(), out -> JsonReport.write(report, out));
    AtomicFiles.write(
        written.html(),
        out -> {
          Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
          HtmlReport.write(report, writer);
          writer.flush();
        });
    AtomicFiles.write(written.metrics(), out -> PrometheusText.write(metrics.registry(), out));
    return written;
  }
}
