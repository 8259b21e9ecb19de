package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Gathers each entry into the run's bounded aggregates, then renders report.html from them at the end. */
final class HtmlOutput implements Output {

  private final StagedFile file;
  private final RunAggregates.Limits limits;
  private RunAggregates run;

  private final Supplier<ReportChanges> changes;

  HtmlOutput(Path path, RunAggregates.Limits limits) throws IOException {
    this(path, limits, () -> null);
  }

  /** As above, with a "Changes since baseline" section when {@code changes} gives some. */
  HtmlOutput(Path path, RunAggregates.Limits limits, Supplier<ReportChanges> changes) throws IOException {
    this.changes = changes;
    this.limits = limits;
    file = StagedFile.create(path);
  }

  @Override
  public void begin(RunStart start) {
    run = new RunAggregates(start.inputs(), limits);
  }

  @Override
  public void entry(AuditEntry entry) {
    run.add(entry);
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    Writer out = new OutputStreamWriter(file.out(), StandardCharsets.UTF_8);
    HtmlReport.render(HtmlView.of(start, end, run), HtmlChanges.of(changes.get()), out);
    out.flush();
    file.finish();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
