package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells a person or a log how a run is going: files done, files/s, bytes read, accepted, rejected
 * and errors so far, the folder being audited, time elapsed.
 *
 * <p>On a terminal ({@link Mode#LIVE}) it is one line of stderr, overwritten with {@code \r} once a
 * second and erased at the end. Elsewhere ({@link Mode#STATUS}: cron mail, journald) it is one
 * whole line every status interval, so a log shows a long run is alive without filling up. It is
 * driven by a clock, not by entries, so a run stuck on a hung mount still reports. Thread-safe: it
 * is told of entries on the audit's reading threads.
 */
final class Progress implements AuditObserver {

  /** How the line is shown. */
  enum Mode {
    /** One overwritten line, for a terminal. */
    LIVE,
    /** A whole line per interval, for logs. */
    STATUS
  }

  private final PrintWriter err;
  private final LongSupplier clock;
  private final Mode mode;
  private final long startNanos;
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String folder = "";
  private int shownWidth;
  private ScheduledExecutorService ticker;

  Progress(PrintWriter err, LongSupplier nanoClock, Mode mode) {
    this.err = err;
    this.clock = nanoClock;
    this.mode = mode;
    this.startNanos = nanoClock.getAsLong();
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
    files.incrementAndGet();
    if (entry instanceof AuditEntry.Image image) {
      bytes.addAndGet(image.bytesRead());
      if (image.partition().decision() == Verdict.Decision.ACCEPTED) {
        accepted.incrementAndGet();
      } else {
        rejected.incrementAndGet();
      }
    } else if (entry instanceof AuditEntry.Failed) {
      errors.incrementAndGet();
    }
    // Only a reference store: the folder string is cut when shown, not here on the hot path.
    folder = entry.path();
  }

  /** Starts showing the line every {@code interval} on a daemon thread of its own. */
  synchronized void start(Duration interval) {
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "image-audit-progress");
      t.setDaemon(true);
      return t;
    });
    long millis = Math.max(1, interval.toMillis());
    ticker.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops the ticking and erases a live line, so the summary starts on a clean line. */
  void stop() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = ticker;
      ticker = null;
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    clear();
  }

  /** Shows the line once. */
  synchronized void tick() {
    String line = line();
    if (mode == Mode.STATUS) {
      err.println("image-audit: status: " + line);
    } else {
      String padded = line.length() < shownWidth ? line + " ".repeat(shownWidth - line.length()) : line;
      err.print("\r" + padded);
      shownWidth = Math.max(shownWidth, line.length());
    }
    err.flush();
  }

  /** Erases the live line, if one was shown. */
  synchronized void clear() {
    if (shownWidth > 0) {
      err.print("\r" + " ".repeat(shownWidth) + "\r");
      err.flush();
      shownWidth = 0;
    }
  }

  /** The status: {@code 12345 files, 4100 files/s, 48.2 MiB read, 12000 accepted, 300 rejected, 45 errors, in store/a, 0:03}. */
  String line() {
    long elapsed = Math.max(0, clock.getAsLong() - startNanos);
    long done = files.get();
    long perSecond = elapsed == 0 ? 0 : (long) (done / (elapsed / 1e9));
    StringBuilder b = new StringBuilder(160);
    b.append(done).append(" files, ").append(perSecond).append(" files/s, ")
        .append(mebibytes(bytes.get())).append(" read, ")
        .append(accepted.get()).append(" accepted, ")
        .append(rejected.get()).append(" rejected, ")
        .append(errors.get()).append(" errors");
    String where = folderOf(folder);
    if (!where.isEmpty()) {
      b.append(", in ").append(Terminal.safe(where));
    }
    long seconds = elapsed / 1_000_000_000L;
    b.append(", ").append(seconds / 60).append(':').append(String.format("%02d", seconds % 60));
    return b.toString();
  }

  private static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    String dir = slash <= 0 ? "" : path.substring(0, slash);
    // Keep the line one terminal line wide: the end of a long folder name says the most.
    return dir.length() > 60 ? "..." + dir.substring(dir.length() - 57) : dir;
  }

  private static String mebibytes(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
