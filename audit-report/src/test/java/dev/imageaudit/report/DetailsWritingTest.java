package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonGenerator;

/**
 * An entry's {@code details}, which {@link JsonSupport#writeEntry} writes field by field from the
 * typed record ({@code forEachField}), are byte for byte what writing its {@code toMap()} gives:
 * same keys, order, values and exact twins. Checked on real images of every format (the example
 * store and the fuzz seeds qemu-img made) and on the worst case of every format under the caps,
 * whose details carry notes, cut lists and u64 values past 2^53.
 */
class DetailsWritingTest {

  private static final List<Path> FOLDERS = List.of(
      Path.of("../examples/image-store"),
      Path.of("../audit-core/src/test/resources/dev/imageaudit/core/internal/format/ImageBytesFuzzTestInputs/anyBytesAreJudgedWithinTheCaps"));

  static Stream<Path> images() throws IOException {
    List<Path> all = new ArrayList<>();
    for (Path folder : FOLDERS) {
      try (Stream<Path> files = Files.list(folder)) {
        files.filter(Files::isRegularFile).sorted().forEach(all::add);
      }
    }
    assertThat(all).hasSizeGreaterThan(50);
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void aRealImagesDetailsAreWrittenAsItsMap(Path file) {
    AuditEntry entry = ImageAudit.auditFile(file);
    if (entry instanceof AuditEntry.Image image) {
      assertDetailsAsMap(image);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.imageaudit.core.internal.audit.WorstCases#arguments")
  void theWorstCaseOfEveryFormatIsWrittenAsItsMap(String name, byte[] bytes) throws IOException {
    assertDetailsAsMap(Auditor.judge(name, null, new ByteArraySource(bytes), bytes.length));
  }

  private static void assertDetailsAsMap(AuditEntry.Image image) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(line, null)) {
      JsonSupport.writeEntry(g, image);
    }
    ByteArrayOutputStream map = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(map, null)) {
      JsonSupport.writeValue(g, image.details().toMap());
    }
    String expected = "\"details\":" + map.toString(StandardCharsets.UTF_8) + ",\"bytesRead\":";
    assertThat(line.toString(StandardCharsets.UTF_8)).as(image.path()).contains(expected);
  }
}
