package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.ByteArrayOutputStream;
import java.io.Flushable;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;

/**
 * Writes report.jsonl lines one at a time, for writers other than {@link ReportSet} (a Spark
 * task's part file, a test): each line byte for byte as report.jsonl has it, {@code \n} included.
 * Not thread-safe; close it (which flushes, never closes, the stream) when done.
 */
public final class JsonLinesEncoder implements Flushable, AutoCloseable {

  private final JsonGenerator generator;

  private JsonLinesEncoder(OutputStream out) {
    this.generator = JsonLinesReport.generator(out);
  }

  /** Returns an encoder writing to {@code out}. */
  public static JsonLinesEncoder to(OutputStream out) {
    return new JsonLinesEncoder(out);
  }

  /** Writes {@code entry}'s line. */
  public void entry(AuditEntry entry) {
    JsonLinesReport.writeEntry(generator, entry);
  }

  /** Writes the summary record's line: the last line of a whole report.jsonl. */
  public void summary(RunStart start, RunEnd end) {
    JsonLinesReport.writeSummary(generator, start, end);
  }

  /** Flushes the lines written so far to the stream. */
  @Override
  public void flush() {
    generator.flush();
  }

  /** Flushes, and leaves the stream open. */
  @Override
  public void close() {
    generator.close();
  }

  /** Returns {@code entry}'s line as UTF-8 bytes, ending in {@code \n}. */
  public static byte[] encode(AuditEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonLinesEncoder encoder = to(out)) {
      encoder.entry(entry);
    }
    return out.toByteArray();
  }

  /** Returns the summary record's line as UTF-8 bytes, ending in {@code \n}. */
  public static byte[] encode(RunStart start, RunEnd end) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonLinesEncoder encoder = to(out)) {
      encoder.summary(start, end);
    }
    return out.toByteArray();
  }
}
