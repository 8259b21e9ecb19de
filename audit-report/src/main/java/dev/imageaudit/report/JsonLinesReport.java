package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import java.io.OutputStream;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;

/**
 * Writes a report's entries as JSON Lines: one compact image object per line, each the same shape
 * as an element of {@code report.json}'s {@code images}, every line ending in {@code \n}.
 */
public final class JsonLinesReport {

  // No separator between root values: each line is ended explicitly, the last one too.
  private static final ObjectWriter COMPACT = JsonSupport.MAPPER.writer().withRootValueSeparator((String) null);

  private JsonLinesReport() {}

  /** Writes one line per entry of {@code report}, in its order, then flushes {@code out} without closing it. */
  public static void write(AuditReport report, OutputStream out) {
    try (JsonGenerator g = COMPACT.createGenerator(out, JsonEncoding.UTF8)) {
      for (AuditEntry entry : report.entries()) {
        JsonSupport.writeEntry(g, entry);
        g.writeRaw('\n');
      }
    }
  }
}
