package dev.imageaudit.core;

import java.io.IOException;

/**
 * Receives one run as it happens: {@link #begin} once, {@link #entry} once per path in walk order,
 * then {@link #end} once. Calls never overlap (they may come from different threads, one at a
 * time, each after the previous returned), so an implementation needs no locking of its own.
 *
 * <p>This is how reports are written in constant memory: a sink keeps what it needs of each entry
 * (a line written, a count raised) and lets the entry go. An exception from a sink ends the run
 * with that exception: it is a fatal fault (an output that cannot be written), not a path's error.
 */
public interface RunSink {

  /** Called once, before any entry. */
  void begin(RunStart start) throws IOException;

  /** Called once per path met, in walk order. */
  void entry(AuditEntry entry) throws IOException;

  /** Called once, after the last entry, when the run ended normally or was stopped. */
  void end(RunStart start, RunEnd end) throws IOException;
}
