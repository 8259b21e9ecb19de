package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JsonGenerator;

/**
 * Compares two reports of a store ({@code image-audit diff OLD NEW}), each a report folder, a
 * report.json or a report.jsonl ({@link ReportReader}), by a merge in walk order ({@link
 * WalkMerge}): one entry of each in memory at a time, whatever their sizes.
 *
 * <p>The JSON it can stream ({@code diff --json}), schema version 1:
 *
 * <pre>{@code
 * {"schemaVersion": 1,
 *  "changes": [CHANGE...],   // every changed path, in walk order, as the merge finds it
 *  "old": {"source", "startedAt", "finishedAt", "files", "complete"},
 *  "new": {...},
 *  "counts": {...}, "flagsGained": {...}, "flagsLost": {...}}   // as in ReportChanges
 * }</pre>
 *
 * The sides and counts come after the changes because report.json's and report.jsonl's summaries
 * are read as the merge ends.
 */
public final class ReportDiff {

  /** The version of the diff document's shape. */
  public static final int SCHEMA_VERSION = 1;

  private ReportDiff() {}

  /**
   * Compares {@code oldSource} with {@code newSource}.
   *
   * @param listed changes kept per list in the result
   * @param failOn flags counted in {@link ReportChanges#failingNew()}
   * @param json where to stream the diff document, or null for none; flushed, not closed
   * @return the counts and the first changes of each list
   * @throws ReportReader.ReportFormatException if either is not a whole report
   * @throws IOException if either cannot be read or {@code json} written
   */
  public static ReportChanges diff(Path oldSource, Path newSource, int listed, Set<Flag> failOn, OutputStream json)
      throws IOException {
    Objects.requireNonNull(oldSource, "oldSource");
    Objects.requireNonNull(newSource, "newSource");
    ReportChanges changes = new ReportChanges(listed, failOn);
    try (ReportReader oldReader = ReportReader.open(oldSource);
        ReportReader newReader = ReportReader.open(newSource);
        JsonGenerator g = json == null ? null : JsonSupport.generator(json, null)) {
      if (g != null) {
        g.writeStartObject();
        g.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
        g.writeArrayPropertyStart("changes");
      }
      // One change a line ("{...}," then a newline): grep-able. Each is written compact into a
      // reused buffer, then spliced in raw, as report.json's images are.
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
      JsonGenerator line = g == null ? null : JsonSupport.generator(buffer, null);
      long[] written = {0};
      WalkMerge merge =
          new WalkMerge(
              oldReader::next,
              change -> {
                changes.change(change);
                if (g != null) {
                  buffer.reset();
                  ReportChanges.writeChange(line, change);
                  line.flush();
                  g.writeRaw(written[0]++ == 0 ? "\n" : ",\n");
                  g.writeRaw(buffer.toString(StandardCharsets.UTF_8));
                }
              });
      for (AuditEntry entry = newReader.next(); entry != null; entry = newReader.next()) {
        merge.next(entry);
      }
      merge.finish();
      JsonLinesDecoder.SummaryLine before = oldReader.summary();
      JsonLinesDecoder.SummaryLine after = newReader.summary();
      changes.finish(merge.unchanged(), oldSource.toString(), before.start(), before.end(), after.end());
      if (g != null) {
        line.close();
        if (written[0] > 0) {
          g.writeRaw('\n');
        }
        g.writeEndArray();
        g.writeObjectPropertyStart("old");
        ReportChanges.writeRunBrief(g, oldSource.toString(), before.start(), before.end());
        g.writeEndObject();
        g.writeObjectPropertyStart("new");
        ReportChanges.writeRunBrief(g, newSource.toString(), after.start(), after.end());
        g.writeEndObject();
        changes.writeCounts(g);
        g.writeEndObject();
        g.writeRaw('\n');
      }
    } catch (RuntimeException e) {
      throw IoErrors.unwrap(e);
    }
    return changes;
  }
}
