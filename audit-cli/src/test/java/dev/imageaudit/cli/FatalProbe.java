package dev.imageaudit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for {@link InterruptAndFatalTest}: installs the fatal handler as {@code main}
 * does, then lets an {@link OutOfMemoryError} escape a thread nobody joins. Argument: a file the
 * clean-up creates, so the test sees the clean-up ran before the halt.
 */
public final class FatalProbe {
  public static void main(String[] args) throws InterruptedException {
    Fatal.install(System.err);
    Path marker = Path.of(args[0]);
    Fatal.onHalt(() -> {
      try {
        Files.createFile(marker);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Thread t = new Thread(() -> {
      throw new OutOfMemoryError("Java heap space");
    }, "image-audit-io-1");
    t.start();
    // Nobody will ever wake this thread: only the handler's halt ends the process.
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
