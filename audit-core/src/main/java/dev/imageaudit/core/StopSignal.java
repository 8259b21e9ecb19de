package dev.imageaudit.core;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks a running audit to stop taking new paths. Paths already taken are audited (or time out),
 * the run then ends normally with {@link RunEnd#interrupted()} set to the first reason given.
 * Thread-safe; may be called from a signal handler.
 */
public final class StopSignal {

  private final AtomicReference<String> reason = new AtomicReference<>();

  /** Asks the run to stop; returns true for the first call, false when it was already asked. */
  public boolean stop(String why) {
    return reason.compareAndSet(null, java.util.Objects.requireNonNull(why, "why"));
  }

  /** Returns true once {@link #stop} was called. */
  public boolean stopped() {
    return reason.get() != null;
  }

  /** Returns the first reason given to {@link #stop}, or {@code null}. */
  public String reason() {
    return reason.get();
  }
}
