package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Compares the run, entry by entry as it streams by, with a baseline report ({@code scan --baseline
 * OLD}) read alongside it in walk order ({@link WalkMerge}); writes no file of its own. It comes
 * first in its set, so that at {@link #end} the {@link ReportChanges} are whole before the outputs
 * that show them (report.jsonl's summary record, report.json, report.html) are finished.
 */
final class BaselineOutput implements Output {

  private final Path source;
  private final ReportReader reader;
  private final ReportChanges changes;
  private final WalkMerge merge;
  private boolean ended;

  BaselineOutput(Path source, Set<Flag> failOn) throws IOException {
    this.source = source;
    this.reader = ReportReader.open(source);
    this.changes = new ReportChanges(ReportChanges.DEFAULT_LISTED, failOn);
    this.merge = new WalkMerge(reader::next, changes);
  }

  /** Returns the changes once the run ended, else null. */
  ReportChanges changes() {
    return ended ? changes : null;
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) throws IOException {
    merge.next(entry);
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    merge.finish();
    JsonLinesDecoder.SummaryLine baseline = reader.summary();
    changes.finish(merge.unchanged(), source.toString(), baseline.start(), baseline.end(), end);
    reader.close();
    ended = true;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
