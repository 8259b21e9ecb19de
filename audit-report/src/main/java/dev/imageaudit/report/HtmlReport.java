package dev.imageaudit.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes a run as one self-contained HTML5 page: inline CSS and SVG, no script, nothing fetched.
 *
 * <p>The page shows the run's status, counts, charts, problems grouped by kind, reason, format and
 * top-level folder, and the first rows of each table ({@link RunAggregates.Limits#DEFAULT}: 200
 * rows, 200 KB of HTML) with the number left out and a pointer to report.jsonl; so it stays under
 * 2 MB and quick to open whatever the number of entries.
 *
 * <p>The page is rendered by the Mustache template {@code dev/imageaudit/report/report.mustache}
 * from a view model computed in Java. Every string from the run reaches the page only through
 * Mustache's HTML escaping; the template has no unescaped tags.
 */
public final class HtmlReport {

  // Compiled once: a compiled Mustache is immutable and safe to execute from many threads.
  private static final Mustache TEMPLATE =
      new DefaultMustacheFactory("dev/imageaudit/report").compile("report.mustache");

  private HtmlReport() {}

  /**
   * Writes {@code report} to {@code out} as HTML, then flushes {@code out} without closing it.
   *
   * @throws UncheckedIOException if {@code out} fails
   */
  public static void write(AuditReport report, Writer out) {
    RunAggregates run = new RunAggregates(report.inputs(), RunAggregates.Limits.DEFAULT);
    for (AuditEntry entry : report.entries()) {
      run.add(entry);
    }
    render(HtmlView.of(Runs.start(report), Runs.end(report), run), out);
  }

  /** Renders {@code page} to {@code out}, then flushes {@code out} without closing it. */
  static void render(HtmlView.Page page, Writer out) {
    render(page, HtmlChanges.of(null), out);
  }

  /** Renders {@code page} with the changes since a baseline ({@code changes.changes()} null: none). */
  static void render(HtmlView.Page page, HtmlChanges changes, Writer out) {
    TEMPLATE.execute(out, java.util.List.of(changes, page));
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
