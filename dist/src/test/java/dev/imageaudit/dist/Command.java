package dev.imageaudit.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a child process to its end, within a time limit, and keeps what it printed. */
final class Command {

  /** What a finished process left: its exit code and its output. */
  record Result(int exitCode, String out, String err) {}

  private static final long LIMIT_SECONDS = 120;

  private Command() {}

  /** Runs {@code command} in {@code dir}, with {@code env} added to this process's environment. */
  static Result run(Path dir, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("command", ".out");
    Path err = Files.createTempFile("command", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not end within " + LIMIT_SECONDS + " s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    return run(dir, Map.of(), command);
  }

  /** Runs {@code command} and fails the test unless it exits 0. */
  static Result ok(Path dir, String... command) throws IOException, InterruptedException {
    Result result = run(dir, List.of(command));
    if (result.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + result.exitCode() + ": " + result.err());
    }
    return result;
  }

  /** Whether this test runs as root. */
  static boolean root() throws IOException, InterruptedException {
    return ok(Path.of("/"), "id", "-u").out().strip().equals("0");
  }

  /** Whether {@code program} is on the PATH. */
  static boolean exists(String program) throws IOException, InterruptedException {
    return run(Path.of("/"), List.of("sh", "-c", "command -v " + program)).exitCode() == 0;
  }

  /** Under CI ({@code CI=true}) every install test must run: nothing may be skipped. */
  static boolean ci() {
    return "true".equals(System.getenv("CI"));
  }

  /**
   * {@code command} as the unprivileged user nobody (uid and gid 65534) with a HOME it cannot write,
   * when this test runs as root; as is otherwise.
   */
  static List<String> unprivileged(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    full.addAll(List.of("env", "HOME=/nonexistent"));
    full.addAll(command);
    return full;
  }
}
