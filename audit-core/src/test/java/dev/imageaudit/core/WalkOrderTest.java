package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** WalkOrder is the order the walk really yields, names that are not UTF-8 included. */
@EnabledOnOs(OS.LINUX)
class WalkOrderTest {

  @TempDir Path dir;

  @Test
  void aRealWalkIsInWalkOrder() throws Exception {
    NamesAsBytesTest.sh(dir, "mkdir store && cd store"
        + " && mkdir a a/b d \"$(printf 'e\\377')\" && : > a.c && : > a/b/x && : > a/b.c && : > a/a && : > B"
        + " && : > \"$(printf 'caf\\303\\251')\" && : > \"$(printf 'e\\377/in')\" && : > e && : > 'a-' && : > d/z"
        + " && : > \"$(printf 'x\\001y')\" && : > ' space'");
    List<AuditEntry> entries =
        ImageAudit.scan(List.of(new AuditInput.PathInput(dir.resolve("store"))), ScanOptions.defaults()).collectList().block();
    List<byte[]> walked = new ArrayList<>();
    entries.forEach(e -> walked.add(WalkOrder.bytes(e)));
    assertThat(walked).hasSize(12);
    for (int i = 1; i < walked.size(); i++) {
      assertThat(WalkOrder.compare(walked.get(i - 1), walked.get(i)))
          .as("%s before %s", entries.get(i - 1).path(), entries.get(i).path())
          .isNegative();
      assertThat(WalkOrder.compare(walked.get(i), walked.get(i - 1))).isPositive();
      assertThat(WalkOrder.compare(walked.get(i), walked.get(i))).isZero();
    }
    // The case a whole-path byte comparison gets wrong: a/b/x is walked before a.c.
    String s = dir.resolve("store").toString();
    List<String> paths = entries.stream().map(AuditEntry::path).toList();
    assertThat(paths.indexOf(s + "/a/b/x")).isLessThan(paths.indexOf(s + "/a.c"));
  }

  @Test
  void componentsCompareAsUnsignedBytesAndParentsComeFirst() {
    assertThat(WalkOrder.compare(b("a/b"), b("a.c"))).isNegative();
    assertThat(WalkOrder.compare(b("a"), b("a/b"))).isNegative();
    assertThat(WalkOrder.compare(b("z"), b("caf\u00e9"))).isPositive();
    assertThat(WalkOrder.compare(b("caf\u00e9"), b("cafe"))).isPositive();
    assertThat(WalkOrder.compare(b("x/ab"), b("x/a"))).isPositive();
    assertThat(WalkOrder.compare(b("x//a"), b("x/a"))).isZero();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
