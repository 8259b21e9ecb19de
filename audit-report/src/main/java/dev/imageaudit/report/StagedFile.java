package dev.imageaudit.report;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new file in a staging folder, written through one buffered stream and made durable by {@link
 * #finish}: flushed, synced to the disk, closed. Created with a plain exclusive create, so it gets
 * the mode the umask gives (node_exporter, another user, must be able to read metrics.prom).
 */
final class StagedFile implements Closeable {

  /** Large enough that a stream of entries costs one write(2) per 64 KiB, not one per entry. */
  static final int BUFFER = 1 << 16;

  private final Path path;
  private final FileChannel channel;
  private final OutputStream out;
  private final boolean durable;

  private StagedFile(Path path, FileChannel channel, boolean durable) {
    this.path = path;
    this.channel = channel;
    this.durable = durable;
    // Closing the stream (a writer that closes what it is given) must not close the channel
    // before it is synced: only finish() and close() close it. A large durable file is synced
    // behind its writing, so finish() has little left to wait for.
    OutputStream file = durable ? new SyncBehindOutputStream(channel) : Channels.newOutputStream(channel);
    this.out = new BufferedOutputStream(new NonClosingOutputStream(file), BUFFER);
  }

  /** Creates {@code path}, which must not exist yet (O_EXCL: never follows or reuses what is there). */
  static StagedFile create(Path path) throws IOException {
    return new StagedFile(path, createNew(path), true);
  }

  /**
   * Creates {@code path} as {@link #create} does, for a file this run reads back and deletes before
   * the commit (report.jsonl's line index; report.jsonl itself when only report.json is kept):
   * never synced, neither behind its writing nor by {@link #finish}, as no crash can leave it in place.
   */
  static StagedFile createTemporary(Path path) throws IOException {
    return new StagedFile(path, createNew(path), false);
  }

  /** Opens {@code path}, an empty file just made with an exclusive create, for writing. */
  static StagedFile open(Path path) throws IOException {
    return new StagedFile(path, FileChannel.open(path, StandardOpenOption.WRITE), true);
  }

  private static FileChannel createNew(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /** Returns the file's path. */
  Path path() {
    return path;
  }

  /** Returns the buffered stream to write the file's bytes to. */
  OutputStream out() {
    return out;
  }

  /**
   * Flushes, syncs and closes the file: after a crash its name holds all of its bytes or the folder
   * is gone. A {@linkplain #createTemporary temporary} file is flushed and closed, not synced.
   */
  void finish() throws IOException {
    out.flush();
    if (durable) {
      channel.force(true);
    }
    channel.close();
  }

  /** Closes the file without syncing it (it is about to be deleted); idempotent. */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
