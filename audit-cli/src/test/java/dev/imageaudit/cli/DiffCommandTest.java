package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** image-audit diff on two real scans of a store that changed between them. */
class DiffCommandTest {

  @TempDir Path tmp;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Scans a store, changes it (a qcow2 added, a file removed, one grown), scans again. */
  private Path[] twoRuns() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("store"));
    Files.write(store.resolve("keep.img"), new byte[4096]);
    Files.write(store.resolve("gone.img"), new byte[4096]);
    Files.write(store.resolve("grows.img"), new byte[4096]);
    Path old = tmp.resolve("old");
    assertThat(Cli.run("scan", "-q", "-o", old.toString(), store.toString()).exitCode()).isZero();
    Files.delete(store.resolve("gone.img"));
    Files.write(store.resolve("grows.img"), new byte[8192]);
    Cli.qcow2(store.resolve("new.qcow2"));
    Path neu = tmp.resolve("new");
    assertThat(Cli.run("scan", "-q", "-o", neu.toString(), store.toString()).exitCode()).isEqualTo(ExitCodes.FLAGGED);
    return new Path[] {old, neu};
  }

  @Test
  void newProblemsExitOneAndTheTextSaysWhatChanged() throws IOException {
    Path[] runs = twoRuns();
    Cli.Result result = Cli.run("diff", runs[0].toString(), runs[1].toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(result.out())
        .contains("(3 files) -> ")
        .contains("Added 1, removed 1, changed 1, unchanged 1.")
        .contains("Changed: size 1.")
        .contains("New problems (1):")
        .contains("new.qcow2: flag/unsupported-partition-image")
        .contains("gone.img: raw, 4096 bytes, partition accepted")
        .contains("grows.img: size 4096 (virtual 4096) -> 8192 (virtual 8192)")
        .contains("Exit code 1: NEW has problems OLD did not.");

    // The other way round, the problem is resolved: nothing new, exit 0.
    Cli.Result back = Cli.run("diff", runs[1].resolve("report.json").toString(), runs[0].resolve("report.jsonl").toString());
    assertThat(back.exitCode()).as(back.err()).isZero();
    assertThat(back.out()).contains("Resolved problems:").contains("Exit code 0.");
  }

  @Test
  void jsonGoesToAFileOrToStdout() throws IOException {
    Path[] runs = twoRuns();
    Path file = tmp.resolve("changes.json");
    Cli.Result toFile = Cli.run("diff", "--json", file.toString(), runs[0].toString(), runs[1].toString());
    assertThat(toFile.exitCode()).isEqualTo(ExitCodes.FLAGGED);
    JsonNode doc = JSON.readTree(file.toFile());
    assertThat(doc.get("changes").size()).isEqualTo(3);
    assertThat(doc.at("/counts/pathsWithNewProblems").asInt()).isEqualTo(1);

    Cli.Result toStdout = Cli.run("diff", "--json", "-", runs[0].toString(), runs[1].toString());
    assertThat(toStdout.exitCode()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(JSON.readTree(toStdout.out())).isEqualTo(doc);
  }

  @Test
  void notAReportIsAUsageErrorAndMissingArgumentsToo() throws IOException {
    Path[] runs = twoRuns();
    Cli.Result missing = Cli.run("diff", runs[0].toString(), tmp.resolve("nothing").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).startsWith("image-audit: diff: ").contains("nothing");
    assertThat(Cli.run("diff", runs[0].toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
