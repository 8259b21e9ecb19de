package dev.imageaudit.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fatal faults end the process with exit code 4 and one line on stderr, never a hang and never
 * exit 1 (which means "flagged"). Two ways in: the command catches what reaches it ({@link
 * #report}); anything thrown on another thread (an {@link OutOfMemoryError} in a reading thread,
 * a defect in a library's thread) reaches the default uncaught-exception handler {@link
 * #install}s, which removes the staged outputs and halts.
 *
 * <p>Not {@code -XX:+ExitOnOutOfMemoryError}: it exits with status 3, which here means
 * "incomplete", and it cannot remove the staged outputs.
 */
final class Fatal {

  /** Freed first when memory ran out, so the last line and the clean-up can still allocate. */
  private static volatile byte[] reserve = new byte[1 << 20];

  private static final AtomicReference<Runnable> ON_HALT = new AtomicReference<>();

  private Fatal() {}

  /** Installs the handler for throwables no thread caught; from {@code main} only. */
  static void install(PrintStream stderr) {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          reserve = null;
          try {
            stderr.println("image-audit: fatal: " + oneLine(e) + " (in thread " + thread.getName() + ")");
            stderr.flush();
            Runnable cleanUp = ON_HALT.get();
            if (cleanUp != null) {
              cleanUp.run();
            }
          } finally {
            Runtime.getRuntime().halt(ExitCodes.FATAL);
          }
        });
  }

  /** Sets what to undo before a halt (remove staged outputs), or clears it with {@code null}. */
  static void onHalt(Runnable cleanUp) {
    ON_HALT.set(cleanUp);
  }

  /** Prints the one line for {@code e} and returns {@link ExitCodes#FATAL}. */
  static int report(PrintWriter err, Throwable e) {
    reserve = null;
    err.println("image-audit: fatal: " + oneLine(e));
    err.flush();
    return ExitCodes.FATAL;
  }

  /** {@code OutOfMemoryError: Java heap space}, with the cause where the message is empty. */
  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return Terminal.safe(text.replace('\n', ' '));
  }
}
