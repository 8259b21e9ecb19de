package dev.imageaudit.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

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
    private static final ImageFormat[] FORMATS = ImageFormat.values();
    private static final Verdict.Decision[] DECISIONS = Verdict.Decision.values();
    private static final ErrorKind[] KINDS = ErrorKind.values();
    private static final SkipReason[] REASONS = SkipReason.values();

    private long files;
    private long flagged;
    private long errors;
    private long skipped;
    // Counted by the enums' ordinals, made into maps by id only for a summary: a TreeMap merge of
    // boxed counts for every file was about 1% of a 1,000,000-file run's CPU (async-profiler).
    private final long[] byFormat = new long[FORMATS.length];
    private final long[] partition = new long[DECISIONS.length];
    private final long[] disk = new long[DECISIONS.length];
    private final long[] errorsByKind = new long[KINDS.length];
    private final long[] skippedByReason = new long[REASONS.length];

    /** Returns an empty tally. */
    public Tally() {}

    /** Counts one entry. */
    public void add(AuditEntry entry) {
      files++;
      if (entry instanceof AuditEntry.Image image) {
        byFormat[image.format().ordinal()]++;
        partition[image.partition().decision().ordinal()]++;
        disk[image.disk().decision().ordinal()]++;
        if (!image.flags().isEmpty()) {
          flagged++;
        }
      } else if (entry instanceof AuditEntry.Skipped skip) {
        skipped++;
        skippedByReason[skip.reason().ordinal()]++;
      } else if (entry instanceof AuditEntry.Failed failure) {
        errors++;
        errorsByKind[failure.kind().ordinal()]++;
      }
    }

    /** Returns the counts so far, as an immutable summary. */
    public AuditSummary summary() {
      Map<Verdict.Decision, Long> partitions = new EnumMap<>(Verdict.Decision.class);
      Map<Verdict.Decision, Long> disks = new EnumMap<>(Verdict.Decision.class);
      for (Verdict.Decision d : DECISIONS) {
        partitions.put(d, partition[d.ordinal()]);
        disks.put(d, disk[d.ordinal()]);
      }
      Map<String, Long> formats = byId(FORMATS, byFormat, ImageFormat::id);
      Map<String, Long> kinds = byId(KINDS, errorsByKind, ErrorKind::id);
      Map<String, Long> reasons = byId(REASONS, skippedByReason, SkipReason::id);
      return new AuditSummary(
          files,
          Collections.unmodifiableMap(formats),
          Collections.unmodifiableMap(partitions),
          Collections.unmodifiableMap(disks),
          flagged,
          errors,
          Collections.unmodifiableMap(kinds),
          skipped,
          Collections.unmodifiableMap(reasons));
    }

    /** The counts above zero of {@code values} (indexed by ordinal), by id, sorted by id. */
    private static <E extends Enum<E>> Map<String, Long> byId(E[] values, long[] counts, Function<E, String> id) {
      Map<String, Long> byId = new TreeMap<>();
      for (E value : values) {
        if (counts[value.ordinal()] > 0) {
          byId.merge(id.apply(value), counts[value.ordinal()], Long::sum);
        }
      }
      return byId;
    }
  }

  /** Returns true when no entry failed: every path met was audited or deliberately skipped. */
  public boolean complete() {
    return errors == 0;
  }
}
