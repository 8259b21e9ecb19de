package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code --vm-config}: exit codes, the summary, the report's configs and the metric. */
class VmConfigCliTest {

  @TempDir Path tmp;

  private String out() {
    return tmp.resolve("out").toString();
  }

  @Test
  void aGoodConfigAloneIsEnoughInputAndExits0WithItsWarning() throws IOException {
    Path good = Cli.exampleConfig("good.json");
    Cli.Result r = Cli.run("scan", "-o", out(), "--vm-config", good.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("VM configs (1):")
        .contains("  " + good + ": 0 errors, 1 warning")
        .contains("    warning relative-paths: 3 paths are relative")
        .contains("VM configs with errors: 0 of 1.");
    JsonNode report = Cli.report(tmp.resolve("out"));
    assertThat(report.at("/configs/0/path").stringValue()).isEqualTo(good.toString());
    assertThat(report.at("/configs/0/disks/0/compositeSize").longValue()).isEqualTo(1441792);
    assertThat(Cli.paths(report)).hasSize(3);
  }

  @Test
  void aConfigWithAnErrorExits1UnlessFailOnNone() {
    String config = Cli.exampleConfig("qcow2-partition.json").toString();

    Cli.Result r = Cli.run("scan", "-o", out(), "--vm-config", config);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains("    error unsupported-partition-image: disk 0, partition \"root\": virtmgr refuses it:"
            + " unsupported partition image type: Qcow2")
        .contains("VM configs with errors: 1 of 1.");
    // Config errors fail the run whatever flags the gate names, but not with none.
    assertThat(Cli.run("scan", "-o", out(), "--fail-on", "corrupt", "--vm-config", config).exitCode()).isEqualTo(1);
    Cli.Result none = Cli.run("scan", "-o", out(), "--fail-on", "none", "--vm-config", config);
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).contains("--fail-on none: flags and VM config errors do not fail the run.");
  }

  @Test
  void brokenJsonIsAnErrorFindingNotAnIncompleteRun() {
    Cli.Result r = Cli.run("scan", "-o", out(), "--vm-config", Cli.exampleConfig("broken.json").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("    error invalid-json: not valid JSON at line 5, column ").contains("Audit complete");
  }

  @Test
  void anUnreadableConfigExits3AndTheRestIsStillAudited() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Cli.Result r = Cli.run(
        "scan", "-o", out(), "--vm-config", tmp.resolve("missing.json").toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("image-audit: audit incomplete: 1 VM config could not be audited");
    assertThat(r.out())
        .contains("    error config-unreadable: cannot read the config: no such file or directory")
        .contains("Audit INCOMPLETE: 1 VM config could not be audited");
    JsonNode report = Cli.report(tmp.resolve("out"));
    assertThat(report.get("complete").booleanValue()).isFalse();
    assertThat(report.at("/configs/0/readable").booleanValue()).isFalse();
    assertThat(Cli.paths(report)).containsExactly(store.resolve("a.img").toString());
  }

  @Test
  void configsRepeatEachOnceAndAStoreWalkAuditsNamedFilesOnce() throws IOException {
    String good = Cli.exampleConfig("good.json").toString();
    String whole = Cli.exampleConfig("whole-disk.json").toString();
    Cli.Result r = Cli.run(
        "scan", "-o", out(), "--vm-config", good, "--vm-config", whole, "--vm-config", good,
        Cli.exampleStore().toString());

    assertThat(r.exitCode()).as(r.out()).isEqualTo(1); // the store's qcow2 images
    JsonNode report = Cli.report(tmp.resolve("out"));
    assertThat(report.get("configs").size()).isEqualTo(2);
    assertThat(report.at("/configs/1/path").stringValue()).isEqualTo(whole);
    assertThat(Cli.paths(report)).doesNotHaveDuplicates().hasSize(11);
  }

  @Test
  void metricsCountFindingsByRule() throws IOException {
    Cli.run("scan", "-o", out(), "--vm-config", Cli.exampleConfig("unaligned-and-long-labels.json").toString());
    String metrics = Files.readString(tmp.resolve("out/metrics.prom"));
    assertThat(metrics)
        .contains("image_audit_config_findings{rule=\"unaligned-writable-partition\"} 1.0")
        .contains("image_audit_config_findings{rule=\"label-truncated\"} 2.0")
        .contains("image_audit_config_findings{rule=\"duplicate-partition-label\"} 1.0")
        .contains("image_audit_config_findings{rule=\"missing-file\"} 0.0");
  }

  @Test
  void helpNamesTheOption() {
    assertThat(Cli.run("scan", "--help").out()).contains("--vm-config=FILE").contains("not with --fail-on none");
  }
}
