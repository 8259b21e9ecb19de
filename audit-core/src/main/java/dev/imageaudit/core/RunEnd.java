package dev.imageaudit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is known of a run once its last entry is out: the counts over every entry, the VM configs
 * judged, and whether it was stopped early.
 *
 * @param finishedAt when the last entry was audited
 * @param summary counts over every entry of the run
 * @param configs one result per {@link AuditInput.VmConfig} input, in the inputs' order
 * @param interrupted why the run was stopped before its walk ended ({@code "SIGINT"}, {@code
 *     "SIGTERM"}), or {@code null} when it ran to the end
 */
public record RunEnd(Instant finishedAt, AuditSummary summary, List<VmConfigAudit> configs, String interrupted) {

  public RunEnd {
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(summary, "summary");
    configs = List.copyOf(configs);
  }

  /**
   * Returns true when the walk ran to its end, every path met was audited or deliberately skipped
   * (no {@link AuditEntry.Failed}) and every VM config could be read.
   */
  public boolean complete() {
    return interrupted == null && summary.complete() && configs.stream().allMatch(VmConfigAudit::readable);
  }
}
