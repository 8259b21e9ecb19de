package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportReaderTest {

  @TempDir Path dir;

  private static List<String> lines(ReportReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (AuditEntry e = reader.next(); e != null; e = reader.next()) {
      lines.add(new String(JsonLinesEncoder.encode(e), StandardCharsets.UTF_8));
    }
    return lines;
  }

  @Test
  void readsAScanOutputFolderLineForLine() throws IOException {
    Path out = dir.resolve("out");
    SyntheticEntries.write(out, 1_000, null);
    List<String> written = Files.readAllLines(out.resolve(ReportSet.JSONL), StandardCharsets.UTF_8);
    try (ReportReader reader = ReportReader.open(out)) {
      List<String> read = lines(reader);
      assertThat(read).hasSize(1_000);
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i)).isEqualTo(written.get(i) + "\n");
      }
      JsonLinesDecoder.SummaryLine summary = reader.summary();
      assertThat(summary.end().summary().files()).isEqualTo(1_000);
      assertThat(new String(JsonLinesEncoder.encode(summary.start(), summary.end()), StandardCharsets.UTF_8))
          .isEqualTo(written.get(1_000) + "\n");
    }
    try (ReportReader file = ReportReader.open(out.resolve(ReportSet.JSONL))) {
      assertThat(lines(file)).hasSize(1_000);
    }
  }

  @Test
  void readsPartsInTheirNumbersOrderThenTheSummaryFile() throws IOException {
    AuditReport report = HostileNamesTest.report();
    List<AuditEntry> entries = report.entries();
    // Three parts, one empty, numbered so that text order is not number order.
    int[][] slices = {{0, 5}, {5, 5}, {5, entries.size()}};
    String[] names = {"part-9.jsonl", "part-10.jsonl", "part-00011.jsonl"};
    for (int p = 0; p < 3; p++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(names[p]));
          JsonLinesEncoder encoder = JsonLinesEncoder.to(out)) {
        for (int i = slices[p][0]; i < slices[p][1]; i++) {
          encoder.entry(entries.get(i));
        }
      }
    }
    RunStart start = new RunStart("1", Fixtures.STARTED, report.inputs());
    RunEnd end = new RunEnd(Fixtures.FINISHED, report.summary(), List.of(), null);
    Files.write(dir.resolve(ReportReader.SUMMARY), JsonLinesEncoder.encode(start, end));
    Files.writeString(dir.resolve("_SUCCESS"), "");
    try (ReportReader reader = ReportReader.open(dir)) {
      assertThat(reader.files()).extracting(p -> p.getFileName().toString()).containsExactly(names);
      List<String> read = lines(reader);
      List<String> expected = new ArrayList<>();
      for (AuditEntry e : entries) {
        expected.add(new String(JsonLinesEncoder.encode(e), StandardCharsets.UTF_8));
      }
      assertThat(read).containsExactlyElementsOf(expected);
      assertThat(reader.summary().end()).isEqualTo(end);
    }
  }

  @Test
  void aReportCutShortIsRefusedOnceItsEntriesAreRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesEncoder encoder = JsonLinesEncoder.to(bytes)) {
      Fixtures.entries().forEach(encoder::entry);
    }
    Path jsonl = dir.resolve("report.jsonl");
    Files.write(jsonl, bytes.toByteArray());
    try (ReportReader reader = ReportReader.open(jsonl)) {
      assertThat(lines(reader)).hasSize(Fixtures.entries().size());
      assertThatThrownBy(reader::summary)
          .isInstanceOf(ReportReader.ReportFormatException.class)
          .hasMessageContaining("cut short");
    }
    // A last line without its newline: written halfway.
    Files.write(jsonl, java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 10));
    try (ReportReader reader = ReportReader.open(jsonl)) {
      assertThatThrownBy(() -> lines(reader))
          .isInstanceOf(ReportReader.ReportFormatException.class)
          .hasMessageContaining(":6: the last line has no end");
    }
  }

  @Test
  void aFolderWithoutAReportIsRefused() throws IOException {
    assertThatThrownBy(() -> ReportReader.open(dir))
        .isInstanceOf(ReportReader.ReportFormatException.class)
        .hasMessageContaining("neither report.jsonl nor part-*.jsonl");
    Files.writeString(dir.resolve("report.jsonl"), "not json\n");
    try (ReportReader reader = ReportReader.open(dir)) {
      assertThatThrownBy(reader::next).hasMessageContaining("report.jsonl:1: not JSON");
    }
  }
}
