package dev.imageaudit.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a single file all at once: readers (node_exporter) see the old file or the new one,
 * never half of one. Writes a temporary file beside the target, syncs it, then renames it over.
 * For one file written apart from a run's set (a metrics file in a collector's folder); a run's
 * set of outputs is replaced together by {@link ReportSet}.
 */
final class AtomicFiles {

  /** Writes a file's content; it must not close the stream. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final int ATTEMPTS = 100;

  private AtomicFiles() {}

  /**
   * Writes {@code target} through a temporary file in its folder, deleted if anything fails.
   *
   * @throws IOException if the file cannot be written or renamed; an I/O failure that {@code
   *     content} wraps in an unchecked exception (Jackson, Mustache) is unwrapped to it
   */
  static void write(Path target, Content content) throws IOException {
    Path tmp = createTemp(target);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        content.writeTo(new NonClosingOutputStream(out));
        out.flush();
        // Durable before the rename: after a crash the name holds old bytes or new, never an empty file.
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      IOException io = IoErrors.ioCause(e);
      if (io != null && io != e) {
        io.addSuppressed(e);
      }
      if (io != null) {
        throw io;
      }
      throw e;
    }
    OutputFolder.syncFolder(target.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code .NAME.<random>.tmp} beside {@code target}. Not {@code Files.createTempFile}: that
   * makes the file 0600, and after the rename node_exporter (another user) could not read it. A
   * plain exclusive create gets the mode the umask gives, like any other file the user writes.
   */
  static Path createTemp(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = "." + target.getFileName() + ".";
    for (int attempt = 1; ; attempt++) {
      Path tmp = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
      try {
        // CREATE_NEW is O_EXCL: it never follows or reuses something already at that name.
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
