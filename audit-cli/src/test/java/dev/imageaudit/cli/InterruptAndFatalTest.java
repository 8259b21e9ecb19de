package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real child processes: SIGINT writes interrupted outputs and exits 130; a second signal exits at
 * once and leaves the previous outputs whole; a fatal error exits 4 with one line.
 */
@EnabledOnOs(OS.LINUX)
class InterruptAndFatalTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  /** Starts {@code image-audit scan - ...} reading paths from a pipe the test holds open. */
  private Process scanFromPipe(Path out, String... more) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        javaBin(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "scan", "-", "-o", out.toString(), "--status-interval", "50ms"));
    command.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C.UTF-8");
    return pb.start();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Feeds the example store's files, then waits until the child says it is running. */
  private static BufferedReader feedAndAwaitStatus(Process p) {
    try {
      return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(60), () -> feedAndAwait(p), "the child never said it audited 11 files");
    } finally {
      if (p.isAlive() && Thread.currentThread().isInterrupted()) {
        p.destroyForcibly();
      }
    }
  }

  private static BufferedReader feedAndAwait(Process p) throws IOException {
    OutputStream stdin = p.getOutputStream();
    try (Stream<Path> files = Files.list(Cli.exampleStore())) {
      for (Path f : files.sorted().toList()) {
        stdin.write((f + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    stdin.flush();
    // stdin stays open: the walk waits for more paths, as a long run on a big store would.
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = err.readLine()) != null) {
      if (line.startsWith("image-audit: status: 11 files")) {
        return err;
      }
    }
    throw new AssertionError("the child ended before its status line showed 11 files");
  }

  private static void kill(String signal, Process p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static List<Path> siblings(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.filter(p -> !p.equals(out)).toList();
    }
  }

  @Test
  void sigintWritesEveryOutputAsInterruptedAndExits130() throws Exception {
    Path out = dir.resolve("report");
    Process p = scanFromPipe(out);
    BufferedReader err = feedAndAwaitStatus(p);
    kill("INT", p);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits within 30 s").isTrue();
    String rest = err.lines().reduce("", (a, b) -> a + b + "\n");
    assertThat(p.exitValue()).as(rest).isEqualTo(130);
    assertThat(rest).contains("interrupted by SIGINT");

    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("complete").asBoolean()).isFalse();
    assertThat(report.get("interrupted").asString()).isEqualTo("SIGINT");
    assertThat(report.get("images")).hasSize(11);
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"));
    assertThat(lines).hasSize(12);
    JsonNode summary = JSON.readTree(lines.get(11));
    assertThat(summary.get("interrupted").asString()).isEqualTo("SIGINT");
    assertThat(Files.exists(out.resolve("report.html"))).isTrue();
    assertThat(Files.exists(out.resolve("metrics.prom"))).isTrue();
    assertThat(siblings(out)).as("nothing staged is left").isEmpty();
  }

  @Test
  void aSecondSignalExitsAtOnceAndNeverLeavesAMixedSet() throws Exception {
    Path out = dir.resolve("report");
    // A previous complete run.
    StringWriter sink = new StringWriter();
    int first = new Main(new PrintWriter(sink), new PrintWriter(sink), java.io.InputStream.nullInputStream(), false)
        .run("scan", "-q", "-o", out.toString(), Cli.exampleStore().toString());
    assertThat(first).isEqualTo(1);
    byte[] oldJson = Files.readAllBytes(out.resolve("report.json"));
    byte[] oldHtml = Files.readAllBytes(out.resolve("report.html"));

    Process p = scanFromPipe(out);
    feedAndAwaitStatus(p);
    // Both at once: the second one lands while the first is still being honoured.
    Process kill = new ProcessBuilder("sh", "-c", "kill -s INT " + p.pid() + "; kill -s TERM " + p.pid())
        .inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(siblings(out)).as("nothing staged is left").isEmpty();
    byte[] json = Files.readAllBytes(out.resolve("report.json"));
    byte[] html = Files.readAllBytes(out.resolve("report.html"));
    // The JVM runs each signal's handler on a thread of its own: either may be the first honoured.
    assertThat(p.exitValue()).isIn(130, 143);
    if (java.util.Arrays.equals(json, oldJson)) {
      // Halted by the second signal: the previous set, untouched.
      assertThat(html).isEqualTo(oldHtml);
    } else {
      // The first signal's outputs were already in place: a whole new, interrupted set.
      String interrupted = JSON.readTree(json).get("interrupted").asString();
      assertThat(interrupted).isIn("SIGINT", "SIGTERM");
      assertThat(p.exitValue()).isEqualTo(Signals.exitCode(interrupted));
      assertThat(html).isNotEqualTo(oldHtml);
    }
  }

  @Test
  void anErrorOnAnyThreadExits4WithOneLineAfterTheCleanUp() throws Exception {
    Path marker = dir.resolve("cleaned-up");
    Process p = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
        FatalProbe.class.getName(), marker.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("never hangs").isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).isEqualTo(4);
    assertThat(err.lines().toList())
        .containsExactly("image-audit: fatal: OutOfMemoryError: Java heap space (in thread image-audit-io-1)");
    assertThat(marker).exists();
  }

  @Test
  void anErrorDuringTheRunExits4AndLeavesThePreviousOutputs() throws Exception {
    Path out = dir.resolve("report");
    assertThat(Cli.run("scan", "-q", "-o", out.toString(), Cli.exampleStore().toString()).exitCode()).isEqualTo(1);
    byte[] old = Files.readAllBytes(out.resolve("report.json"));
    StringWriter err = new StringWriter();
    int code = new Main(new PrintWriter(new StringWriter()), new PrintWriter(err), java.io.InputStream.nullInputStream(), false,
        (entry, nanos) -> {
          throw new OutOfMemoryError("Java heap space");
        })
        .run("scan", "-q", "-o", out.toString(), Cli.exampleStore().toString());
    assertThat(code).isEqualTo(4);
    assertThat(err.toString().lines().toList()).containsExactly("image-audit: fatal: OutOfMemoryError: Java heap space");
    assertThat(Files.readAllBytes(out.resolve("report.json"))).isEqualTo(old);
    assertThat(siblings(out)).isEmpty();
  }
}
