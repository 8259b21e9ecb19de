package dev.imageaudit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Drives {@link Main} in memory, and builds the small images the tests audit. */
final class Cli {

  /** What one run left behind. */
  record Result(int exitCode, String out, String err) {}

  // jackson-databind reaches the tests through audit-report; declaring it here with test scope
  // would take it off the runtime classpath of the jar (target/lib).
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Cli() {}

  static Result run(String... args) {
    return runWithStdin(new byte[0], args);
  }

  static Result runWithStdin(byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new Main(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(stdin),
                false)
            .run(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * The bundled example store: raw and .simg images are accepted, qcow/qcow2/composite rejected.
   */
  static Path exampleStore() {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return basedir.resolve("../examples/image-store").normalize();
  }

  /** The bundled example VM configs, naming images of {@link #exampleStore()}. */
  static Path exampleConfig(String name) {
    return exampleStore().resolveSibling("vm-configs").resolve(name);
  }

  /** Writes a 4-byte qcow2 ("QFI\xfb"): virtmgr rejects it as a partition image. */
  static Path qcow2(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.write(path, new byte[] {'Q', 'F', 'I', (byte) 0xfb});
  }

  /** Writes a 1024-byte raw image of zeros: accepted. */
  static Path raw(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.write(path, new byte[1024]);
  }

  static JsonNode report(Path outputDir) throws IOException {
    return JSON.readTree(outputDir.resolve("report.json").toFile());
  }

  /** Returns the {@code path} of every entry in the report, in its order. */
  static List<String> paths(JsonNode report) {
    List<String> paths = new ArrayList<>();
    for (JsonNode image : report.get("images")) {
      paths.add(image.get("path").stringValue());
    }
    return paths;
  }

  static JsonNode entry(JsonNode report, String path) {
    for (JsonNode image : report.get("images")) {
      if (image.get("path").stringValue().equals(path)) {
        return image;
      }
    }
    throw new AssertionError("no entry for " + path + " in " + paths(report));
  }
}
