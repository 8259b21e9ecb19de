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
  private final Supplier<ReportChanges> changes;

  JsonLinesOutput(Path path) throws IOException {
    this(path, () -> null);
  }

  /** @param changes the changes since a baseline for the summary record, null when there is none */
  JsonLinesOutput(Path path, Supplier<ReportChanges> changes) throws IOException {
    this.changes = changes;
    file = StagedFile.create(path);
    lines = JsonLinesReport.generator(file.out());
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    JsonLinesReport.writeEntry(lines, entry);
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    JsonLinesReport.writeSummary(lines, start, end, changes.get());
    lines.close();
    file.finish();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
