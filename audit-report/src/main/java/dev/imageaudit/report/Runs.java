package dev.imageaudit.report;

import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;

/** An in-memory {@link AuditReport} seen as the start and end of a streamed run, so one writer serves both. */
final class Runs {

  private Runs() {}

  /** Returns what was known of {@code report}'s run when it started. */
  static RunStart start(AuditReport report) {
    return new RunStart(report.toolVersion(), report.startedAt(), report.inputs());
  }

  /** Returns how {@code report}'s run ended; a report held whole was never interrupted. */
  static RunEnd end(AuditReport report) {
    return new RunEnd(report.finishedAt(), report.summary(), report.configs(), null);
  }
}
