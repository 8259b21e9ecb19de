package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/**
 * Reads a run's results back, one entry at a time in walk order and in constant memory (one line
 * is held at a time), from any of:
 *
 * <ul>
 *   <li>a {@code report.jsonl} file, closed by its summary record;
 *   <li>a folder holding {@value ReportSet#JSONL} (what {@code image-audit scan} writes);
 *   <li>a folder of parts {@code part-NNNNN.jsonl} and {@value #SUMMARY} (what the Spark job
 *       writes): each part holds entry lines only, in report.jsonl's exact format, and {@value
 *       #SUMMARY} holds the run's summary record (one line, as report.jsonl's last);
 *   <li>a {@code report.json} file (a file whose name ends in {@code .json}), or a folder holding
 *       report.json but no report.jsonl: its {@code images} read one at a time with jackson-core's
 *       streaming parser, whatever the document's layout; its run properties (those before and after
 *       {@code images}) give the summary at the end.
 * </ul>
 *
 * <p>Parts are read in the order of their number, not of their names' text ({@code part-100000}
 * after {@code part-99999}). The Spark job writes partition {@code i} as {@code part-i}, and each
 * partition holds a contiguous slice of the walk in walk order, so reading the parts one after
 * another gives the whole walk in order.
 *
 * <p>Use: {@link #open}, then {@link #next()} until it returns null, then {@link #summary()}.
 * Not thread-safe.
 */
public final class ReportReader implements Closeable {

  /** The summary record of a folder of parts. */
  public static final String SUMMARY = "_SUMMARY.json";

  private static final Pattern PART = Pattern.compile("part-(\\d+)\\.jsonl");
  // A line longer than this is not an entry (entries are capped far below it): stop rather than grow.
  private static final int MAX_LINE = 64 << 20;

  /** A report that cannot be read back: not found, unreadable, not a report, or cut short. */
  public static final class ReportFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Returns the exception with {@code message} about the source, and its cause or null. */
    public ReportFormatException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final List<Path> files;
  private final Path summaryFile;
  private int fileIndex = -1;
  private InputStream in;
  private long lineNumber;
  private final byte[] buffer = new byte[1 << 16];
  private int bufferPos;
  private int bufferEnd;
  private byte[] line = new byte[8192];
  private int lineLength;
  private JsonLinesDecoder.SummaryLine summary;
  private boolean done;
  // report.json: read with a streaming parser; the run properties gathered around its images.
  private boolean jsonDocument;
  private JsonParser parser;
  private final java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();

  private ReportReader(List<Path> files, Path summaryFile) {
    this.files = files;
    this.summaryFile = summaryFile;
  }

