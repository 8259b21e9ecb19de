package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image-audit report}: a scan's results rendered again give the scan's outputs and exit code. */
class ReportCommandTest {

  @TempDir Path tmp;

  /** report.json and report.jsonl with the run's times: the same run replayed has the same ones. */
  private static void assertSameOutputs(Path scanned, Path rendered) throws IOException {
    for (String name : List.of("report.jsonl", "report.json", "report.html")) {
      assertThat(Files.readString(rendered.resolve(name))).as(name).isEqualTo(Files.readString(scanned.resolve(name)));
    }
    assertThat(Files.readString(rendered.resolve("metrics.prom"))).contains("image_audit_");
  }

  @Test
  void theExampleStoreRendersAsScanWroteItAndExits1Too() throws IOException {
    Path scanned = tmp.resolve("scan");
    Cli.Result scan = Cli.run("scan", "-q", "-o", scanned.toString(), Cli.exampleStore().toString());
    assertThat(scan.exitCode()).isEqualTo(ExitCodes.FLAGGED);

    Path rendered = tmp.resolve("rendered");
    Cli.Result report = Cli.run("report", "-o", rendered.toString(), scanned.toString());
    assertThat(report.exitCode()).as(report.err()).isEqualTo(ExitCodes.FLAGGED);
    assertSameOutputs(scanned, rendered);
    assertThat(report.out()).contains("audited");

    assertThat(Cli.run("report", "-q", "--fail-on", "none", "-o", tmp.resolve("none").toString(),
        scanned.resolve("report.jsonl").toString()).exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void anIncompleteScanStaysIncomplete() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Path scanned = tmp.resolve("scan");
    Cli.run("scan", "-q", "-o", scanned.toString(), store.toString(), tmp.resolve("missing").toString());
    Cli.Result report = Cli.run("report", "-o", tmp.resolve("out").toString(), scanned.toString());
    assertThat(report.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(report.err()).contains("audit incomplete: 1 path could not be audited");
    assertSameOutputs(scanned, tmp.resolve("out"));
  }

  @Test
  void aSourceThatIsNotAReportExits3AndWritesNothing() throws IOException {
    Path bogus = Files.writeString(tmp.resolve("report.jsonl"), "{\"path\":\"a\"}\n");
    Cli.Result r = Cli.run("report", "-o", tmp.resolve("out").toString(), bogus.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(r.err()).startsWith("image-audit: cannot read results: ").contains("report.jsonl: last line: ");
    assertThat(tmp.resolve("out")).doesNotExist();

    Cli.Result missing = Cli.run("report", "-o", tmp.resolve("out").toString(), tmp.resolve("nothing").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(missing.err()).contains("no such file or folder");
  }

  @Test
  void usageErrorsExit2() {
    assertThat(Cli.run("report").exitCode()).isEqualTo(ExitCodes.USAGE);
    Path dir = tmp.resolve("x");
    assertThat(Cli.run("report", "-o", dir.toString(), dir.toString()).err()).contains("--output must not be a source");
    assertThat(Cli.run("report", "--fail-on", "nope", tmp.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
