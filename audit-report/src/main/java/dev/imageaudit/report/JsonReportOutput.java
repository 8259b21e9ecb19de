package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import tools.jackson.core.JsonGenerator;

/**
 * Writes report.json in constant memory, at the end of the run, from report.jsonl: each image of
 * report.json is its entry's line of report.jsonl, byte for byte, on a line of its own.
 *
 * <p>Why: report.json's {@code summary} comes before {@code images} but is known only at the end,
 * and its images are exactly report.jsonl's entries in the same order. Copying the lines, rather
 * than writing each entry a second time through a generator as it arrives, takes the second
 * serialization of every entry off the run's one serial writing thread (about a tenth of a run's
 * CPU, measured with JFR on a 100,000-file store). The JSON Lines output must therefore come before
 * this one in the set, so that its file is whole when {@link #end} runs.
 *
 * <p>The lines are copied by the lengths the JSON Lines output wrote to its line index, not found by
 * looking at every byte for a newline: that search was 1.6% of a 1,000,000-file run's CPU samples,
 * all of it in the run's last, single-threaded phase.
 */
final class JsonReportOutput implements Output {

  /** Where each image line starts: inside {@code "images": [}, at the pretty printer's depth 2. */
  private static final byte[] IMAGE_INDENT = "\n    ".getBytes(StandardCharsets.US_ASCII);

  private static final int BUFFER = 1 << 16;

  /** The abandoned flag is checked once per this many lines copied. */
  private static final int CHECK_EVERY = 4096;

  private final Path path;
  private final Path jsonl;
  private final Path lineIndex;
  private final BooleanSupplier abandoned;
  private final Provenance provenance;
  private final Supplier<MetricsPush> push;
  private final Supplier<ReportChanges> changes;
  private long entries;
  private StagedFile json;

  /**
   * @param path report.json's path in the staging folder
   * @param jsonl report.jsonl's path in the staging folder, whole (entries, then the summary
   *     record) when {@link #end} is called
   * @param lineIndex the length of each of report.jsonl's entry lines ({@link JsonLinesOutput}), whole
   *     when {@link #end} is called
   * @param abandoned true once the set is being closed without commit: stop copying
   * @param provenance who made the run, or null
   * @param push how the run's push went (null: no push), asked for at {@link #end}
   * @param changes the changes since a baseline, written after {@code configs} (null: none)
   */
  JsonReportOutput(
      Path path, Path jsonl, Path lineIndex, BooleanSupplier abandoned, Provenance provenance, Supplier<MetricsPush> push,
      Supplier<ReportChanges> changes) {
    this.provenance = provenance;
    this.push = push;
    this.changes = changes;
    this.path = path;
    this.jsonl = jsonl;
    this.lineIndex = lineIndex;
    this.abandoned = abandoned;
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    // Written at the end, from its report.jsonl line; only counted here.
    entries++;
  }

  @Override
  public void end(RunStart start, RunEnd end) {
    throw new UnsupportedOperationException("report.json needs the run's verdict");
  }

  @Override
  public void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    json = StagedFile.create(path);
    OutputStream out = json.out();
    try (JsonGenerator head = JsonReport.prettyGenerator(out)) {
      head.writeStartObject();
      JsonReport.writeRun(head, start, end, judgement, provenance);
      // Left open: the rest is spliced in below, and closing never completes the content.
    }
    out.write(",\n  \"images\": [".getBytes(StandardCharsets.US_ASCII));
    if (entries > 0) {
      try (InputStream in = Files.newInputStream(jsonl);
          DataInputStream lengths = new DataInputStream(new BufferedInputStream(Files.newInputStream(lineIndex), BUFFER))) {
        copyLines(in, lengths, out);
      }
      out.write('\n');
      out.write(' ');
      out.write(' ');
    }
    out.write(']');
    out.write(',');
    out.write(tail(end, push.get(), changes.get()));
    out.write('\n');
    json.finish();
  }

  /**
   * Copies the first {@link #entries} lines of {@code in}, each without its newline, as image
   * lines: a chunk at a time, each line's bytes by its length in {@code lengths}.
   */
  private void copyLines(InputStream in, DataInputStream lengths, OutputStream out) throws IOException {
    byte[] chunk = new byte[BUFFER];
    int filled = 0;
    int at = 0;
    for (long line = 0; line < entries; line++) {
      if (line % CHECK_EVERY == 0 && abandoned.getAsBoolean()) {
        throw new InterruptedIOException("the report set was closed while report.json was put together");
      }
      int remaining;
      try {
        remaining = lengths.readInt();
      } catch (EOFException e) {
        throw new IllegalStateException(lineIndex + " ends before entry " + (line + 1) + " of " + entries, e);
      }
      if (remaining < 3) {
        // The shortest entry line is "{}" and its newline.
        throw new IllegalStateException(lineIndex + " gives entry " + (line + 1) + " a length of " + remaining);
      }
      if (line > 0) {
        out.write(',');
      }
      out.write(IMAGE_INDENT);
      boolean first = true;
      while (remaining > 0) {
        if (at == filled) {
          filled = in.read(chunk);
          at = 0;
          if (filled < 0) {
            throw new IllegalStateException(jsonl + " ends inside entry " + (line + 1) + " of " + entries);
          }
          continue;
        }
        if (first && chunk[at] != '{') {
          throw new IllegalStateException(jsonl + " line " + (line + 1) + " is not an entry object");
        }
        first = false;
        int n = Math.min(remaining, filled - at);
        boolean last = n == remaining;
        if (last && chunk[at + n - 1] != '\n') {
          throw new IllegalStateException(jsonl + " line " + (line + 1) + " does not end where its length says");
        }
        // The line's own newline stays behind: report.json puts its separator there.
        out.write(chunk, at, last ? n - 1 : n);
        at += n;
        remaining -= n;
      }
    }
  }

  /** Returns the configs property as the document's tail, without the opening brace of its own object. */
  private static byte[] tail(RunEnd end, MetricsPush push, ReportChanges changes) {
    // VM configs are few (those named on the command line) and the changes capped, so this is small.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonReport.prettyGenerator(bytes)) {
      g.writeStartObject();
      JsonReport.writeConfigs(g, end.configs());
      if (changes != null) {
        changes.writeProperty(g);
      }
      if (push != null) {
        writePush(g, push);
      }
      g.writeEndObject();
    }
    byte[] object = bytes.toByteArray();
    if (object.length < 2 || object[0] != '{') {
      throw new IllegalStateException(
          "the configs tail is not an object: " + new String(object, StandardCharsets.UTF_8));
    }
    byte[] tail = new byte[object.length - 1];
    System.arraycopy(object, 1, tail, 0, tail.length);
    return tail;
  }

  /** The {@code push} object: where the metrics went (no credentials), the answer, the error or null. */
  private static void writePush(JsonGenerator g, MetricsPush push) {
    g.writeName("push");
    g.writeStartObject();
    g.writeStringProperty("url", push.url());
    if (push.status() > 0) {
      g.writeNumberProperty("status", push.status());
    } else {
      g.writeNullProperty("status");
    }
    if (push.error() != null) {
      g.writeStringProperty("error", push.error());
    } else {
      g.writeNullProperty("error");
    }
    g.writeEndObject();
  }

  @Override
  public void close() throws IOException {
    if (json != null) {
      json.close();
    }
  }
}
