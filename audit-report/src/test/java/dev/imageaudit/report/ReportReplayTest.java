package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report replayed through a ReportSet comes out as the run that wrote it. */
class ReportReplayTest {

  @TempDir Path dir;

  private static RunEnd replay(List<Path> sources, Path out) throws IOException {
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      RunEnd end = ReportReplay.replay(sources, set);
      set.commit();
      return end;
    }
  }

  @Test
  void replayingAScanGivesTheSameFourFilesByteForByte() throws IOException {
    Path scanned = dir.resolve("scan");
    SyntheticEntries.write(scanned, 3_000, null);
    Path rendered = dir.resolve("rendered");
    RunEnd end = replay(List.of(scanned), rendered);
    assertThat(end.summary().files()).isEqualTo(3_000);
    for (String name : List.of(ReportSet.JSONL, ReportSet.JSON, ReportSet.HTML, ReportSet.METRICS)) {
      assertThat(Files.readString(rendered.resolve(name))).as(name).isEqualTo(Files.readString(scanned.resolve(name)));
    }
  }

  @Test
  void anInterruptedRunStaysInterrupted() throws IOException {
    Path scanned = dir.resolve("scan");
    SyntheticEntries.write(scanned, 10, "SIGTERM");
    RunEnd end = replay(List.of(scanned.resolve(ReportSet.JSONL)), dir.resolve("out"));
    assertThat(end.interrupted()).isEqualTo("SIGTERM");
    assertThat(end.complete()).isFalse();
    assertThat(Files.readString(dir.resolve("out").resolve(ReportSet.JSON)))
        .isEqualTo(Files.readString(scanned.resolve(ReportSet.JSON)));
  }

  @Test
  void severalSourcesAreOneRunInTheGivenOrder() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    SyntheticEntries.write(a, 30, null);
    SyntheticEntries.write(b, 20, null);
    RunEnd end = replay(List.of(b, a), dir.resolve("out"));
    assertThat(end.summary().files()).isEqualTo(50);
    List<String> lines = Files.readAllLines(dir.resolve("out").resolve(ReportSet.JSONL));
    List<String> first = Files.readAllLines(b.resolve(ReportSet.JSONL));
    assertThat(lines.subList(0, 20)).isEqualTo(first.subList(0, 20));
    assertThat(lines).hasSize(51);
    assertThat(lines.get(50)).contains("\"inputs\":[\"store\",\"store\"]");
  }

  @Test
  void aMissingPartIsCaughtByTheSummary() throws IOException {
    Path parts = dir.resolve("parts");
    Files.createDirectories(parts);
    List<AuditEntry> entries = Fixtures.entries();
    writePart(parts.resolve("part-00000.jsonl"), entries.subList(0, 3));
    writePart(parts.resolve("part-00001.jsonl"), entries.subList(3, entries.size()));
    var report = Fixtures.report();
    Files.write(
        parts.resolve(ReportReader.SUMMARY),
        JsonLinesEncoder.encode(
            new dev.imageaudit.core.RunStart(report.toolVersion(), report.startedAt(), report.inputs()),
            new RunEnd(report.finishedAt(), report.summary(), List.of(), null)));
    assertThat(replay(List.of(parts), dir.resolve("whole")).summary()).isEqualTo(report.summary());
    Files.delete(parts.resolve("part-00001.jsonl"));
    assertThatThrownBy(() -> replay(List.of(parts), dir.resolve("broken")))
        .isInstanceOf(ReportReader.ReportFormatException.class)
        .hasMessageContaining("3 entries read, 6 recorded");
    assertThat(dir.resolve("broken")).doesNotExist();
  }

  @Test
  void aReportWithoutItsSummaryIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path jsonl = dir.resolve("report.jsonl");
    writePart(jsonl, Fixtures.entries());
    assertThatThrownBy(() -> replay(List.of(jsonl), dir.resolve("out")))
        .isInstanceOf(ReportReader.ReportFormatException.class)
        .hasMessageContaining("cut short");
  }

  private static void writePart(Path path, List<AuditEntry> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(path);
        JsonLinesEncoder encoder = JsonLinesEncoder.to(out)) {
      entries.forEach(encoder::entry);
    }
  }
}
