package dev.imageaudit.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.io.Writer;

/**
 * Writes a run as one self-contained HTML5 page: inline CSS and SVG, one inline script (a filter
 * box and sortable tables) that the page's CSP allows by its hash, nothing fetched.
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

  /**
   * The CSP source that allows the page's one inline script, {@code 'sha256-BASE64'} of the script's
   * text in the template (static text, rendered byte for byte). A constant, not hashed at start-up:
   * reading the template again, the search and the first {@code MessageDigest} (its providers) were
   * about 18 ms of an empty store's run, all on its critical path. {@code HtmlReportTest} hashes the
   * script of every page it renders and fails, naming the new value, when the script is edited and
   * this is not.
   */
  static final String SCRIPT_HASH = "'sha256-eOZ/exF0++t7FTNJNQKkcAEnFCZEWwMEqiHvZy9yTUQ='";

  private HtmlReport() {}

  /**
   * Writes {@code report} to {@code out} as HTML, judged by {@link Policy#DEFAULT} today, then
   * flushes {@code out} without closing it.
   *
   * @throws UncheckedIOException if {@code out} fails
   */
  public static void write(AuditReport report, Writer out) {
    write(report, out, PolicyGate.of(Policy.DEFAULT, Clock.systemUTC()), null);
  }

  /** As {@link #write(AuditReport, Writer)}, judged by {@code gate} (a fresh one) with {@code provenance} (or null). */
  public static void write(AuditReport report, Writer out, PolicyGate gate, Provenance provenance) {
    RunAggregates run = new RunAggregates(report.inputs(), RunAggregates.Limits.DEFAULT);
    ComplianceView.Waived waived = new ComplianceView.Waived(RunAggregates.Limits.DEFAULT);
    for (AuditEntry entry : report.entries()) {
      run.add(entry);
      EntryPolicy policy = gate.judge(entry);
      if (!policy.waived().isEmpty()) {
        waived.add(entry, policy);
      }
    }
    RunStart start = Runs.start(report);
    RunEnd end = Runs.end(report);
    render(
        HtmlView.of(start, end, run), compliance(start, end, gate.judge(end), provenance, waived), HtmlChanges.of(null),
        out);
  }

  static ComplianceView.Compliance compliance(
      RunStart start, RunEnd end, RunJudgement judgement, Provenance provenance, ComplianceView.Waived waived) {
    return ComplianceView.of(start, end, judgement, provenance, waived, SCRIPT_HASH);
  }

  /**
   * Renders {@code page}, its {@code compliance} part and the {@code changes} since a baseline
   * ({@code changes.changes()} null: none) to {@code out}, then flushes {@code out} without closing it.
   */
  static void render(HtmlView.Page page, ComplianceView.Compliance compliance, HtmlChanges changes, Writer out) {
    // Three scopes: names are looked up in the compliance part first, then the page, then the changes.
    TEMPLATE.execute(out, List.of(changes, page, compliance));
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