  /**
   * Opens {@code path}: a report.jsonl file, a folder holding report.jsonl, or a folder of parts.
   *
   * @throws ReportFormatException if {@code path} is none of these
   * @throws IOException if the folder cannot be listed
   */
  public static ReportReader open(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      ReportReader reader = new ReportReader(List.of(path), null);
      reader.jsonDocument = path.getFileName().toString().endsWith(".json");
      return reader;
    }
    if (!Files.isDirectory(path)) {
      throw new ReportFormatException(path + ": no such file or folder", null);
    }
    Path jsonl = path.resolve(ReportSet.JSONL);
    if (Files.isRegularFile(jsonl)) {
      return new ReportReader(List.of(jsonl), null);
    }
    Path json = path.resolve(ReportSet.JSON);
    if (Files.isRegularFile(json)) {
      ReportReader reader = new ReportReader(List.of(json), null);
      reader.jsonDocument = true;
      return reader;
    }
    List<Path> parts = parts(path);
    Path summary = path.resolve(SUMMARY);
    if (parts.isEmpty() && !Files.exists(summary)) {
      throw new ReportFormatException(
          path + ": neither " + ReportSet.JSONL + " nor part-*.jsonl files with " + SUMMARY, null);
    }
    return new ReportReader(parts, summary);
  }

  /** Returns the parts in {@code folder}, ordered by their number. */
  public static List<Path> parts(Path folder) throws IOException {
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "part-*.jsonl")) {
      for (Path p : dir) {
        if (PART.matcher(p.getFileName().toString()).matches()) {
          parts.add(p);
        }
      }
    }
    parts.sort(Comparator.comparing(ReportReader::partNumber).thenComparing(Path::toString));
    return parts;
  }

  private static java.math.BigInteger partNumber(Path part) {
    Matcher m = PART.matcher(part.getFileName().toString());
    m.matches();
    return new java.math.BigInteger(m.group(1));
  }

  /** Returns the files read, in order: report.jsonl, or the parts. */
  public List<Path> files() {
    return files;
  }

  /**
   * Returns the next entry, or null after the last one (the summary is then read).
   *
   * @throws ReportFormatException if a line is not a report line, a part holds a summary record, or
   *     entries follow a summary record
   */
  public AuditEntry next() throws IOException {
    if (jsonDocument) {
      return nextImage();
    }
    while (!done) {
      if (in == null && !openNext()) {
        finish();
        return null;
      }
      if (!readLine()) {
        in.close();
        in = null;
        continue;
      }
      JsonLinesDecoder.Line decoded = decodeLine();
      if (decoded instanceof JsonLinesDecoder.EntryLine entry) {
        if (summary != null) {
          throw malformed("an entry after the summary record", null);
        }
        return entry.entry();
      }
      if (summaryFile != null || summary != null) {
        throw malformed("a summary record inside a part", null);
      }
      summary = (JsonLinesDecoder.SummaryLine) decoded;
    }
    return null;
  }

  /**
   * Returns the run's summary record; call it once {@link #next()} returned null.
   *
   * @throws ReportFormatException if the report was cut short (its run never finished writing:
   *     report.jsonl without a summary record, or parts without {@value #SUMMARY})
   */
  public JsonLinesDecoder.SummaryLine summary() throws IOException {
    if (!done) {
      throw new IllegalStateException("summary() before the last entry was read");
    }
    if (summary == null) {
      throw cutShort();
    }
    return summary;
  }

  /**
   * Returns the run's summary record before the entries are read: {@value #SUMMARY} of a folder of
   * parts, or the last line of a report.jsonl (read from the file's end, without reading the rest).
   *
   * @throws ReportFormatException if there is none: the report was cut short
   */
  public JsonLinesDecoder.SummaryLine peekSummary() throws IOException {
    if (jsonDocument) {
      throw new IllegalStateException("report.json's summary is known once its images are read");
    }
    if (summaryFile != null) {
      JsonLinesDecoder.SummaryLine s = readSummaryFile();
      if (s == null) {
        throw cutShort();
      }
      return s;
    }
    Path file = files.get(0);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      // The line that ends at the last byte: scan back for the newline before it.
      ByteBuffer one = ByteBuffer.allocate(1);
      if (size == 0 || channel.read(one, size - 1) != 1 || one.get(0) != '\n') {
        throw cutShort();
      }
      byte[] chunk = new byte[8192];
      long start = size - 1;
      search:
      while (start > 0) {
        int n = (int) Math.min(chunk.length, start);
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        long at = start - n;
        while (buf.hasRemaining()) {
          if (channel.read(buf, at + buf.position()) < 0) {
            throw new EOFException(file + ": shrank while read");
          }
        }
        for (int i = n - 1; i >= 0; i--) {
          if (chunk[i] == '\n') {
            start = at + i + 1;
            break search;
          }
        }
        start = at;
        if (size - start > MAX_LINE) {
          throw new ReportFormatException(file + ": a last line longer than " + MAX_LINE + " bytes", null);
        }
      }
      byte[] last = new byte[(int) (size - start)];
      ByteBuffer buf = ByteBuffer.wrap(last);
      while (buf.hasRemaining()) {
        if (channel.read(buf, start + buf.position()) < 0) {
          throw new EOFException(file + ": shrank while read");
        }
      }
      JsonLinesDecoder.Line line;
      try {
        line = JsonLinesDecoder.decode(last, 0, last.length);
      } catch (JsonLinesDecoder.MalformedLineException e) {
        throw new ReportFormatException(file + ": last line: " + e.getMessage(), e);
      }
      if (line instanceof JsonLinesDecoder.SummaryLine s) {
        return s;
      }
      throw cutShort();
    }
  }

  /**
   * The next image of report.json, or null after the last (its run properties then read to the
   * end): one entry object in memory at a time.
   */
  private AuditEntry nextImage() throws IOException {
    if (done) {
      return null;
    }
    try {
      if (parser == null) {
        in = Files.newInputStream(files.get(0));
        parser = JsonSupport.FACTORY.createParser(ObjectReadContext.empty(), in);
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw new ReportFormatException(files.get(0) + ": not a JSON object", null);
        }
        if (!toImages()) {
          return finishDocument();
        }
      }
      JsonToken token = parser.nextToken();
      if (token == JsonToken.END_ARRAY) {
        if (toImages()) {
          throw new ReportFormatException(files.get(0) + ": two images arrays", null);
        }
        return finishDocument();
      }
      if (token != JsonToken.START_OBJECT) {
        throw new ReportFormatException(files.get(0) + ": an image that is not an object", null);
      }
      return JsonLinesDecoder.readEntry(parser);
    } catch (JsonLinesDecoder.MalformedLineException e) {
      throw new ReportFormatException(files.get(0) + ": " + where() + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new ReportFormatException(files.get(0) + ": " + where() + "not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private String where() {
    return parser == null ? "" : "line " + parser.currentLocation().getLineNr() + ": ";
  }

  /**
   * Reads top-level properties into {@link #properties} until {@code images} opens (true) or the
   * document ends (false).
   */
  private boolean toImages() {
    for (String name = parser.nextName(); name != null; name = parser.nextName()) {
      JsonToken value = parser.nextToken();
      if (name.equals("images")) {
        if (value != JsonToken.START_ARRAY) {
          throw new JsonLinesDecoder.MalformedLineException("images is not an array", null);
        }
        return true;
      }
      properties.put(name, JsonLinesDecoder.readValue(parser, value));
    }
    return false;
  }

  private AuditEntry finishDocument() throws IOException {
    done = true;
    summary = JsonLinesDecoder.summaryOf(properties);
    properties.clear();
    parser.close();
    in.close();
    in = null;
    return null;
  }

  @Override
  public void close() throws IOException {
    done = true;
    if (parser != null) {
      parser.close();
    }
    if (in != null) {
      in.close();
      in = null;
    }
  }

  private boolean openNext() throws IOException {
    if (fileIndex + 1 >= files.size()) {
      return false;
    }
    fileIndex++;
    in = Files.newInputStream(files.get(fileIndex));
    bufferPos = 0;
    bufferEnd = 0;
    lineNumber = 0;
    return true;
  }

  private void finish() throws IOException {
    done = true;
    if (summaryFile != null) {
      summary = readSummaryFile();
    }
  }

  private JsonLinesDecoder.SummaryLine readSummaryFile() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(summaryFile);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      if (JsonLinesDecoder.decode(bytes, 0, bytes.length) instanceof JsonLinesDecoder.SummaryLine s) {
        return s;
      }
    } catch (JsonLinesDecoder.MalformedLineException e) {
      throw new ReportFormatException(summaryFile + ": " + e.getMessage(), e);
    }
    throw new ReportFormatException(summaryFile + ": not a summary record", null);
  }

  private ReportFormatException cutShort() {
    return new ReportFormatException(
        (summaryFile != null ? summaryFile.getParent() : files.get(0))
            + ": cut short, no summary record (the run that wrote it never finished)",
        null);
  }

  /** Reads the next line into {@code line}; false at the end of the file. */
  private boolean readLine() throws IOException {
    lineLength = 0;
    while (true) {
      if (bufferPos == bufferEnd) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        bufferPos = 0;
        bufferEnd = n;
      }
      int end = bufferPos;
      while (end < bufferEnd && buffer[end] != '\n') {
        end++;
      }
      append(bufferPos, end - bufferPos);
      if (end < bufferEnd) {
        bufferPos = end + 1;
        lineNumber++;
        return true;
      }
      bufferPos = bufferEnd;
    }
    if (lineLength > 0) {
      lineNumber++;
      throw malformed("the last line has no end (the file was cut short)", new EOFException());
    }
    return false;
  }

  private void append(int from, int count) throws ReportFormatException {
    if (lineLength + count > line.length) {
      if (lineLength + count > MAX_LINE) {
        throw malformed("a line longer than " + MAX_LINE + " bytes", null);
      }
      line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, lineLength + count)));
    }
    System.arraycopy(buffer, from, line, lineLength, count);
    lineLength += count;
  }

  private JsonLinesDecoder.Line decodeLine() throws ReportFormatException {
    try {
      return JsonLinesDecoder.decode(line, 0, lineLength);
    } catch (JsonLinesDecoder.MalformedLineException e) {
      throw malformed(e.getMessage(), e);
    }
  }

  private ReportFormatException malformed(String what, Throwable cause) {
    return new ReportFormatException(files.get(fileIndex) + ":" + lineNumber + ": " + what, cause);
  }

  @Override
  public String toString() {
    return "ReportReader" + Objects.toString(files);
  }
}
