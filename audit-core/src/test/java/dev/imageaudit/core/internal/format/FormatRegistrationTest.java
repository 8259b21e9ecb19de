package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A format is registered (an {@link ImageFormat}, a detector in {@link Formats#REGISTERED}) only with
 * its fixtures and its documentation. The rule, exactly:
 *
 * <ul>
 *   <li>A fixture is a file of a folder {@code src/test/resources/fixtures/<folder>/} that holds a
 *       {@code make.sh}, with at least one recorded answer beside it: a file named after the image
 *       (without {@code .gz}) and a suffix, such as {@code NAME.qemu-img-info.json}. The script may run
 *       the format's own tool or, where no Debian package writes the format (crosvm composite), build
 *       the bytes itself and record what they were meant to hold.
 *   <li>Every {@link ImageFormat} is the auditor's answer for at least one fixture (a format may share
 *       a folder: qcow v1 images are in {@code qcow2/}, raw disks in {@code raw-partitions/}).
 *   <li>Every registered detector matches at least one fixture, and answers with its format's typed
 *       details ({@link FormatDetails}), never with {@link FormatDetails.Recorded}.
 *   <li>docs/formats.md has a row for every format in its table of formats (first cell; raw has none,
 *       being what is left when no detector matches) and in its table of probe scores (raw included).
 * </ul>
 */
class FormatRegistrationTest {

  private static final Path DOCS = Path.of("../docs/formats.md");

  /** Every fixture with a recorded answer, by its path, as bytes (gunzipped). */
  private static final Map<Path, byte[]> FIXTURES = new LinkedHashMap<>();

  @BeforeAll
  static void readFixtures() throws IOException {
    List<Path> folders;
    try (Stream<Path> list = Files.list(Fixtures.ROOT)) {
      folders = list.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve("make.sh"))).sorted().toList();
    }
    for (Path folder : folders) {
      List<String> names;
      try (Stream<Path> list = Files.list(folder)) {
        names = list.map(p -> p.getFileName().toString()).sorted().toList();
      }
      for (String name : names) {
        String image = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        boolean answered = names.stream().anyMatch(other -> !other.equals(name) && other.startsWith(image + "."));
        if (answered && !name.equals("make.sh")) {
          FIXTURES.put(folder.resolve(name), read(folder.resolve(name)));
        }
      }
    }
  }

  @Test
  void everyFormatIsTheAnswerForAFixtureWithItsMakeShAndRecordedAnswer() throws IOException {
    Map<ImageFormat, List<String>> named = new EnumMap<>(ImageFormat.class);
    for (Map.Entry<Path, byte[]> fixture : FIXTURES.entrySet()) {
      byte[] bytes = fixture.getValue();
      AuditEntry.Image image = Auditor.judge("fixture", null, new ByteArraySource(bytes), bytes.length);
      named.computeIfAbsent(image.format(), f -> new ArrayList<>()).add(fixture.getKey().toString());
    }
    assertThat(named.keySet())
        .as("formats without a fixture (a folder with make.sh, an image and its recorded answer)")
        .containsExactlyInAnyOrder(ImageFormat.values());
  }

  @Test
  void everyRegisteredDetectorMatchesAFixture() throws IOException {
    List<String> unmatched = new ArrayList<>();
    for (FormatDetector detector : Formats.REGISTERED) {
      boolean matched = false;
      for (byte[] bytes : FIXTURES.values()) {
        ByteArraySource source = new ByteArraySource(bytes);
        Probe probe = new Probe(source.read(0, (int) Math.min(Caps.HEAD, bytes.length)), source, bytes.length);
        if (detector.detect(probe).isPresent()) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        unmatched.add(detector.getClass().getSimpleName() + " (score " + detector.probeScore() + ")");
      }
    }
    assertThat(unmatched).as("registered detectors that match no fixture").isEmpty();
  }

  @Test
  void everyRegisteredDetectorAnswersWithTypedDetails() throws IOException {
    List<String> untyped = new ArrayList<>();
    for (FormatDetector detector : Formats.REGISTERED) {
      boolean typed = false;
      for (Map.Entry<Path, byte[]> fixture : FIXTURES.entrySet()) {
        byte[] bytes = fixture.getValue();
        ByteArraySource source = new ByteArraySource(bytes);
        Probe probe = new Probe(source.read(0, (int) Math.min(Caps.HEAD, bytes.length)), source, bytes.length);
        Optional<Detection> found = detector.detect(probe);
        if (found.isEmpty()) {
          continue;
        }
        FormatDetails header = found.get().details().header();
        if (header instanceof FormatDetails.Recorded) {
          untyped.add(detector.getClass().getSimpleName() + " on " + fixture.getKey() + ": untyped details");
        }
        typed |= !(header instanceof FormatDetails.Recorded) && !(header instanceof FormatDetails.None);
      }
      if (!typed) {
        untyped.add(detector.getClass().getSimpleName() + ": no fixture gives its typed details");
      }
    }
    assertThat(untyped).as("detectors without typed details").isEmpty();
  }

  @Test
  void everyFormatHasItsRowsInTheFormatsDoc() throws IOException {
    String doc = Files.readString(DOCS);
    String formats = section(doc, "| format | found by |");
    String scores = section(doc, "| score | formats | why |");
    List<String> missing = new ArrayList<>();
    for (ImageFormat format : ImageFormat.values()) {
      Pattern named = Pattern.compile("(?<![\\w-])" + Pattern.quote(format.id()) + "(?![\\w-])");
      if (format != ImageFormat.RAW && formats.lines().map(FormatRegistrationTest::firstCell).noneMatch(c -> named.matcher(c).find())) {
        missing.add(format.id() + " (table of formats)");
      }
      if (scores.lines().map(FormatRegistrationTest::secondCell).noneMatch(c -> named.matcher(c).find())) {
        missing.add(format.id() + " (table of probe scores)");
      }
    }
    assertThat(missing).as("formats docs/formats.md does not describe").isEmpty();
  }

  /** Returns the table that starts with the header line {@code header}, up to its first blank line. */
  private static String section(String doc, String header) {
    int start = doc.indexOf(header);
    assertThat(start).as("docs/formats.md has a table headed " + header).isNotNegative();
    int end = doc.indexOf("\n\n", start);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  private static String firstCell(String row) {
    String[] cells = row.split("\\|");
    return cells.length > 1 ? cells[1] : "";
  }

  private static String secondCell(String row) {
    String[] cells = row.split("\\|");
    return cells.length > 2 ? cells[2] : "";
  }

  private static byte[] read(Path path) throws IOException {
    try (InputStream stored = Files.newInputStream(path);
        InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(stored) : stored) {
      return in.readAllBytes();
    }
  }
}
