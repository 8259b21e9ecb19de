package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.audit.WorstCases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonGenerator;

/**
 * The most bytes one entry takes in a report (README, Safety): the worst case of every format
 * under the caps, written as {@link JsonSupport#writeEntry} writes it, takes at most {@link
 * #COMPACT_BOUND} bytes on its line of report.jsonl and {@link #INDENTED_BOUND} among report.json's
 * indented images, besides its path and target.
 */
class EntryBytesTest {

  /** The bound on an entry's line of JSON Lines, path and target aside. */
  static final int COMPACT_BOUND = 32 * 1024;

  /** The bound on an entry among report.json's images, indented two levels deep, path and target aside. */
  static final int INDENTED_BOUND = 48 * 1024;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.imageaudit.core.internal.audit.WorstCases#arguments")
  void theWorstCaseOfEveryFormatWritesWithinTheBound(String name, byte[] image) throws IOException {
    AuditEntry.Image entry = judge(image);
    assertThat(compactBytes(entry)).as(name).isLessThanOrEqualTo(COMPACT_BOUND);
    assertThat(indentedBytes(entry)).as(name).isLessThanOrEqualTo(INDENTED_BOUND);
  }

  @Test
  void issue10sAttackFilesWriteAFewKilobytesEach() throws IOException {
    // Before the caps: 19,000 extents (megabytes) and 112 KB. 13 KiB: its huge extent sizes carry
    // their exact string twins (values above 2^53, for JavaScript readers).
    assertThat(compactBytes(judge(WorstCases.vmdkExtentFlood()))).isLessThan(13 * 1024);
    assertThat(compactBytes(judge(WorstCases.qcow2ExtensionFlood()))).isLessThan(2 * 1024);
  }

  private static AuditEntry.Image judge(byte[] image) throws IOException {
    return Auditor.judge("p", null, new ByteArraySource(image), image.length);
  }

  /** Bytes of the entry on its own line, without its path ("p") and target (null). */
  static int compactBytes(AuditEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(out, null)) {
      JsonSupport.writeEntry(g, entry);
    }
    return out.size() - "\"p\"null".length();
  }

  /** Bytes the entry adds to report.json's images array, without its path and target. */
  static int indentedBytes(AuditEntry entry) {
    return indented(entry) - indented(null) - "\"p\"null".length();
  }

  private static int indented(AuditEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(out, JsonReport.PRETTY)) {
      g.writeStartObject();
      g.writeArrayPropertyStart("images");
      if (entry != null) {
        JsonSupport.writeEntry(g, entry);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.size();
  }
}
