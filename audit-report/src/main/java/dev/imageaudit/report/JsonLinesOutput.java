package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.ByteArrayBuilder;

/**
 * Writes report.jsonl: each entry's line as it arrives (encoded by {@link #line}, mostly on the
 * thread that audited the entry), then the summary record through a generator. When report.json is written too, it also writes the length of each entry's line to a
 * line index beside it ({@link #LINE_BYTES} bytes a line), so that report.json copies the lines by
 * their lengths instead of looking for their ends byte by byte.
 */
final class JsonLinesOutput implements Output {

  /** Bytes of the line index per entry: its line's length, newline included, big-endian. */
  static final int LINE_BYTES = 4;

  private final StagedFile file;
  /** The file's buffered stream: entry lines are written to it, the summary through {@link #lines}. */
  private final OutputStream out;
  private final JsonGenerator lines;
  private final StagedFile index;
  /** The line index's stream, read back with {@link java.io.DataInputStream#readInt}; null without an index. */
  private final DataOutputStream lengths;
  private final Provenance provenance;
  private final Supplier<ReportChanges> changes;

  /**
   * @param kept true for report.jsonl itself, false for its lines only as report.json's source (a
   *     temporary file, deleted before the commit and never synced)
   * @param lineIndex where to write the line index, or null for none
   * @param provenance who made the run, or null
   * @param changes the changes since a baseline for the summary record, null when there is none
   */
  JsonLinesOutput(Path path, boolean kept, Path lineIndex, Provenance provenance, Supplier<ReportChanges> changes)
      throws IOException {
    this.provenance = provenance;
    this.changes = changes;
    file = kept ? StagedFile.create(path) : StagedFile.createTemporary(path);
    StagedFile created = null;
    try {
      out = file.out();
      lines = JsonLinesReport.generator(out);
      created = lineIndex == null ? null : StagedFile.createTemporary(lineIndex);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
    index = created;
    lengths = created == null ? null : new DataOutputStream(created.out());
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) throws IOException {
    entry(entry, EntryPolicy.NONE);
  }

  @Override
  public void entry(AuditEntry entry, EntryPolicy policy) throws IOException {
    write(line(entry, policy));
  }

  @Override
  public void entry(AuditEntry entry, ReportSet.Prepared prepared) throws IOException {
    write(prepared.line != null ? prepared.line : line(entry, prepared.policy));
  }

  /**
   * Returns {@code entry}'s line, newline included, as {@link #entry} writes it. Thread-safe: each
   * thread encodes through a generator of its own, so a run encodes its entries on the threads that
   * audited them and only copies the lines here in order.
   */
  static byte[] line(AuditEntry entry, EntryPolicy policy) {
    LineEncoder encoder = ENCODER.get();
    try {
      JsonLinesReport.writeEntry(encoder.generator, entry, policy);
      encoder.generator.flush();
    } catch (RuntimeException | Error e) {
      // The generator stopped inside the entry's object: the thread's next line gets a fresh one.
      ENCODER.remove();
      throw e;
    }
    byte[] line = encoder.bytes.toByteArray();
    encoder.bytes.reset();
    return line;
  }

  /** Entry lines are written straight to the file; the generator writes only the summary record, last. */
  private void write(byte[] line) throws IOException {
    out.write(line, 0, line.length);
    if (index != null) {
      writeLength(line.length);
    }
  }

  private static final ThreadLocal<LineEncoder> ENCODER = ThreadLocal.withInitial(LineEncoder::new);

  /** One thread's generator over an array that takes one line at a time. */
  private static final class LineEncoder {
    final ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
    final JsonGenerator generator = JsonLinesReport.generator(bytes);
  }

  private void writeLength(long length) {
    if (length <= 0 || length > Integer.MAX_VALUE) {
      throw new IllegalStateException("an entry line of " + length + " bytes");
    }
    try {
      lengths.writeInt((int) length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void end(RunStart start, RunEnd end) {
    throw new UnsupportedOperationException("report.jsonl's summary record needs the run's verdict");
  }

  @Override
  public void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    JsonLinesReport.writeSummary(lines, start, end, judgement, provenance, changes.get());
    lines.close();
    file.finish();
    if (index != null) {
      // Read once by report.json and deleted before the commit: a temporary file, never synced.
      lengths.flush();
      index.finish();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      file.close();
    } finally {
      if (index != null) {
        index.close();
      }
    }
  }
}
