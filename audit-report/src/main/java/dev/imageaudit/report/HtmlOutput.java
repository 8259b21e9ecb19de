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
  private final Provenance provenance;
  private RunAggregates run;
  private ComplianceView.Waived waived;

  private final Supplier<ReportChanges> changes;

  /** With a "Changes since baseline" section when {@code changes} gives some. */
  HtmlOutput(Path path, RunAggregates.Limits limits, Provenance provenance, Supplier<ReportChanges> changes)
      throws IOException {
    this.changes = changes;
    this.limits = limits;
    this.provenance = provenance;
    file = StagedFile.create(path);
  }

  @Override
  public void begin(RunStart start) {
    run = new RunAggregates(start.inputs(), limits);
    waived = new ComplianceView.Waived(limits);
  }

  @Override
  public void entry(AuditEntry entry) {
    run.add(entry);
  }

  @Override
  public void entry(AuditEntry entry, EntryPolicy policy) {
    run.add(entry);
    if (!policy.waived().isEmpty()) {
      waived.add(entry, policy);
    }
  }

  @Override
  public void end(RunStart start, RunEnd end) {
    throw new UnsupportedOperationException("report.html's banner needs the run's verdict");
  }

  @Override
  public void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    Writer out = new OutputStreamWriter(file.out(), StandardCharsets.UTF_8);
    HtmlReport.render(
        HtmlView.of(start, end, run), HtmlReport.compliance(start, end, judgement, provenance, waived),
        HtmlChanges.of(changes.get()), out);
    out.flush();
    file.finish();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
