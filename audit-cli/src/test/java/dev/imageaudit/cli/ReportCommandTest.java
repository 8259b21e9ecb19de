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

  /**
   * report.json and report.jsonl with the run's times: the same run replayed has the same ones. Only
   * the provenance differs: it names the command that wrote the file (scan, then report).
   */
  private static void assertSameOutputs(Path scanned, Path rendered) throws IOException {
    for (String name : List.of("report.jsonl", "report.json", "report.html")) {
      String want = Files.readString(scanned.resolve(name));
      String got = Files.readString(rendered.resolve(name));
      assertThat(provenance(got)).as(name).isNotEmpty().isNotEqualTo(provenance(want));
      assertThat(withoutProvenance(got)).as(name).isEqualTo(withoutProvenance(want));
    }
    assertThat(Files.readString(rendered.resolve("metrics.prom"))).contains("image_audit_");
  }

  private static final java.util.regex.Pattern PROVENANCE =
      java.util.regex.Pattern.compile("\"provenance\": ?\\{[^}]*\\}|<dl class=\"meta\">\\s*<dt>host</dt>.*?<dt>command</dt>.*?</dl>",
          java.util.regex.Pattern.DOTALL);

  private static String provenance(String text) {
    java.util.regex.Matcher m = PROVENANCE.matcher(text);
    StringBuilder all = new StringBuilder();
    while (m.find()) {
      all.append(m.group());
    }
    return all.toString();
  }

  private static String withoutProvenance(String text) {
    return PROVENANCE.matcher(text).replaceAll("PROVENANCE");
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
  void vmConfigsAndTheirFindingsComeThroughWithTheirExitCode() throws IOException {
    Path scanned = tmp.resolve("scan");
    try (var configs = Files.list(Cli.exampleStore().resolveSibling("vm-configs"))) {
      List<String> args = new java.util.ArrayList<>(List.of("scan", "-q", "-o", scanned.toString()));
      configs.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> {
        args.add("--vm-config");
        args.add(p.toString());
      });
      Cli.Result scan = Cli.run(args.toArray(String[]::new));
      Path rendered = tmp.resolve("rendered");
      Cli.Result report = Cli.run("report", "-q", "-o", rendered.toString(), scanned.toString());
      assertThat(report.exitCode()).isEqualTo(scan.exitCode());
      assertThat(Files.readString(scanned.resolve("report.json"))).contains("\"findings\": [");
      assertSameOutputs(scanned, rendered);
    }
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

  @Test
  void aPolicyJudgesTheResultsAsScanWithItWould() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("legacy/old.qcow2"));
    Cli.raw(store.resolve("b.img"));
    Path policy =
        Files.writeString(
            tmp.resolve("policy.yaml"),
            """
            waivers:
              - glob: "**/legacy/*.qcow2"
                flag: unsupported-partition-image
                reason: the 2019 VM still boots it
                owner: storage-team
                expires: 2999-12-31
            """);
    Path scanned = tmp.resolve("scan");
    assertThat(Cli.run("scan", "-q", "-o", scanned.toString(), store.toString()).exitCode()).isEqualTo(ExitCodes.FLAGGED);
    Path withPolicy = tmp.resolve("with-policy");
    assertThat(Cli.run("scan", "-q", "--policy", policy.toString(), "-o", withPolicy.toString(), store.toString())
        .exitCode()).isEqualTo(ExitCodes.OK);

    // The scan without a policy, rendered with it: the same verdict and entries as the scan with it.
    Path rendered = tmp.resolve("rendered");
    Cli.Result report = Cli.run("report", "--policy", policy.toString(), "-o", rendered.toString(), scanned.toString());
    assertThat(report.exitCode()).as(report.err()).isEqualTo(ExitCodes.OK);
    assertThat(report.out()).endsWith("Verdict: PASS\n");
    List<String> want = Files.readAllLines(withPolicy.resolve("report.jsonl"));
    List<String> got = Files.readAllLines(rendered.resolve("report.jsonl"));
    assertThat(got.subList(0, got.size() - 1)).containsExactlyElementsOf(want.subList(0, want.size() - 1));
    assertThat(Cli.report(rendered).get("verdict").stringValue()).isEqualTo("pass");
    assertThat(Cli.report(rendered).get("policy").get("waivers").get(0).get("matched").asLong()).isEqualTo(1);

    Files.writeString(policy, "failOn: [no-such-flag]\n");
    assertThat(Cli.run("report", "--policy", policy.toString(), "-o", tmp.resolve("bad").toString(),
        scanned.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
