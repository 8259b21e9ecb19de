package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.SkipReason;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** File names are attacker-controlled in real stores: they must come out exact in JSON and inert in HTML. */
class HostileNamesTest {

  static final String SCRIPT = "<script>alert(1)</script>.img";
  static final String QUOTES = "a\"b'c&d.img";
  static final String NEWLINE = "x\ny.img";
  static final String CONTROL = "ctl\u0001\u001f\u007f.img";
  static final String UNICODE = "ünï©ødé.img";
  static final String BIDI = "invoice\u202Egpj.exe";
  static final List<String> NAMES = List.of(SCRIPT, QUOTES, NEWLINE, CONTROL, UNICODE, BIDI);

  /** Each name as an image, and also as a skip, a failure and a failure message. */
  static AuditReport report() {
    List<AuditEntry> entries = new ArrayList<>();
    for (String name : NAMES) {
      entries.add(Fixtures.raw(name, 1024));
      entries.add(new AuditEntry.Skipped("skip/" + name, name, SkipReason.FIFO));
      entries.add(new AuditEntry.Failed("fail/" + name, null, ErrorKind.ACCESS_DENIED, "cannot open " + name));
    }
    return Fixtures.report(entries, List.of(SCRIPT));
  }

  static String html(AuditReport report) {
    StringWriter out = new StringWriter();
    HtmlReport.write(report, out);
    return out.toString();
  }

  @Test
  void htmlEscapesEveryName() {
    String html = HtmlReportTest.withoutOwnScript(html(report()));
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("alert(1)</script>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;.img")
        .contains("a&quot;b&#39;c&amp;d.img")
        .doesNotContain("a\"b'c&d")
        .contains(UNICODE);
  }

  @Test
  void htmlShowsControlAndBidiCharactersVisibly() {
    String html = html(report());
    assertThat(html)
        .contains("x\u240Ay.img")
        .contains("ctl\u2401\u241F\u2421.img")
        .contains("invoice&lt;U+202E&gt;gpj.exe")
        .doesNotContain("\u0001")
        .doesNotContain("\u202E")
        .doesNotContain("x\ny.img");
  }

  @Test
  void jsonKeepsEveryNameExactlyAndHasNoRawControlCharacter() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonReport.write(report(), out);
    String text = out.toString(StandardCharsets.UTF_8);
    // Pretty-printing puts line feeds between tokens; nothing else below U+0020 may appear raw.
    assertThat(text.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    assertThat(text).contains("\"x\\ny.img\"").contains("ctl\\u0001\\u001F").contains(UNICODE);

    JsonNode root = JsonReportTest.MAPPER.readTree(text);
    List<String> paths = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (JsonNode image : root.get("images")) {
      paths.add(image.get("path").stringValue());
      if (!image.get("target").isNull()) {
        targets.add(image.get("target").stringValue());
      }
      if (!image.get("error").isNull()) {
        messages.add(image.at("/error/message").stringValue());
      }
    }
    List<String> expected = new ArrayList<>();
    for (String name : NAMES) {
      expected.add(name);
      expected.add("skip/" + name);
      expected.add("fail/" + name);
    }
    assertThat(paths).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(targets).containsExactlyInAnyOrderElementsOf(NAMES);
    assertThat(messages).containsExactlyInAnyOrderElementsOf(NAMES.stream().map(n -> "cannot open " + n).toList());
    assertThat(root.get("inputs").get(0).stringValue()).isEqualTo(SCRIPT);
  }

  @Test
  void aNewlineInANameNeverSplitsAJsonLine() {
    AuditReport report = report();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesReport.write(report, out);
    String text = out.toString(StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    // One line per entry, then the summary record.
    assertThat(lines).hasSize(report.entries().size() + 1);
    assertThat(JsonReportTest.MAPPER.readTree(lines[lines.length - 1]).get("record").stringValue()).isEqualTo("summary");
    for (int i = 0; i < lines.length - 1; i++) {
      assertThat(JsonReportTest.MAPPER.readTree(lines[i]).get("path").stringValue())
          .isEqualTo(report.entries().get(i).path());
    }
  }

  @Test
  void anUnpairedSurrogateBecomesAReplacementCharacterInsteadOfFailingTheReport() {
    AuditReport report = Fixtures.report(List.of(Fixtures.raw("bad\uD800name.img", 1)), List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonReport.write(report, out);
    JsonNode image = JsonReportTest.MAPPER.readTree(out.toByteArray()).get("images").get(0);
    assertThat(image.get("path").stringValue()).isEqualTo("bad\uFFFDname.img");
    // A well-formed pair outside the BMP is kept as it is.
    assertThat(JsonSupport.wellFormed("a\uD83D\uDCBEb")).isEqualTo("a\uD83D\uDCBEb");
    assertThat(JsonSupport.wellFormed("\uDCBEa\uD83D")).isEqualTo("\uFFFDa\uFFFD");
  }

  @Test
  void unpairedSurrogatesAreReplacedInDetailsAndInLongPathsToo() {
    // A path longer than the array strings are checked in, and details whose keys and values carry
    // unpaired surrogates (a VHDX parent locator's key is read from the image): each is replaced, a
    // well-formed pair is kept, and the same key written twice comes out the same.
    String longPath = "/" + "d".repeat(2000) + "/\uD83D\uDCBE\uDC00.img";
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("locator\uD800", "value\uDBFF");
    details.put("pair\uD83D\uDCBE", List.of("x\uDC00", "y"));
    AuditEntry.Image odd = Fixtures.raw(longPath, 1);
    AuditEntry.Image withDetails = new AuditEntry.Image(odd.path(), null, odd.format(), odd.fileSize(), odd.virtualSize(),
        odd.partitionSize(), odd.partition(), odd.disk(), odd.flags(), ImageDetails.recorded(details), odd.bytesRead());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesReport.write(Fixtures.report(List.of(withDetails, withDetails), List.of()), out);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < 2; i++) {
      JsonNode image = JsonReportTest.MAPPER.readTree(lines[i]);
      assertThat(image.get("path").stringValue()).isEqualTo("/" + "d".repeat(2000) + "/\uD83D\uDCBE\uFFFD.img");
      assertThat(image.get("details").get("locator\uFFFD").stringValue()).isEqualTo("value\uFFFD");
      assertThat(image.get("details").get("pair\uD83D\uDCBE").get(0).stringValue()).isEqualTo("x\uFFFD");
    }
  }
}
