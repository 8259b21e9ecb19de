package dev.imageaudit.core;

import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Asks a running audit to stop taking new paths. Paths already taken are audited (or time out),
 * the run then ends normally with {@link RunEnd#interrupted()} set to the first reason given.
 * Thread-safe; may be called from a signal handler.
 */
public final class StopSignal {

  private final AtomicReference<String> reason = new AtomicReference<>();
  private final Sinks.One<String> stopped = Sinks.one();

  /** Asks the run to stop; returns true for the first call, false when it was already asked. */
  public boolean stop(String why) {
    if (reason.compareAndSet(null, java.util.Objects.requireNonNull(why, "why"))) {
      stopped.tryEmitValue(why);
      return true;
    }
    return false;
  }

  /** Returns a mono that emits the reason when {@link #stop} is first called. */
  public Mono<String> whenStopped() {
    return stopped.asMono();
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
