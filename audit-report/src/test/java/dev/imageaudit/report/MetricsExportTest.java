package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics file beside the report set: put in place at commit, and only then. */
class MetricsExportTest {

  @TempDir Path tmp;

  private static Stream<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @Test
  void theMetricsFileAppearsAtCommitWithTheReportsMetrics() throws IOException {
    Path textfile = Files.createDirectories(tmp.resolve("textfile")).resolve("audit.prom");
    AuditMetrics metrics = AuditMetrics.builder().label("store", "s").build();
    try (ReportSet set = ReportSet.create(tmp.resolve("out"), metrics, new MetricsExport(textfile, null))) {
      SyntheticEntries.run(set, 100, null);
      // Written and synced under a temporary name; the target is not there before the commit.
      assertThat(textfile).doesNotExist();
      assertThat(names(textfile.getParent())).singleElement().satisfies(n -> assertThat(n).startsWith(".audit.prom."));
      set.commit();
    }
    assertThat(Files.readString(textfile))
        .isEqualTo(Files.readString(tmp.resolve("out/metrics.prom")))
        .contains("image_audit_files{store=\"s\"} 100.0");
    assertThat(names(textfile.getParent())).containsExactly("audit.prom");
  }

  @Test
  void aSetClosedWithoutCommitLeavesThePreviousMetricsFile() throws IOException {
    Path textfile = Files.createDirectories(tmp.resolve("textfile")).resolve("audit.prom");
    Files.writeString(textfile, "previous\n");
    try (ReportSet set = ReportSet.create(tmp.resolve("out"), AuditMetrics.create(), new MetricsExport(textfile, null))) {
      SyntheticEntries.run(set, 10, null);
    }
    assertThat(Files.readString(textfile)).isEqualTo("previous\n");
    assertThat(names(textfile.getParent())).containsExactly("audit.prom");
  }

  @Test
  void aMetricsFolderThatIsNotThereFailsBeforeTheRun() {
    Path textfile = tmp.resolve("missing/audit.prom");
    assertThatThrownBy(() -> ReportSet.create(tmp.resolve("out"), AuditMetrics.create(), new MetricsExport(textfile, null)))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
