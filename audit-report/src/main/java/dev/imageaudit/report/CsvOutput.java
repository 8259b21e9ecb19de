package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes report.csv as the run streams by: a header row, then one row per entry in walk order;
 * UTF-8 without a byte-order mark, RFC 4180 (CRLF line ends; a field holding a comma, quote, CR or
 * LF is quoted, quotes doubled).
 *
 * <p>Columns ({@link #HEADER}): {@code path, pathBytes, target, kind} ({@code image}, {@code
 * skipped}, {@code error}), {@code format, fileSize, virtualSize, partitionSize, partition,
 * partitionReason, disk, diskReason, flags} (ids separated by spaces), {@code skip, errorKind,
 * errorMessage}; empty where a column does not apply. Sizes are exact unsigned decimals.
 *
 * <p>Safe to open in a spreadsheet: a field that starts with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a carriage return (which a spreadsheet would take as a formula) gets a
 * leading single quote ({@link #cell}); the path's exact bytes stay in {@code pathBytes} when the
 * name is not UTF-8, and {@code path} is then its shown form, as in report.jsonl.
 */
final class CsvOutput implements Output {

  /** The header row's fields, in column order. */
  static final String[] HEADER = {
    "path", "pathBytes", "target", "kind", "format", "fileSize", "virtualSize", "partitionSize",
    "partition", "partitionReason", "disk", "diskReason", "flags", "skip", "errorKind", "errorMessage"
  };

  private final StagedFile file;
  private Writer out;
  private final StringBuilder row = new StringBuilder(256);

  CsvOutput(Path path) throws IOException {
    file = StagedFile.create(path);
  }

  @Override
  public void begin(RunStart start) throws IOException {
    out = new OutputStreamWriter(file.out(), StandardCharsets.UTF_8);
    row.setLength(0);
    for (int i = 0; i < HEADER.length; i++) {
      field(i, HEADER[i]);
    }
    endRow();
  }

  @Override
  public void entry(AuditEntry entry) throws IOException {
    row.setLength(0);
    field(0, entry.path());
    field(1, entry.pathBytes());
    field(2, entry.target());
    if (entry instanceof AuditEntry.Image image) {
      field(3, "image");
      field(4, image.format().id());
      field(5, Long.toString(image.fileSize()));
      field(6, u64(image.virtualSize()));
      field(7, u64(image.partitionSize()));
      field(8, image.partition().decision().id());
      field(9, image.partition().reason());
      field(10, image.disk().decision().id());
      field(11, image.disk().reason());
      StringBuilder flags = new StringBuilder();
      for (Flag flag : image.flags()) {
        if (flags.length() > 0) {
          flags.append(' ');
        }
        flags.append(flag.id());
      }
      field(12, flags.toString());
      empty(13, 15);
    } else if (entry instanceof AuditEntry.Skipped skipped) {
      field(3, "skipped");
      empty(4, 12);
      field(13, skipped.reason().id());
      empty(14, 15);
    } else if (entry instanceof AuditEntry.Failed failed) {
      field(3, "error");
      empty(4, 13);
      field(14, failed.kind().id());
      field(15, failed.message());
    }
    endRow();
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    out.flush();
    file.finish();
  }

  private void empty(int from, int to) {
    for (int i = from; i <= to; i++) {
      field(i, null);
    }
  }

  private void field(int column, String value) {
    if (column > 0) {
      row.append(',');
    }
    row.append(cell(value));
  }

  private void endRow() throws IOException {
    row.append("\r\n");
    out.write(row.toString());
  }

  private static String u64(U64 value) {
    return value == null ? null : value.toString();
  }

  /**
   * Returns {@code value} as one CSV field: null as empty; a leading {@code = + - @}, tab or CR
   * defused with a single quote in front; quoted (quotes doubled) when it holds a comma, quote, CR
   * or LF; unpaired surrogates replaced so the file stays valid UTF-8.
   */
  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String s = JsonSupport.wellFormed(value);
    char first = s.charAt(0);
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
      s = "'" + s;
    }
    boolean quote = false;
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
