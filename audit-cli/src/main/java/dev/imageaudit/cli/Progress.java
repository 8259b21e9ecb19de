package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Shows "audited N files..." on one {@code \r}-overwritten line of stderr, at most once a second.
 * Thread-safe: it is told of entries on the audit's reading threads.
 */
final class Progress implements AuditObserver {

  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private final PrintWriter err;
  private final LongSupplier clock;
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong nextPrint;
  private int shownWidth;

  Progress(PrintWriter err, LongSupplier nanoClock) {
    this.err = err;
    this.clock = nanoClock;
    this.nextPrint = new AtomicLong(nanoClock.getAsLong() + INTERVAL_NANOS);
  }

  /**
   * Returns true when stderr is a terminal. On Linux {@code /proc/self/fd/2} tells exactly, so
   * {@code >summary.txt} keeps progress and {@code 2>log} never fills a log with carriage returns;
   * elsewhere {@code System.console() != null} (stdin and stdout are a terminal) stands in for it.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/")
          || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  @Override
  public void onEntry(AuditEntry entry, long nanos) {
    long count = files.incrementAndGet();
    long now = clock.getAsLong();
    long due = nextPrint.get();
    if (now - due >= 0 && nextPrint.compareAndSet(due, now + INTERVAL_NANOS)) {
      show("audited " + count + " files...");
    }
  }

  /** Erases the progress line, if one was shown, so the summary starts on a clean line. */
  void clear() {
    synchronized (this) {
      if (shownWidth > 0) {
        err.print("\r" + " ".repeat(shownWidth) + "\r");
        err.flush();
        shownWidth = 0;
      }
    }
  }

  private synchronized void show(String line) {
    String padded =
        line.length() < shownWidth ? line + " ".repeat(shownWidth - line.length()) : line;
    err.print("\r" + padded);
    err.flush();
    shownWidth = Math.max(shownWidth, line.length());
  }
}
