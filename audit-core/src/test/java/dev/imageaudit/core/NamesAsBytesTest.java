package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** File names are bytes: names that are not UTF-8 are walked, opened and reported exactly. */
@EnabledOnOs(OS.LINUX)
class NamesAsBytesTest {

  @TempDir Path dir;

  static void sh(Path in, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(in.toFile()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }

  private static String bytesOf(AuditEntry e) {
    return e.pathBytes() == null ? null : new String(Base64.getDecoder().decode(e.pathBytes()), StandardCharsets.ISO_8859_1);
  }

  @Test
  void twoNamesThatDifferOnlyInInvalidBytesAreTwoExactEntries() throws Exception {
    sh(dir, "mkdir store && cd store"
        + " && printf 'QFI\\373' > \"$(printf 'disk-\\377')\""
        + " && : > \"$(printf 'disk-\\376')\""
        + " && mkdir \"$(printf 'dir-\\351')\" && : > \"$(printf 'dir-\\351/inner.img')\""
        + " && : > 'caf\u00e9.img'");
    Path store = dir.resolve("store");
    List<AuditEntry> entries = ImageAudit.scan(List.of(new AuditInput.PathInput(store)), ScanOptions.defaults())
        .collectList().block();
    Map<String, AuditEntry> byPath = entries.stream().collect(Collectors.toMap(AuditEntry::path, e -> e));
    String s = store.toString();
    assertThat(byPath).containsOnlyKeys(
        s + "/caf\u00e9.img", s + "/dir-\\xe9/inner.img", s + "/disk-\\xfe", s + "/disk-\\xff");

    // Valid UTF-8 (even non-ASCII) needs no bytes; the others carry theirs exactly.
    assertThat(byPath.get(s + "/caf\u00e9.img").pathBytes()).isNull();
    assertThat(bytesOf(byPath.get(s + "/disk-\\xff"))).isEqualTo(latin1(s) + "/disk-\u00ff");
    assertThat(bytesOf(byPath.get(s + "/disk-\\xfe"))).isEqualTo(latin1(s) + "/disk-\u00fe");
    assertThat(bytesOf(byPath.get(s + "/dir-\\xe9/inner.img"))).isEqualTo(latin1(s) + "/dir-\u00e9/inner.img");

    // Each was opened by its own bytes: one is the qcow2, the other the empty raw file.
    assertThat(((AuditEntry.Image) byPath.get(s + "/disk-\\xff")).format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(((AuditEntry.Image) byPath.get(s + "/disk-\\xfe")).format()).isEqualTo(ImageFormat.RAW);
  }

  private static String latin1(String utf8Path) {
    return new String(utf8Path.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
