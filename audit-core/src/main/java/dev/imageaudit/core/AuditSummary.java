package dev.imageaudit.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over a list of entries, as the report's {@code summary} shows them.
 *
 * @param files number of entries (images, skips and errors)
 * @param byFormat images by format name, sorted by name
 * @param partition images by virtmgr's partition decision
 * @param disk images by crosvm's whole-disk decision
 * @param flagged images that carry at least one flag
 * @param errors failed entries
 * @param errorsByKind failed entries by kind name, sorted
 * @param skipped skipped entries
 * @param skippedByReason skipped entries by reason name, sorted
 */
public record AuditSummary(
    long files,
    Map<String, Long> byFormat,
    Map<Verdict.Decision, Long> partition,
    Map<Verdict.Decision, Long> disk,
    long flagged,
    long errors,
    Map<String, Long> errorsByKind,
    long skipped,
    Map<String, Long> skippedByReason) {

  /** Counts {@code entries}. */
  public static AuditSummary of(Iterable<? extends AuditEntry> entries) {
    long files = 0;
    long flagged = 0;
    long errors = 0;
    long skipped = 0;
    Map<String, Long> byFormat = new TreeMap<>();
    Map<Verdict.Decision, Long> partition = new EnumMap<>(Verdict.Decision.class);
    Map<Verdict.Decision, Long> disk = new EnumMap<>(Verdict.Decision.class);
    for (Verdict.Decision d : Verdict.Decision.values()) {
      partition.put(d, 0L);
      disk.put(d, 0L);
    }
    Map<String, Long> errorsByKind = new TreeMap<>();
    Map<String, Long> skippedByReason = new TreeMap<>();
    for (AuditEntry entry : entries) {
      files++;
      if (entry instanceof AuditEntry.Image image) {
        byFormat.merge(image.format().id(), 1L, Long::sum);
        partition.merge(image.partition().decision(), 1L, Long::sum);
        disk.merge(image.disk().decision(), 1L, Long::sum);
        if (!image.flags().isEmpty()) {
          flagged++;
        }
      } else if (entry instanceof AuditEntry.Skipped skip) {
        skipped++;
        skippedByReason.merge(skip.reason().id(), 1L, Long::sum);
      } else if (entry instanceof AuditEntry.Failed failure) {
        errors++;
        errorsByKind.merge(failure.kind().id(), 1L, Long::sum);
      }
    }
    return new AuditSummary(
        files,
        Collections.unmodifiableMap(byFormat),
        Collections.unmodifiableMap(partition),
        Collections.unmodifiableMap(disk),
        flagged,
        errors,
        Collections.unmodifiableMap(errorsByKind),
        skipped,
        Collections.unmodifiableMap(skippedByReason));
  }

  /** Returns true when no entry failed: every path met was audited or deliberately skipped. */
  public boolean complete() {
    return errors == 0;
  }
}
