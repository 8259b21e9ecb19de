package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html is built from bounded aggregates: small and quick to open whatever the run's size. */
class HtmlBoundsTest {

  static final long TWO_MB = 2_000_000;

  @TempDir Path tmp;

  @Test
  void aHundredThousandEntriesMakeAPageUnderTwoMegabytesThatSaysWhatItLeftOut() throws IOException {
    Path out = tmp.resolve("out");
    SyntheticEntries.write(out, 100_000, null);
    long bytes = Files.size(out.resolve("report.html"));
    String html = Files.readString(out.resolve("report.html"));
    System.out.printf("report.html for 100,000 entries: %,d bytes%n", bytes);

    assertThat(bytes).isLessThan(TWO_MB);
    assertThat(HtmlReportTest.section(html, "<section class=\"cards\"", "</section>"))
        .contains("<div class=\"value\">100000</div><div class=\"label\">Files</div>")
        .contains("<div class=\"value\">25000</div><div class=\"label\">Rejected partitions</div>");
    // 100,000 entries: 25,000 rejected partitions, 5,000 errors, 5,000 skips, 90,000 images.
    assertThat(html)
        .contains("The first 200 of 25000 are shown; the other 24800 are in <code>report.jsonl</code>")
        .contains("The first 200 of 5000 are shown; the other 4800 are in <code>report.jsonl</code>")
        .contains("The first 200 of 90000 are shown; the other 89800 are in <code>report.jsonl</code>");
    assertThat(rows(html, "rejected")).isEqualTo(200);
    assertThat(rows(html, "errors")).isEqualTo(200);
    assertThat(rows(html, "images")).isEqualTo(200);
    // The first rows in walk order: entry 11 is the first qcow2.
    assertThat(HtmlReportTest.section(html, "<table class=\"rejected\">", "</table>"))
        .contains(SyntheticEntries.entry(11).path());

    // Problems grouped: by kind, by reason with counts, by format, by top-level folder.
    assertThat(HtmlReportTest.section(html, "<table class=\"kinds\">", "</table>"))
        .contains("<tr><td>Rejected as a partition image by virtmgr</td><td class=\"num\">25000</td></tr>")
        .contains("<tr><td>Flag <code>backing-file</code></td><td class=\"num\">15000</td></tr>")
        .contains("<tr><td>Error <code>access-denied</code></td><td class=\"num\">5000</td></tr>");
    assertThat(HtmlReportTest.section(html, "<table class=\"reasons\">", "</table>"))
        .contains("<tr><td>virtmgr</td><td>unsupported partition image type: Qcow2</td><td class=\"num\">20000</td></tr>")
        .contains("<tr><td>virtmgr</td><td>unsupported partition image type: CompositeDisk</td><td class=\"num\">5000</td></tr>");
    assertThat(HtmlReportTest.section(html, "<table class=\"formats\">", "</table>"))
        .contains("<tr><td>raw</td><td class=\"num\">55000</td><td class=\"num\">55000</td>");
    String folders = HtmlReportTest.section(html, "<table class=\"folders\">", "</table>");
    assertThat(Pattern.compile("<tr><td class=\"path\">store/team-\\d\\d</td>").matcher(folders).results().count())
        .isEqualTo(RunAggregates.Limits.DEFAULT.shownFolders());
    assertThat(html).contains("20 more folders have problems");
  }

