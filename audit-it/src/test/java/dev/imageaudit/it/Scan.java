package dev.imageaudit.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code image-audit scan} run as its own process (its environment is the test's to set), from the test class path. */
final class Scan {

  record Result(int exitCode, String out, String err) {}

  private Scan() {}

  static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As the launchers run it: C1 only and the serial collector, for a short run's start-up.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.imageaudit.cli.Main", "scan"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("IMAGE_AUDIT_"));
    builder.environment().putAll(env);
    Path out = Files.createTempFile(dir, "scan", ".out");
    Path err = Files.createTempFile(dir, "scan", ".err");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("image-audit scan did not finish in 120 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Makes a raw image of {@code size} zero bytes. */
  static Path raw(Path path, int size) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.write(path, new byte[size]);
  }

  /** Copies the example store's qcow2 image (virtmgr refuses it as a partition) to {@code path}. */
  static Path qcow2(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.copy(repo().resolve("examples/image-store/qcow2-v3.qcow2"), path);
  }

  static Path repo() {
    return Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
  }
}
