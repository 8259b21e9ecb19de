package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ImageDetails;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;

/** An entry's line as a run encodes it on the thread that audited it. */
class JsonLinesOutputTest {

  @Test
  void aLineIsTheEntryAsTheReportWritesIt() {
    AuditReport report = Fixtures.report();
    PolicyGate gate = PolicyGate.of(Fixtures.policy(), Fixtures.CLOCK);
    for (AuditEntry entry : report.entries()) {
      EntryPolicy policy = gate.decide(entry);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (JsonGenerator g = JsonLinesReport.generator(expected)) {
        JsonLinesReport.writeEntry(g, entry, policy);
      }
      assertThat(JsonLinesOutput.line(entry, policy)).as(entry.path()).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void anEntryThatFailsHalfwayLeavesTheThreadsNextLineWhole() {
    Iterable<Object> failing = () -> new Iterator<>() {
      private int left = 2;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Object next() {
        if (left-- == 0) {
          throw new IllegalStateException("a details value that fails while it is written");
        }
        return "item";
      }
    };
    AuditEntry.Image raw = Fixtures.raw("a.img", 1);
    AuditEntry.Image broken = new AuditEntry.Image(
        "b.img", null, raw.format(), 1, raw.virtualSize(), raw.partitionSize(), raw.partition(), raw.disk(),
        raw.flags(), ImageDetails.recorded(Map.of("list", failing)), 1);

    assertThatThrownBy(() -> JsonLinesOutput.line(broken, EntryPolicy.NONE)).hasMessageContaining("fails while");

    PolicyGate gate = PolicyGate.of(Policy.DEFAULT, Clock.systemUTC());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonLinesReport.generator(expected)) {
      JsonLinesReport.writeEntry(g, raw, gate.decide(raw));
    }
    assertThat(JsonLinesOutput.line(raw, EntryPolicy.NONE)).isEqualTo(expected.toByteArray());
  }
}
