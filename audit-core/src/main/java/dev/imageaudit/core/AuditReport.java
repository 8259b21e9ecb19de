package dev.imageaudit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one audit run: its entries sorted by path, their summary, the VM configs checked
 * and when it ran.
 *
 * @param toolVersion image-audit's version
 * @param startedAt when the run started
 * @param finishedAt when the last entry was audited
 * @param inputs the inputs as given ({@code examples/image-store}, {@code fd:3}, {@code stdin})
 * @param entries one entry per path met, sorted by {@link AuditEntry#path()}
 * @param summary counts over {@code entries}
 * @param configs one result per {@link AuditInput.VmConfig} input, in the inputs' order
 */
public record AuditReport(
    String toolVersion,
    Instant startedAt,
    Instant finishedAt,
    List<String> inputs,
    List<AuditEntry> entries,
    AuditSummary summary,
    List<VmConfigAudit> configs) {

  public AuditReport {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    inputs = List.copyOf(inputs);
    entries = List.copyOf(entries);
    Objects.requireNonNull(summary, "summary");
    configs = List.copyOf(configs);
  }

  /** A report of a run that had no VM config. */
  public AuditReport(
      String toolVersion,
      Instant startedAt,
      Instant finishedAt,
      List<String> inputs,
      List<AuditEntry> entries,
      AuditSummary summary) {
    this(toolVersion, startedAt, finishedAt, inputs, entries, summary, List.of());
  }

  /**
   * Returns true when every path met was audited or deliberately skipped (no {@link
   * AuditEntry.Failed}) and every VM config could be read. A config that was read but is broken
   * does not make a run incomplete: its findings are the answer.
   */
  public boolean complete() {
    return summary.complete() && configs.stream().allMatch(VmConfigAudit::readable);
  }
}
