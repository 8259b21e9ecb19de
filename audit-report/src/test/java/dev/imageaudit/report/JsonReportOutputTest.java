package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.RunEnd;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * report.json's images are report.jsonl's entry lines copied by the lengths in the line index: lines
 * that cross the copy's 64 KiB chunks come out whole, and an index that does not match the lines is
 * an error, never a report.json with a line cut in two.
 */
class JsonReportOutputTest {

  @TempDir Path tmp;

  @Test
  void linesLongerThanAChunkAndAcrossChunksAreCopiedWhole() throws IOException {
    // Entries of 1 to 3 chunks' worth of name: their lines start and end anywhere in a chunk.
    List<AuditEntry> entries = List.of(
        failed("a"), failed("b".repeat(70_000)), failed("c"), failed("d".repeat(140_000)), failed("e".repeat(65_530)));
    Path json = write(entries, null);
    JsonNode images = JsonReportTest.MAPPER.readTree(json.toFile()).get("images");
    List<String> lines = Files.readAllLines(tmp.resolve("report.jsonl"));
    assertThat(images.size()).isEqualTo(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      assertThat(images.get(i).get("path").stringValue()).isEqualTo(entries.get(i).path());
      assertThat(JsonReportTest.MAPPER.readTree(lines.get(i))).isEqualTo(images.get(i));
    }
  }

  @Test
  void anIndexThatDoesNotMatchTheLinesIsAnError() throws IOException {
    List<AuditEntry> entries = List.of(failed("a"), failed("b"));
    // The first line said one byte longer than it is: its end would fall inside the second line.
    assertThatThrownBy(() -> write(entries, lengths -> lengths[0]++))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 1 does not end where its length says");
    clear();
    assertThatThrownBy(() -> write(entries, lengths -> lengths[0]--))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 1 does not end where its length says");
    clear();
    assertThatThrownBy(() -> write(entries, lengths -> lengths[1] = 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gives entry 2 a length of 0");
  }

  /** Changes the line lengths the index holds, before report.json is put together. */
  private interface Tamper {
    void apply(int[] lengths);
  }

  /** Writes report.jsonl, its line index (tampered with when asked) and report.json; returns report.json. */
  private Path write(List<AuditEntry> entries, Tamper tamper) throws IOException {
    Path jsonl = tmp.resolve("report.jsonl");
    Path index = tmp.resolve(".report.jsonl.lines");
    Path json = tmp.resolve("report.json");
    AuditSummary.Tally tally = new AuditSummary.Tally();
    entries.forEach(tally::add);
    RunEnd end = new RunEnd(SyntheticEntries.FINISHED, tally.summary(), List.of(), null);
    RunJudgement judgement = PolicyGate.of(Policy.DEFAULT, Clock.systemUTC()).judge(end);
    try (JsonLinesOutput lines = new JsonLinesOutput(jsonl, true, index, null, () -> null);
        JsonReportOutput report = new JsonReportOutput(json, jsonl, index, () -> false, null, () -> null, () -> null)) {
      for (AuditEntry entry : entries) {
        lines.entry(entry);
        report.entry(entry);
      }
      lines.end(SyntheticEntries.START, end, judgement);
      if (tamper != null) {
        byte[] bytes = Files.readAllBytes(index);
        int[] lengths = new int[bytes.length / JsonLinesOutput.LINE_BYTES];
        java.nio.ByteBuffer.wrap(bytes).asIntBuffer().get(lengths);
        tamper.apply(lengths);
        try (OutputStream out = Files.newOutputStream(index); DataOutputStream data = new DataOutputStream(out)) {
          for (int length : lengths) {
            data.writeInt(length);
          }
        }
      }
      report.end(SyntheticEntries.START, end, judgement);
    }
    return json;
  }

  private static AuditEntry failed(String name) {
    return new AuditEntry.Failed(name, null, dev.imageaudit.core.ErrorKind.ACCESS_DENIED, "Permission denied");
  }

  private void clear() throws IOException {
    try (var files = Files.list(tmp)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }
}