  @Test
  void hostileLongNamesStillMakeAPageUnderTwoMegabytes() throws IOException {
    // Every name as long as a path gets and made of what HTML escapes longest.
    String worst = "\"'&<>=`".repeat(580);
    AuditSummary.Tally tally = new AuditSummary.Tally();
    RunStart start = new RunStart("0.1.0-test", SyntheticEntries.START.startedAt(), List.of("store/" + worst));
    Path out = tmp.resolve("out");
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      set.begin(start);
      for (int i = 0; i < 3_000; i++) {
        String dir = "store/" + worst + "/" + i + worst;
        AuditEntry entry =
            switch (i % 3) {
              case 0 -> new AuditEntry.Image(
                  dir + "/a.qcow2", worst, ImageFormat.QCOW2, 1, U64.ZERO, null,
                  Verdict.rejected("backing format '" + worst + "' is not raw"), Verdict.rejected(worst + i),
                  Set.of(dev.imageaudit.core.Flag.BACKING_FILE), ImageDetails.recorded(Map.of()), 1);
              case 1 -> new AuditEntry.Failed(dir + "/b", worst, ErrorKind.IO_ERROR, worst);
              default -> new AuditEntry.Skipped(dir + "/c", worst, dev.imageaudit.core.SkipReason.FIFO);
            };
        tally.add(entry);
        set.entry(entry);
      }
      set.end(start, new RunEnd(SyntheticEntries.FINISHED, tally.summary(), List.of(), null));
      set.commit();
    }
    long bytes = Files.size(out.resolve("report.html"));
    System.out.printf("report.html for 3,000 entries with 4,060-character hostile names: %,d bytes%n", bytes);
    assertThat(bytes).isLessThan(TWO_MB);
    String html = HtmlReportTest.withoutOwnScript(Files.readString(out.resolve("report.html")));
    assertThat(html).doesNotContain("<script").doesNotContain("\"'&<>").contains("are in <code>report.jsonl</code>");
  }

  @Test
  void theGroupsAreBoundedWhateverTheNumberOfReasonsAndFolders() {
    RunAggregates run = new RunAggregates(List.of("store"), new RunAggregates.Limits(5, 100_000, 3, 4, 2, 20));
    for (int i = 0; i < 1_000; i++) {
      run.add(
          new AuditEntry.Image(
              "store/folder-" + i + "/a.qcow2", null, ImageFormat.QCOW2, 1, U64.ZERO, null,
              Verdict.rejected("reason " + i), Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()), 1));
    }
    assertThat(run.reasons.counts()).hasSize(3);
    assertThat(run.reasons.otherImages()).isEqualTo(997);
    assertThat(run.folders.counts()).hasSize(4);
    assertThat(run.folders.other()).containsExactly(996, 996);
    assertThat(run.rejected.rows()).hasSize(5);
    assertThat(run.rejected.leftOut()).isEqualTo(995);
  }

  @Test
  void foldersAreTheLevelBelowTheInputTheInputItselfOrTheParentFolder() {
    RunAggregates.Folders folders = new RunAggregates.Folders(List.of("store/", "/", "fd:3", "one.img"), 100);
    for (String path :
        List.of("store/a/x/1.img", "store/a/2.img", "store/top.img", "store-b/x.img", "fd:3", "one.img",
            "/etc/x.img", "/root.img", "listed/deep/y.img", "bare.img", "store/a-b/3.img")) {
      folders.add(path, path.endsWith("x.img"));
    }
    assertThat(folders.counts().keySet())
        .containsExactlyInAnyOrder(
            "store/a", "store", "store-b", "/etc", "fd:3", "one.img", "/", "listed/deep", ".", "store/a-b");
    assertThat(folders.counts().get("store/a")).containsExactly(2, 0);
    // No input holds store-b/x.img (store-b is not below store): its parent folder.
    assertThat(folders.counts().get("store-b")).containsExactly(1, 1);
    assertThat(folders.counts().get("/etc")).containsExactly(1, 1);
    assertThat(folders.counts().get("/")).containsExactly(1, 0);
  }

  @Test
  void htmlBytesCountsTheLongestEscape() {
    assertThat(RunAggregates.htmlBytes("abc")).isEqualTo(3);
    assertThat(RunAggregates.htmlBytes("\"")).isEqualTo(6);
    assertThat(RunAggregates.htmlBytes("é")).isEqualTo(2);
    assertThat(RunAggregates.htmlBytes("\u2603")).isEqualTo(3);
    assertThat(RunAggregates.htmlBytes(null)).isZero();
    assertThat(RunAggregates.shorten("abcdefghij", 5)).isEqualTo("ab\u2026ij");
    assertThat(RunAggregates.shorten("abc", 5)).isEqualTo("abc");
  }

  private static long rows(String html, String table) {
    String section = HtmlReportTest.section(html, "<table class=\"" + table + "\">", "</table>");
    return Pattern.compile("<tr><td class=\"path\">").matcher(section).results().count();
  }
}
