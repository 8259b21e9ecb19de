package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import tools.jackson.core.JsonGenerator;

/** Writes report.jsonl: each entry's line as it arrives, through one generator, then the summary record. */
final class JsonLinesOutput implements Output {

  private final StagedFile file;
  private final JsonGenerator lines;
  private final Provenance provenance;
  private final Supplier<ReportChanges> changes;

  /**
   * @param provenance who made the run, or null
   * @param changes the changes since a baseline for the summary record, null when there is none
   */
  JsonLinesOutput(Path path, Provenance provenance, Supplier<ReportChanges> changes) throws IOException {
    this.provenance = provenance;
    this.changes = changes;
    file = StagedFile.create(path);
    lines = JsonLinesReport.generator(file.out());
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    JsonLinesReport.writeEntry(lines, entry, EntryPolicy.NONE);
  }

  @Override
  public void entry(AuditEntry entry, EntryPolicy policy) {
    JsonLinesReport.writeEntry(lines, entry, policy);
  }

  @Override
  public void end(RunStart start, RunEnd end) {
    throw new UnsupportedOperationException("report.jsonl's summary record needs the run's verdict");
  }

  @Override
  public void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    JsonLinesReport.writeSummary(lines, start, end, judgement, provenance, changes.get());
    lines.close();
    file.finish();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
