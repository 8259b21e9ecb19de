package dev.imageaudit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one audit run: its entries sorted by path, their summary and when it ran.
 *
 * @param toolVersion image-audit's version
 * @param startedAt when the run started
 * @param finishedAt when the last entry was audited
 * @param inputs the inputs as given ({@code examples/image-store}, {@code fd:3}, {@code stdin})
 * @param entries one entry per path met, sorted by {@link AuditEntry#path()}
 * @param summary counts over {@code entries}
 */
public record AuditReport(
    String toolVersion,
    Instant startedAt,
    Instant finishedAt,
    List<String> inputs,
    List<AuditEntry> entries,
    AuditSummary summary) {

  public AuditReport {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    inputs = List.copyOf(inputs);
    entries = List.copyOf(entries);
    Objects.requireNonNull(summary, "summary");
  }

  /** Returns true when every path met was audited or deliberately skipped (no {@link AuditEntry.Failed}). */
  public boolean complete() {
    return summary.complete();
  }
}
