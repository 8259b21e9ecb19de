package dev.imageaudit.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.imageaudit.core.AuditReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes a report as one self-contained HTML5 page: inline CSS and SVG, no script, nothing fetched.
 *
 * <p>The page is rendered by the Mustache template {@code dev/imageaudit/report/report.mustache}
 * from a view model computed in Java. Every string from the report reaches the page only through
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
    TEMPLATE.execute(out, HtmlView.of(report));
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
