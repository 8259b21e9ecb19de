package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The composite fixtures (fixtures/composite/make.sh builds their bytes from crosvm's proto) read as
 * the script meant them ({@code NAME.expected.txt}), and qemu-img, which has no composite driver,
 * calls them raw.
 */
class CompositeFixturesTest {

  private static final Path FOLDER = Fixtures.ROOT.resolve("composite");
  private static final Pattern COMPONENT = Pattern.compile(
      "component \\d+: file_path=(\\S+) offset=(\\d+) read_write_capability=([01]) file_offset=(\\d+)");

  @ParameterizedTest
  @ValueSource(strings = {"two-components.composite", "version-3.composite"})
  void readsWhatMakeShMeant(String name) throws IOException {
    byte[] bytes = Files.readAllBytes(FOLDER.resolve(name));
    AuditEntry.Image image = Auditor.judge(name, null, new ByteArraySource(bytes), bytes.length);
    String expected = Files.readString(FOLDER.resolve(name + ".expected.txt"));

    assertThat(image.format()).isEqualTo(ImageFormat.COMPOSITE);
    assertThat(String.valueOf(image.details().toMap().get("version"))).isEqualTo(value(expected, "version"));
    assertThat(String.valueOf(image.virtualSize())).isEqualTo(value(expected, "length"));
    List<Map<String, String>> components = new ArrayList<>();
    Matcher m = COMPONENT.matcher(expected);
    while (m.find()) {
      Map<String, String> component = new LinkedHashMap<>();
      component.put("path", m.group(1));
      component.put("offset", m.group(2));
      component.put("readWrite", String.valueOf(m.group(3).equals("1")));
      component.put("fileOffset", m.group(4));
      components.add(component);
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> read = (List<Map<String, Object>>) image.details().toMap().get("components");
    assertThat(read).hasSameSizeAs(components);
    for (int i = 0; i < components.size(); i++) {
      Map<String, Object> got = read.get(i);
      components.get(i).forEach((key, value) -> assertThat(String.valueOf(got.get(key))).as(key).isEqualTo(value));
    }
    assertThat(Fixtures.qemu("composite", name).format()).isEqualTo("raw");
  }

  private static String value(String expected, String key) {
    return expected.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow().substring(key.length() + 1);
  }
}
