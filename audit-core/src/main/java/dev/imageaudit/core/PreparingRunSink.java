package dev.imageaudit.core;

import java.io.IOException;

/**
 * A {@link RunSink} whose work on an entry is split in two: {@link #prepare} runs on the thread that
 * audited the entry, concurrently with other entries' preparation, and {@link #entry(AuditEntry,
 * Object)} then runs in walk order, one call at a time, with what {@code prepare} returned.
 *
 * <p>Why: {@link RunSink#entry} calls never overlap, so whatever a sink does there runs on one core
 * at a time, however many threads audit. Turning an entry into its report line takes as long as a
 * small file's audit; done in {@code entry} it held the I/O threads back (they wait for written
 * entries before they take more files). Work that needs nothing but the entry belongs in {@code
 * prepare}; counts, sums and writes in order stay in {@code entry}.
 *
 * <p>{@link ImageAudit#run} calls {@code prepare} exactly once for each entry it then passes to
 * {@code entry}, before that call, from any thread and at the same time as other calls to {@code
 * prepare} and to {@link #begin}, {@code entry} and {@link #end}: it must be thread-safe and touch
 * no state those calls change. A run that is cancelled may prepare entries it never passes on.
 *
 * @param <P> what {@code prepare} hands to {@code entry}
 */
public interface PreparingRunSink<P> extends RunSink {

  /** Returns this sink's work on {@code entry} that depends on nothing but the entry. */
  P prepare(AuditEntry entry);

  /** As {@link RunSink#entry}, with what {@link #prepare} returned for {@code entry}. */
  void entry(AuditEntry entry, P prepared) throws IOException;

  /** Prepares {@code entry} and takes it, on the calling thread. */
  @Override
  default void entry(AuditEntry entry) throws IOException {
    entry(entry, prepare(entry));
  }
}
