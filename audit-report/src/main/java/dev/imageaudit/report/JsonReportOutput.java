package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import tools.jackson.core.JsonGenerator;

/**
 * Writes report.json in constant memory. Its {@code summary} comes before {@code images} but is
 * known only at the end, so the images are streamed, pretty-printed, into a part file as they
 * arrive; at the end report.json is put together: its head (up to the summary) from a generator,
 * the images copied from the part as bytes, then the configs. The part is written as the document
 * {@code {"images": [...]}} by the same pretty printer at the same depth, so its bytes between
 * the outer braces are exactly those of the finished document's {@code images} property.
 */
final class JsonReportOutput implements Output {

  /** Copied in slices of this size, so a closing set is noticed within one slice. */
  private static final long SLICE = 64L << 20;

  private final Path path;
  private final StagedFile part;
  private final JsonGenerator images;
  private final BooleanSupplier abandoned;
  private StagedFile json;

  /**
   * @param path report.json's path in the staging folder
   * @param partPath where the images are streamed to; deleted once report.json is whole
   * @param abandoned true once the set is being closed without commit: stop copying
   */
  JsonReportOutput(Path path, Path partPath, BooleanSupplier abandoned) throws IOException {
    this.path = path;
    this.abandoned = abandoned;
    part = StagedFile.createReadable(partPath);
    try {
      images = JsonReport.prettyGenerator(part.out());
      images.writeStartObject();
      images.writeName("images");
      images.writeStartArray();
    } catch (RuntimeException | Error e) {
      part.close();
      throw e;
    }
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    JsonSupport.writeEntry(images, entry);
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    images.writeEndArray();
    images.writeEndObject();
    images.close();
    part.out().flush();
    FileChannel from = part.channel();
    long size = from.size();
    // {"images": [...]} pretty-printed: '{' first, "\n}" last; what is between goes in as it is.
    if (size < 3 || byteAt(from, 0) != '{' || byteAt(from, size - 2) != '\n' || byteAt(from, size - 1) != '}') {
      throw new IllegalStateException("the images part is not the object it was written as");
    }

    json = StagedFile.create(path);
    try (JsonGenerator head = JsonReport.prettyGenerator(json.out())) {
      head.writeStartObject();
      JsonReport.writeRun(head, start, end);
      // Left open: the rest is spliced in below, and closing never completes the content.
    }
    json.out().write(',');
    json.out().flush();
    copy(from, 1, size - 3, json.channel());
    json.out().write(',');
    json.out().write(tail(end));
    json.out().write('\n');
    json.finish();
    part.close();
    Files.delete(part.path());
  }

  /** Returns the configs property as the document's tail, without the opening brace of its own object. */
  private static byte[] tail(RunEnd end) {
    // VM configs are few (those named on the command line), so this is small.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonReport.prettyGenerator(bytes)) {
      g.writeStartObject();
      JsonReport.writeConfigs(g, end.configs());
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

  private void copy(FileChannel from, long position, long count, FileChannel to) throws IOException {
    long done = 0;
    while (done < count) {
      if (abandoned.getAsBoolean()) {
        throw new InterruptedIOException("the report set was closed while report.json was put together");
      }
      long n = from.transferTo(position + done, Math.min(SLICE, count - done), to);
      if (n <= 0) {
        throw new IOException("could not copy the images into " + path);
      }
      done += n;
    }
  }

  private static byte byteAt(FileChannel channel, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    if (channel.read(one, position) != 1) {
      throw new IOException("cannot read the images part at " + position);
    }
    return one.get(0);
  }

  @Override
  public void close() throws IOException {
    try {
      part.close();
    } finally {
      if (json != null) {
        json.close();
      }
    }
  }
}
