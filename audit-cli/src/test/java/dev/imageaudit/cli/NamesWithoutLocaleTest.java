package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** As cron runs it: no locale at all ({@code env -i}), names that are not UTF-8 still come out exact. */
@EnabledOnOs(OS.LINUX)
class NamesWithoutLocaleTest {

  @TempDir Path dir;

  @Test
  void namesThatAreNotUtf8SurviveARunWithAnEmptyEnvironment() throws Exception {
    Process mk = new ProcessBuilder("sh", "-c",
        "mkdir store && printf 'QFI\\373' > \"store/$(printf 'a\\377')\" && : > \"store/$(printf 'a\\376')\""
            + " && : > 'store/caf\u00e9.img'")
        .directory(dir.toFile()).inheritIO().start();
    assertThat(mk.waitFor()).isZero();
    Path out = dir.resolve("out");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "scan", "-q", "--fail-on", "none", "-o", out.toString(), "store")
        .directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();

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
}
