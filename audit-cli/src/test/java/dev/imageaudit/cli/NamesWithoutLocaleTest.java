package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.SingleByteLocale;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Names come out exact whatever character set the JVM decodes file names with: none at all, as cron
 * runs it ({@code env -i}), or a single-byte one such as ISO-8859-1, where every byte decodes to some
 * character and nothing marks a name the JDK could not read as UTF-8.
 */
@EnabledOnOs(OS.LINUX)
class NamesWithoutLocaleTest {

  @TempDir Path dir;

  @BeforeEach
  void makeStore() throws Exception {
    Process mk = new ProcessBuilder("sh", "-c",
        "mkdir store && printf 'QFI\\373' > \"store/$(printf 'a\\377')\" && : > \"store/$(printf 'a\\376')\""
            + " && : > 'store/caf\u00e9.img'")
        .directory(dir.toFile()).inheritIO().start();
    assertThat(mk.waitFor()).isZero();
  }

  @Test
  void namesThatAreNotUtf8SurviveARunWithAnEmptyEnvironment() throws Exception {
    assertExactNames(scan(Map.of()));
  }

  @Test
  void namesSurviveARunUnderASingleByteLocale() throws Exception {
    Path out = scan(SingleByteLocale.environment(dir));

    assertThat(Files.readString(dir.resolve("jnu"))).isEqualTo("ISO-8859-1");
    assertExactNames(out);
  }

  /** Runs a scan of the store in a JVM of its own with only {@code env}; returns its output folder. */
  private Path scan(Map<String, String> env) throws Exception {
    Path out = dir.resolve("out");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JnuThenMain.class.getName(), dir.resolve("jnu").toString(),
        "scan", "-q", "--fail-on", "none", "-o", out.toString(), "store")
        .directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    return out;
  }

  private static void assertExactNames(Path out) throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4);
    List<JsonNode> entries = lines.subList(0, 3).stream().map(json::readTree).toList();
    assertThat(entries).extracting(e -> e.get("path").asString())
        .containsExactly("store/a\\xfe", "store/a\\xff", "store/caf\u00e9.img");
    assertThat(entries).extracting(e -> e.get("format").asString()).containsExactly("raw", "qcow2", "raw");
    byte[] exact = Base64.getDecoder().decode(entries.get(1).get("pathBytes").asString());
    assertThat(exact).isEqualTo(new byte[] {'s', 't', 'o', 'r', 'e', '/', 'a', (byte) 0xff});
    assertThat(entries.get(2).get("pathBytes").isNull()).isTrue();
  }

  /** Writes the JVM's file-name character set to the file named first, then runs the command line. */
  static final class JnuThenMain {
    public static void main(String[] args) throws Exception {
      Files.writeString(Path.of(args[0]), System.getProperty("sun.jnu.encoding"));
      Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
  }
}
