package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (ENOSPC) while the outputs are written: exit 4 with one line, the previous complete
 * set untouched, nothing staged left. On a real small tmpfs, which needs root (CI runs as root and
 * must run this; elsewhere it is skipped with a message).
 */
@EnabledOnOs(OS.LINUX)
class FullDiskTest {

  @TempDir Path dir;
  private Path mount;

  private static int sh(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      sh("umount", mount.toString());
    }
  }

  @Test
  void aFullDiskExits4AndLeavesThePreviousOutputsWhole() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    assumeTrue(root || "true".equals(System.getenv("CI")), "needs root to mount a tmpfs (CI runs as root)");
    Path point = Files.createDirectory(dir.resolve("small"));
    assertThat(sh("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", point.toString())).as("mount").isZero();
    mount = point;
    Path out = point.resolve("report");

    assertThat(Cli.run("scan", "-q", "-o", out.toString(), Cli.exampleStore().toString()).exitCode()).isEqualTo(1);
    byte[] json = Files.readAllBytes(out.resolve("report.json"));
    byte[] jsonl = Files.readAllBytes(out.resolve("report.jsonl"));
    // Fill what is left, so the next run's outputs cannot be written.
    try (OutputStream filler = Files.newOutputStream(point.resolve("filler"))) {
      byte[] block = new byte[4096];
      while (true) {
        filler.write(block);
        filler.flush();
      }
    } catch (IOException full) {
      assertThat(full).hasMessageContaining("No space left");
    }

    Cli.Result r = Cli.run("scan", "-q", "-o", out.toString(), Cli.exampleStore().toString());
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err().lines().toList()).hasSize(1).first().asString()
        .startsWith("image-audit: cannot write report to " + out).contains("No space left on device");
    assertThat(Files.readAllBytes(out.resolve("report.json"))).isEqualTo(json);
    assertThat(Files.readAllBytes(out.resolve("report.jsonl"))).isEqualTo(jsonl);
    try (Stream<Path> left = Files.list(point)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report", "filler");
    }
  }
}
