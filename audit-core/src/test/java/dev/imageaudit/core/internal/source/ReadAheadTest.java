package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.audit.Auditor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Auditing a large file leaves in the page cache only the pages its read plan asked for: no 128 KiB
 * read-ahead per file, which on a store of large sparse images filled the cache with zeros and pushed
 * the store's own pages out (a 64 MiB hole: 65 pages resident before, 10 after). Counted with
 * util-linux's {@code fincore} on a file in {@code target/}, a real file system, not a tmpfs.
 */
@EnabledOnOs(OS.LINUX)
class ReadAheadTest {

  private Path dir;

  @BeforeEach
  void makeDir() throws IOException {
    // CI installs util-linux-extra (.ci/run) and must run this test; elsewhere it waits for fincore.
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/fincore")) || "true".equals(System.getenv("CI")),
        "fincore is not installed (Debian: util-linux-extra)");
    dir = Files.createTempDirectory(Path.of("target"), "readahead-");
  }

  @AfterEach
  void removeDir() throws IOException {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  @Test
  void aLargeSparseFileIsReadWithoutReadAhead() throws Exception {
    Path hole = dir.resolve("hole.raw");
    try (RandomAccessFile file = new RandomAccessFile(hole.toFile(), "rw")) {
      file.setLength(64L << 20); // a hole: no page of it is cached until something reads it
    }
    assertThat(residentPages(hole)).isZero();

    AuditEntry entry = Auditor.audit(new WalkItem.Open(hole.toString(), null, hole, false, 64L << 20));

    assertThat(entry).isInstanceOf(AuditEntry.Image.class);
    // The plan reads the head (the ISO probe at 32 KiB included) and the tail: 10 pages of 4 KiB.
    assertThat(residentPages(hole)).isBetween(1L, 16L);
  }

  @Test
  void theAdviceIsBoundToTheCLibrary() throws Exception {
    Path small = Files.writeString(dir.resolve("small"), "x");
    int fd = LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, LinuxFiles.cPath(small), LinuxFiles.O_RDONLY | LinuxFiles.O_CLOEXEC);
    try {
      assertThat(LinuxFiles.posix_fadvise(fd, 0, 0, LinuxFiles.POSIX_FADV_RANDOM)).isZero();
    } finally {
      LinuxFiles.close(fd);
    }
    int ebadf = 9;
    assertThat(LinuxFiles.posix_fadvise(-1, 0, 0, LinuxFiles.POSIX_FADV_RANDOM)).isEqualTo(ebadf);
  }

  /** The pages of {@code file} in the page cache, as {@code fincore} counts them. */
  private static long residentPages(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("fincore", "--noheadings", "--raw", "--output", "PAGES", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as("fincore: %s", out).isZero();
    return Long.parseLong(out);
  }
}
