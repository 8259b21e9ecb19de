package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import java.io.Closeable;
import java.io.IOException;

/**
 * One file of a {@link ReportSet}, written as the run streams by: {@link #begin}, each {@link
 * #entry}, then {@link #end}, which finishes the file and syncs it to the disk. {@link #close}
 * releases the file whether it was finished or not; deleting it is the set's job.
 *
 * <p>The set calls the forms that carry the run's policy ({@link #entry(AuditEntry, EntryPolicy)},
 * {@link #end(RunStart, RunEnd, RunJudgement)}); an output that does not show verdicts keeps the
 * plain forms, to which these default.
 */
interface Output extends RunSink, Closeable {

  /** Takes one entry with what the policy made of it; by default ignores the policy. */
  default void entry(AuditEntry entry, EntryPolicy policy) throws IOException {
    entry(entry);
  }

  /**
   * Takes one entry with what the set prepared of it on the thread that audited it ({@link
   * ReportSet#prepare}); by default only the policy's part is used.
   */
  default void entry(AuditEntry entry, ReportSet.Prepared prepared) throws IOException {
    entry(entry, prepared.policy);
  }

  /** Finishes the file with the run's verdict; by default ignores the verdict. */
  default void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    end(start, end);
  }
}
