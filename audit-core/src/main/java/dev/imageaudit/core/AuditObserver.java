package dev.imageaudit.core;

/**
 * Told of each entry as soon as it is ready, on the thread that produced it; implementations must
 * be thread-safe and quick. Metrics and progress reporting hang off this.
 */
@FunctionalInterface
public interface AuditObserver {

  /** Does nothing. */
  AuditObserver NONE = (entry, nanos) -> {};

  /**
   * Called once per entry.
   *
   * @param entry the entry
   * @param nanos time spent opening, reading and judging the path (0 for entries made by the walk)
   */
  void onEntry(AuditEntry entry, long nanos);
}
