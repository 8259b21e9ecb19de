package dev.imageaudit.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes to a staged file's channel and, every {@link #EVERY} bytes, asks a background thread to
 * sync what was written so far ({@code fdatasync}), so the file's final sync has little left to do.
 *
 * <p>Why: a staged file is synced before it is renamed into place, and a run's reports are large
 * (report.jsonl and report.json each about 530 bytes an entry: 1 GB for 1,000,000 files). The
 * kernel starts writing dirty pages back only after 30 s or when a tenth of the memory is dirty, so
 * after a run of a few minutes or less all of it was still to be written when the run ended, and
 * the syncs held the finished run for a second or more at 1,000,000 files (bench/RESULTS.md). Synced
 * behind, the disk writes overlap the run and report.json's copy instead.
 *
 * <p>At most one sync per file is pending at a time, on one shared daemon thread that ends when idle
 * for a second. A background sync that fails is not reported: the file's own final sync, which
 * {@link StagedFile#finish} always makes, meets the same failure and reports it.
 */
final class SyncBehindOutputStream extends OutputStream {

  /** Bytes written between two background syncs. */
  static final long EVERY = 32L << 20;

  private static final ThreadPoolExecutor SYNCER =
      new ThreadPoolExecutor(
          0,
          1,
          1,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), // at most one pending task per open file
          task -> {
            Thread thread = new Thread(task, "image-audit-sync-behind");
            thread.setDaemon(true); // never keeps the process alive
            return thread;
          });

  private final FileChannel channel;
  private final OutputStream out;
  private final long every;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong syncs = new AtomicLong();
  private long unsynced;

  SyncBehindOutputStream(FileChannel channel) {
    this(channel, EVERY);
  }

  /** As above, syncing every {@code every} bytes; for tests. */
  SyncBehindOutputStream(FileChannel channel, long every) {
    this.channel = channel;
    this.out = Channels.newOutputStream(channel);
    this.every = every;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    written(1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written(len);
  }

  /** Returns how many background syncs have completed; for tests. */
  long syncs() {
    return syncs.get();
  }

  private void written(int bytes) {
    unsynced += bytes;
    if (unsynced >= every) {
      unsynced = 0;
      if (pending.compareAndSet(false, true)) {
        SYNCER.execute(this::sync);
      }
    }
  }

  private void sync() {
    try {
      channel.force(false);
      syncs.incrementAndGet();
    } catch (IOException e) {
      // Closed meanwhile (the run ended or was abandoned), or a disk error that the final sync reports.
    } finally {
      pending.set(false);
    }
  }

  /** Closes nothing: the channel is {@link StagedFile}'s to sync and close. */
  @Override
  public void close() {}
}
