package dev.imageaudit.cli;

import dev.imageaudit.core.StopSignal;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM for a scan: the first asks the run to stop taking new files (it then writes
 * its outputs as interrupted and exits 130 or 143); a second exits at once, after {@code onAbort}
 * removed what the run had staged, so the previous complete outputs stay as they were.
 *
 * <p>{@code sun.misc.Signal} is the JDK's only way to handle a signal without ending the process
 * ({@code jdk.unsupported}, kept for this use); the JVM's own shutdown on SIGINT would leave no
 * report at all.
 */
final class Signals {

  /** Exit code for a run ended by SIGINT (128 + 2), as shells report it. */
  static final int SIGINT_EXIT = 130;
  /** Exit code for a run ended by SIGTERM (128 + 15). */
  static final int SIGTERM_EXIT = 143;

  private final List<Signal> installed = new ArrayList<>();
  private final List<sun.misc.SignalHandler> previous = new ArrayList<>();

  private Signals() {}

  /** Installs the handlers; {@link #restore} puts the previous ones back. */
  static Signals install(StopSignal stop, Runnable onAbort) {
    Signals signals = new Signals();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal signal = new Signal(name);
      int exit = name.equals("INT") ? SIGINT_EXIT : SIGTERM_EXIT;
      try {
        signals.previous.add(Signal.handle(signal, s -> {
          if (!stop.stop("SIG" + name)) {
            // The second signal: leave now; the previous outputs were never touched.
            onAbort.run();
            Runtime.getRuntime().halt(exit);
          }
        }));
        signals.installed.add(signal);
      } catch (IllegalArgumentException e) {
        // The signal is reserved here (e.g. by -Xrs): the JVM's default handling stays.
      }
    }
    return signals;
  }

  /** Returns the exit code for a run stopped by {@code reason} ("SIGINT", "SIGTERM"). */
  static int exitCode(String reason) {
    return "SIGTERM".equals(reason) ? SIGTERM_EXIT : SIGINT_EXIT;
  }

  /** Puts back the handlers that were there before {@link #install}. */
  void restore() {
    for (int i = 0; i < installed.size(); i++) {
      Signal.handle(installed.get(i), previous.get(i));
    }
  }
}
