package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The qemu-img fixtures under src/test/resources/fixtures (each folder's make.sh made them and
 * recorded qemu-img's answers), and judging bytes in memory under a read cap plus the reads every
 * audit makes.
 */
final class Fixtures {
  static final Path ROOT = Path.of("src/test/resources/fixtures");

  /** Where the ISO 9660 identifier ends in a volume descriptor: type byte, then {@code CD001}. */
  private static final int ISO_IDENTIFIER_END = 1 + "CD001".length();

  private Fixtures() {}

  /**
   * Returns a fixture's bytes; a {@code .gz} fixture is the gunzipped image. Read from the class
   * path, so that tests of other modules (through this module's test jar) find them too.
   */
  static byte[] bytes(String format, String name) throws IOException {
    String resource = "/fixtures/" + format + "/" + name;
    try (InputStream stored = Fixtures.class.getResourceAsStream(resource)) {
      if (stored == null) {
        throw new NoSuchFileException(resource);
      }
      try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(stored) : stored) {
        return in.readAllBytes();
      }
    }
  }

  /** Returns what {@code qemu-img info} recorded about an image (the name without {@code .gz}). */
  static QemuInfo qemu(String format, String image) throws IOException {
    return qemu(format, image, "qemu-img-info.json");
  }

  static QemuInfo qemu(String format, String image, String suffix) throws IOException {
    return new QemuInfo(Files.readString(ROOT.resolve(format).resolve(image + "." + suffix)));
  }

  /** The top-level fields of one {@code qemu-img info --output=json} answer. */
  record QemuInfo(String json) {
    private static final Pattern VIRTUAL_SIZE = Pattern.compile("\\n {4}\"virtual-size\": (\\d+)");
    private static final Pattern FORMAT = Pattern.compile("\\n {4}\"format\": \"([a-z0-9]+)\"");
    private static final Pattern CLUSTER = Pattern.compile("\\n {4}\"cluster-size\": (\\d+)");
    private static final Pattern BACKING = Pattern.compile("\\n {4}\"backing-filename\": \"([^\"]*)\"");
    private static final Pattern CID = Pattern.compile("\\n {12}\"cid\": (\\d+)");
    private static final Pattern PARENT_CID = Pattern.compile("\\n {12}\"parent-cid\": (\\d+)");

    String format() {
      return group(FORMAT).orElseThrow();
    }

    String virtualSize() {
      return group(VIRTUAL_SIZE).orElseThrow();
    }

    Optional<Long> clusterSize() {
      return group(CLUSTER).map(Long::parseLong);
    }

    Optional<String> backingFilename() {
      return group(BACKING);
    }

    Optional<Long> cid() {
      return group(CID).map(Long::parseLong);
    }

    Optional<Long> parentCid() {
      return group(PARENT_CID).map(Long::parseLong);
    }

    private Optional<String> group(Pattern pattern) {
      Matcher m = pattern.matcher(json);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
  }

  /** Judges bytes in memory with the default per-file ceiling. */
  static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test.img", null, new ByteArraySource(bytes), bytes.length);
  }

  /**
   * Judges bytes through a source that throws if reads pass {@code cap} plus {@link
   * #sharedReads(byte[])} in total: a judgement that returns proves the detector under test read no
   * more than {@code cap}, its own cap (the head and what it reads past the head and the tail),
   * since the shared reads are exactly what every audit of these bytes reads besides.
   */
  static AuditEntry.Image judge(byte[] bytes, long cap) throws IOException {
    long total = cap + sharedReads(bytes);
    AuditEntry.Image image = Auditor.judge("test.img", null, new ByteArraySource(bytes, total), bytes.length);
    assertThat(image.bytesRead()).isLessThanOrEqualTo(total);
    return image;
  }

  /**
   * Bytes every audit of {@code bytes} reads past the head, whatever the format: {@link Auditor}
   * runs every detector on every image, so each file costs its tail ({@link #tailRead}) and the ISO
   * 9660 descriptor ({@link #isoRead}) on top of what its own detector reads.
   */
  static long sharedReads(byte[] bytes) {
    return tailRead(bytes) + isoRead(bytes);
  }

  /**
   * Bytes the tail costs, as {@link Probe#tail()} reads it: the last {@link Caps#TAIL} bytes, once,
   * from the source only when the file is longer than the head (else copied from it). Some detector
   * always asks for it: {@link DmgDetector} and {@link VpcDetector#fixedAtTail()} look at the tail of
   * every file of 512 bytes or more, and a file longer than the head is longer than that.
   */
  static long tailRead(byte[] bytes) {
    return bytes.length > Caps.HEAD ? Math.min(Caps.TAIL, bytes.length) : 0;
  }

  /**
   * Bytes {@link Iso9660Detector} reads: up to {@link Iso9660Detector#DESCRIPTOR_CAP} bytes at
   * {@link Iso9660Detector#DESCRIPTOR_OFFSET} (fewer at the end of the file), when the file reaches
   * past the descriptor's type byte and {@code CD001} identifier; nothing from a shorter file.
   */
  static long isoRead(byte[] bytes) {
    long past = bytes.length - Iso9660Detector.DESCRIPTOR_OFFSET;
    return past >= ISO_IDENTIFIER_END ? Math.min(Iso9660Detector.DESCRIPTOR_CAP, past) : 0;
  }

  static void putLe32(byte[] b, int at, long v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) v);
  }

  static void putLe64(byte[] b, int at, long v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
  }

  static void putLe16(byte[] b, int at, int v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
  }

  static void putBe32(byte[] b, int at, long v) {
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(at, (int) v);
  }

  static void putBe64(byte[] b, int at, long v) {
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putLong(at, v);
  }

  static void putBe16(byte[] b, int at, int v) {
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putShort(at, (short) v);
  }

  static void put(byte[] b, int at, byte[] src) {
    System.arraycopy(src, 0, b, at, src.length);
  }
}
