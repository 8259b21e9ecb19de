package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run prints, and the files it leaves. */
class SummaryTest {

  @TempDir Path tmp;

  @Test
  void aRunWritesTheThreeFilesAndTheSummarySaysWhere() throws IOException {
    Path output = tmp.resolve("reports/today");

    Cli.Result r = Cli.run("scan", "-o", output.toString(), Cli.exampleStore().toString());

    assertThat(output.resolve("report.json")).isNotEmptyFile();
    assertThat(output.resolve("report.html")).isNotEmptyFile();
    assertThat(output.resolve("metrics.prom")).isNotEmptyFile();
    assertThat(Files.readString(output.resolve("metrics.prom")))
        .contains("image_audit_files 11");
    assertThat(r.out())
        .contains("Report in " + output)
        .contains(output.resolve("report.json").toString())
        .contains(output.resolve("report.html").toString())
        .contains(output.resolve("metrics.prom").toString());
  }

  @Test
  void theSummaryCountsFormatsVerdictsAndFlags() {
    Cli.Result r =
        Cli.run("scan", "-o", tmp.resolve("out").toString(), Cli.exampleStore().toString());

    assertThat(r.out())
        .startsWith("image-audit ")
        .contains("11 files audited (11 images, 0 skipped, 0 errors)")
        .containsPattern("\n  android-sparse  2\n")
        .containsPattern("\n  raw             4\n")
        .containsPattern("\n  accepted  6\n  rejected  5\n  error     0\n")
        .contains("Not accepted as partition images (5):")
        .contains("vm-disk.composite: unsupported partition image type: CompositeDisk")
        .contains("Errors: 0")
        .contains("Skipped: 0")
        .contains("Flagged: 5 images (unsupported-partition-image 5, backing-file 1, crosvm-unsupported 3)")
        .contains("Audit complete")
        .contains("Exit code 1.");
    // One screen: 40 lines, and the verdict with the blank line before it.
    assertThat(r.out().lines().count()).isLessThan(42);
  }

  @Test
  void skipsAndErrorsAreCountedByKind() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Files.createSymbolicLink(store.resolve("link.img"), store.resolve("a.img"));
    Path missing = tmp.resolve("missing.img");

    Cli.Result r =
        Cli.run("scan", "-o", tmp.resolve("out").toString(), store.toString(), missing.toString());

    assertThat(r.out())
        .contains("Errors: 1 (not-found 1)")
        .contains("  " + missing + ": not-found: ")
        .contains("Skipped: 1 (symlink 1)");
  }

  @Test
  void hostileNamesArePrintedSanitized() throws IOException {
    Path store = tmp.resolve("store");
    Path red = Cli.qcow2(store.resolve("\u001b[31mred.img"));
    Path missing = tmp.resolve("\u009b2Jgone\u007f\u202eimg.exe");

    Cli.Result r =
        Cli.run("scan", "-o", tmp.resolve("out").toString(), store.toString(), missing.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out())
        .contains(store.resolve("?[31mred.img").toString())
        .contains(tmp.resolve("?2Jgone??img.exe").toString());
    String all = r.out() + r.err();
    assertThat(
            all.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f || (c >= 0x80 && c <= 0x9f)))
        .as("control characters in %s", all)
        .isEmpty();
    assertThat(Cli.paths(Cli.report(tmp.resolve("out")))).contains(red.toString());
  }

  @Test
  void theRejectedListStopsAt20() throws IOException {
    Path store = tmp.resolve("store");
    for (int i = 0; i < 25; i++) {
      Cli.qcow2(store.resolve(String.format("disk-%02d.qcow2", i)));
    }

    Cli.Result r = Cli.run("scan", "-o", tmp.resolve("out").toString(), store.toString());

    assertThat(r.out())
        .contains("Not accepted as partition images (25):")
        .contains("  ... and 5 more");
    assertThat(
            Arrays.stream(r.out().split("\n"))
                .filter(l -> l.contains(": unsupported partition image type")))
        .hasSize(20);
    assertThat(r.out()).contains("disk-19.qcow2").doesNotContain("disk-20.qcow2");
  }

  @Test
  void quietPrintsNoSummaryButWritesTheReport() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("b.qcow2"));

    Cli.Result r = Cli.run("scan", "-q", "-o", tmp.resolve("out").toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(tmp.resolve("out/report.json")).isNotEmptyFile();
  }
}
