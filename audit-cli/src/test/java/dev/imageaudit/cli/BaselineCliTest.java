package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** scan --baseline OLD and --fail-on-new. */
class BaselineCliTest {

  @TempDir Path tmp;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aBaselineAddsChangesToEveryReportAndFailOnNewFailsOnlyOnNewProblems() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("store"));
    Files.write(store.resolve("a.img"), new byte[4096]);
    Path first = tmp.resolve("first");
    assertThat(Cli.run("scan", "-q", "-o", first.toString(), store.toString()).exitCode()).isZero();

    Cli.qcow2(store.resolve("legacy.qcow2"));
    Path second = tmp.resolve("second");
    Cli.Result flagged = Cli.run("scan", "--baseline", first.toString(), "-o", second.toString(), store.toString());
    assertThat(flagged.exitCode()).as(flagged.err()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(flagged.out()).contains("Since baseline " + first + ":").contains("Added 1, removed 0, changed 0, unchanged 1.");

    JsonNode changes = JSON.readTree(second.resolve("report.json").toFile()).get("changes");
    assertThat(changes.at("/counts/added").asInt()).isEqualTo(1);
    assertThat(changes.at("/counts/failingNew").asInt()).isEqualTo(1);
    assertThat(changes.at("/baseline/source").asString()).isEqualTo(first.toString());
    assertThat(changes.at("/baseline/files").asInt()).isEqualTo(1);
    assertThat(changes.at("/newProblems/0/path").asString()).endsWith("legacy.qcow2");
    List<String> lines = Files.readAllLines(second.resolve("report.jsonl"));
    assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("changes")).isEqualTo(changes);
    String html = Files.readString(second.resolve("report.html"));
    assertThat(html).contains("<h2>Changes since baseline</h2>").contains("legacy.qcow2");
    assertThat(Files.readString(first.resolve("report.html"))).doesNotContain("Changes since baseline");

    // The qcow2 is known now: with --fail-on-new it no longer fails the run; without, it still does.
    Path third = tmp.resolve("third");
    Cli.Result known =
        Cli.run("scan", "-q", "--baseline", second.toString(), "--fail-on-new", "-o", third.toString(), store.toString());
    assertThat(known.exitCode()).as(known.err()).isZero();
    Cli.Result stillFlagged =
        Cli.run("scan", "-q", "--baseline", second.toString(), "-o", third.toString(), store.toString());
    assertThat(stillFlagged.exitCode()).isEqualTo(ExitCodes.FLAGGED);

    // A second qcow2 is new: it fails, and the run compared with report.json as the baseline says so.
    Cli.qcow2(store.resolve("another.qcow2"));
    Cli.Result fresh =
        Cli.run("scan", "--baseline", second.resolve("report.json").toString(), "--fail-on-new", "-o",
            tmp.resolve("fourth").toString(), store.toString());
    assertThat(fresh.exitCode()).as(fresh.err()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(fresh.out()).contains("--fail-on-new: 1 image gained a --fail-on flag; 0 new VM config errors.");
  }

  @Test
  void failOnNewNeedsABaselineAndTheBaselineMustBeAReport() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("store"));
    Cli.Result noBaseline = Cli.run("scan", "--fail-on-new", "-o", tmp.resolve("out").toString(), store.toString());
    assertThat(noBaseline.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noBaseline.err()).contains("--fail-on-new needs --baseline OLD");

    Path notAReport = Files.writeString(tmp.resolve("notes.jsonl"), "hello\n");
    Cli.Result bad = Cli.run("scan", "--baseline", notAReport.toString(), "-o", tmp.resolve("out").toString(), store.toString());
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--baseline: ");
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
