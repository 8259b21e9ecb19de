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
    Tally tally = new Tally();
    for (AuditEntry entry : entries) {
      tally.add(entry);
    }
    return tally.summary();
  }

  /**
   * Counts entries one at a time, so a run of any length is summarised in constant memory (the maps
   * are bounded by the number of formats, reasons and kinds). Not thread-safe: one run's entries
   * arrive one at a time.
   */
  public static final class Tally {
    private long files;
    private long flagged;
    private long errors;
    private long skipped;
    private final Map<String, Long> byFormat = new TreeMap<>();
    private final Map<Verdict.Decision, Long> partition = new EnumMap<>(Verdict.Decision.class);
    private final Map<Verdict.Decision, Long> disk = new EnumMap<>(Verdict.Decision.class);
    private final Map<String, Long> errorsByKind = new TreeMap<>();
    private final Map<String, Long> skippedByReason = new TreeMap<>();

    /** Returns an empty tally. */
    public Tally() {
      for (Verdict.Decision d : Verdict.Decision.values()) {
        partition.put(d, 0L);
        disk.put(d, 0L);
      }
    }

    /** Counts one entry. */
    public void add(AuditEntry entry) {
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

    /** Returns the counts so far, as an immutable summary. */
    public AuditSummary summary() {
      return new AuditSummary(
          files,
          Collections.unmodifiableMap(new TreeMap<>(byFormat)),
          Collections.unmodifiableMap(new EnumMap<>(partition)),
          Collections.unmodifiableMap(new EnumMap<>(disk)),
          flagged,
          errors,
          Collections.unmodifiableMap(new TreeMap<>(errorsByKind)),
          skipped,
          Collections.unmodifiableMap(new TreeMap<>(skippedByReason)));
    }
  }

  /** Returns true when no entry failed: every path met was audited or deliberately skipped. */
  public boolean complete() {
    return errors == 0;
  }
}
