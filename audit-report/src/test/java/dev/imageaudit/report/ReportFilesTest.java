package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

  @TempDir Path tmp;

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheFourOutputsAndTheMarkerAndNothingElse() throws IOException {
    Path dir = tmp.resolve("out/nested");
    AuditReport report = Fixtures.report();
    AuditMetrics metrics = AuditMetrics.create();
    report.entries().forEach(e -> metrics.onEntry(e, 1_000));

    ReportFiles.Written written = ReportFiles.write(report, metrics, dir);

    assertThat(written.json()).isEqualTo(dir.resolve("report.json"));
    assertThat(written.html()).isEqualTo(dir.resolve("report.html"));
    assertThat(written.metrics()).isEqualTo(dir.resolve("metrics.prom"));
    assertThat(names(dir)).containsExactly(".image-audit", "metrics.prom", "report.html", "report.json", "report.jsonl");
    // No staging folder left beside it.
    assertThat(names(dir.getParent())).containsExactly("nested");
    assertThat(Files.readAllBytes(written.json())).isEqualTo(JsonReportTest.json(report));
    assertThat(Files.readAllBytes(dir.resolve("report.jsonl"))).isEqualTo(JsonReportTest.jsonLines(report));
    assertThat(Files.readString(written.html(), StandardCharsets.UTF_8)).isEqualTo(HostileNamesTest.html(report));
    assertThat(Files.readString(written.metrics()))
        .contains("image_audit_images{format=\"qcow2\",partition=\"rejected\"} 1.0")
        // Written after recordRun, which ReportFiles does itself.
        .contains("image_audit_files 6.0")
        // Timed by the observer above (all but the skip), counted once by ReportFiles.
        .contains("image_audit_detection_seconds_count 5")
        .doesNotContain("# EOF");
  }

  @Test
  void replacesEarlierFilesAndLeavesNoTemporaryFile() throws IOException {
    Path out = tmp.resolve("out");
    ReportFiles.write(Fixtures.report(), AuditMetrics.create(), out);
    AuditReport second = Fixtures.report(List.of(Fixtures.raw("only.img", 1)), List.of("only.img"));
    ReportFiles.write(second, AuditMetrics.create(), out);

    assertThat(names(tmp)).containsExactly("out");
    assertThat(names(out)).containsExactly(".image-audit", "metrics.prom", "report.html", "report.json", "report.jsonl");
    assertThat(Files.readString(out.resolve("report.json"))).contains("only.img").doesNotContain("disk.qcow2");
    assertThat(Files.readString(out.resolve("report.jsonl"))).contains("only.img").doesNotContain("disk.qcow2");
  }

  @Test
  void filesGetTheModeAPlainCreateGivesNotOwnerOnly() throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Path plain = Files.createFile(tmp.resolve("plain"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    ReportFiles.write(Fixtures.report(), AuditMetrics.create(), out);
    assertThat(Files.getPosixFilePermissions(out.resolve("metrics.prom")))
        .isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void aParentThatIsARegularFileIsAnIOException() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> ReportFiles.write(Fixtures.report(), AuditMetrics.create(), file.resolve("reports")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ReportFiles.write(Fixtures.report(), AuditMetrics.create(), file))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void aFailingWriteDeletesItsTemporaryFileAndKeepsTheOldContent() throws IOException {
    Path target = Files.writeString(tmp.resolve("report.json"), "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(names(tmp)).containsExactly("report.json");
    assertThat(Files.readString(target)).isEqualTo("old");
  }

  @Test
  void anIOExceptionWrappedUncheckedIsUnwrapped() throws IOException {
    Path target = tmp.resolve("report.html");
    IOException cause = new IOException("broken pipe");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> { throw new UncheckedIOException(cause); }))
        .isSameAs(cause);
    assertThat(names(tmp)).isEmpty();
  }

  @Test
  void contentThatClosesTheStreamStillGetsWritten() throws IOException {
    Path target = tmp.resolve("x.txt");
    AtomicFiles.write(
        target,
        out -> {
          out.write('a');
          out.close();
        });
    assertThat(Files.readString(target)).isEqualTo("a");
    assertThat(names(tmp)).containsExactly("x.txt");
  }

  @Test
  void hostileNamesSurviveTheRoundTripThroughFiles() throws IOException {
    AuditReport report = HostileNamesTest.report();
    ReportFiles.write(report, AuditMetrics.create(), tmp);
    var images = JsonReportTest.MAPPER.readTree(tmp.resolve("report.json").toFile()).get("images");
    assertThat(images.size()).isEqualTo(report.entries().size());
    for (int i = 0; i < images.size(); i++) {
      AuditEntry entry = report.entries().get(i);
      assertThat(images.get(i).get("path").stringValue()).isEqualTo(entry.path());
    }
    assertThat(HtmlReportTest.withoutOwnScript(Files.readString(tmp.resolve("report.html"), StandardCharsets.UTF_8)))
        .doesNotContain("<script")
        .contains(HostileNamesTest.UNICODE);
  }
}
