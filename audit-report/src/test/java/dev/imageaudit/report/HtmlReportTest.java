package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  static String html(AuditReport report) {
    StringWriter out = new StringWriter();
    HtmlReport.write(report, out);
    return out.toString();
  }

  /** Returns the element that starts with {@code start}, up to its closing {@code end}. */
  static String section(String html, String start, String end) {
    int from = html.indexOf(start);
    assertThat(from).as("%s in the page", start).isNotNegative();
    return html.substring(from, html.indexOf(end, from) + end.length());
  }

  @Test
  void isOneSelfContainedPage() {
    String html = withoutOwnScript(html(Fixtures.report()));
    String lower = html.toLowerCase(Locale.ROOT);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">").endsWith("</html>\n");
    assertThat(lower)
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("src=")
        .doesNotContain("href=")
        .doesNotContain("<link")
        .doesNotContain("<script")
        .doesNotContain("url(")
        .doesNotContain("@import");
    assertThat(html).contains("<style>").contains("default-src 'none'");
  }

  /**
   * Returns {@code html} without the page's own script, after checking that it has exactly one,
   * the template's, whose hash the CSP names: what is left must hold no script at all.
   */
  static String withoutOwnScript(String html) {
    int start = html.indexOf("<script>");
    int end = html.indexOf("</script>", start);
    assertThat(start).as("the page's script").isPositive();
    assertThat(html.indexOf("<script", start + 1)).as("a second script").isEqualTo(-1);
    String script = html.substring(start + "<script>".length(), end);
    try {
      String hash =
          java.util.Base64.getEncoder()
              .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
      assertThat(HtmlReport.SCRIPT_HASH)
          .as("HtmlReport.SCRIPT_HASH, the hash of the template's script: set it to the expected value after an edit of the script")
          .isEqualTo("'sha256-" + hash + "'");
      assertThat(html).contains("script-src &#39;sha256-" + hash.replace("=", "&#61;") + "&#39;");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return html.substring(0, start) + html.substring(end + "</script>".length());
  }

  @Test
  void templateHasNoUnescapedTags() throws IOException {
    String template;
    try (InputStream in = HtmlReport.class.getResourceAsStream("report.mustache")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(template).doesNotContain("{{{").doesNotContain("{{&").doesNotContain("{{=");
  }

  @Test
  void headerShowsVersionTimesInputsAndIncompleteWhenThereAreErrors() {
    String html = html(Fixtures.report());
    String header = section(html, "<header>", "</header>");
    assertThat(header)
        .contains(Fixtures.VERSION)
        .contains("2026-01-02T03:04:05Z")
        .contains("2026-01-02T03:04:07.250Z")
        .contains("<code>store</code>")
        .contains("<code>fd:3</code>")
        .contains("INCOMPLETE")
        .contains("2.25 s");
  }

  @Test
  void aRunWithoutErrorsIsComplete() {
    String html = html(Fixtures.report(List.of(Fixtures.raw("a.img", 1)), List.of("a.img")));
    assertThat(html).doesNotContain("INCOMPLETE").contains("status complete");
  }

  @Test
  void summaryCardsShowTheCounts() {
    String cards = section(html(Fixtures.report()), "<section class=\"cards\"", "</section>");
    assertThat(cards)
        .contains("<div class=\"value\">6</div><div class=\"label\">Files</div>")
        .contains("<div class=\"value\">2</div><div class=\"label\">Flagged</div>")
        .contains("<div class=\"value\">2</div><div class=\"label\">Rejected partitions</div>")
        .contains("<div class=\"value\">1</div><div class=\"label\">Errors</div>")
        .contains("<div class=\"value\">1</div><div class=\"label\">Skipped</div>");
  }

  @Test
  void chartHasOneBarPerFormatScaledToTheLargest() {
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      entries.add(Fixtures.raw("raw-" + i + ".img", 1));
    }
    entries.add(
        new AuditEntry.Image(
            "a.qcow2", null, ImageFormat.QCOW2, 1, U64.ZERO, null, dev.imageaudit.core.Verdict.rejected("no"),
            dev.imageaudit.core.Verdict.accepted(),
            java.util.Set.of(), ImageDetails.recorded(Map.of()), 1));
    String svg = section(html(Fixtures.report(entries, List.of())), "<svg", "</svg>");

    Matcher bar = Pattern.compile("<text[^>]*>([^<]*)</text><rect [^>]*width=\"(\\d+)\"").matcher(svg);
    List<String> bars = new ArrayList<>();
    while (bar.find()) {
      bars.add(bar.group(1) + "=" + bar.group(2));
    }
    assertThat(bars).containsExactly("qcow2=" + HtmlView.BAR_MAX / 4, "raw=" + HtmlView.BAR_MAX);
    assertThat(svg).doesNotContain("xmlns");
  }

  @Test
  void chartOfFourFormatsHasFourBars() {
    String svg = section(html(Fixtures.report()), "<svg", "</svg>");
    assertThat(Pattern.compile("<rect ").matcher(svg).results().count()).isEqualTo(4);
    assertThat(svg).contains(">android-sparse</text>").contains(">composite</text>").contains(">qcow2</text>").contains(">raw</text>");
  }

  @Test
  void rejectedTableListsRejectedImagesWithTheirReasons() {
    String table = section(html(Fixtures.report()), "<table class=\"rejected\">", "</table>");
    assertThat(table)
        .contains("<td class=\"path\">store/disk.qcow2</td><td>qcow2</td><td>unsupported partition image type: Qcow2</td>")
        .contains("store/composite.img")
        .doesNotContain(Fixtures.RAW)
        .doesNotContain(Fixtures.SPARSE);
  }

  @Test
  void errorAndSkippedTablesListTheirEntries() {
    String html = html(Fixtures.report());
    assertThat(section(html, "<table class=\"errors\">", "</table>"))
        .contains("fd:3<span class=\"target\">&rarr; /dev/sdz</span></td><td>io-error</td><td>Input/output error</td>");
    assertThat(section(html, "<table class=\"skipped\">", "</table>"))
        .contains("<td class=\"path\">store/link.img</td><td>symlink</td>");
  }

  @Test
  void imagesTableShowsExactSizesWithAHumanForm() {
    String table = section(html(Fixtures.report()), "<table class=\"images\">", "</table>");
    assertThat(table)
        .contains("67108864 (64 MiB)")
        .contains("18446744073709551615 (16 EiB)")
        .contains("4294967296 (4 GiB)")
        .contains("196616 (192 KiB)")
        .contains("unsupported-partition-image");
    assertThat(Pattern.compile("<tr><td class=\"path\">").matcher(table).results().count()).isEqualTo(4);
  }

  @Test
  void crosvmsWholeDiskVerdictHasItsColumnAndItsTable() {
    String html = html(Fixtures.report());
    String rejected = section(html, "<table class=\"crosvm-rejected\">", "</table>");
    assertThat(Pattern.compile("<tr><td class=\"path\">").matcher(rejected).results().count()).isEqualTo(1);
    assertThat(rejected).contains(Fixtures.QCOW2)
        .contains("qcow2: virtual size 18446744073709551615 is over crosvm&#39;s limit of 2^44 bytes (16 TiB)");
    String images = section(html, "<table class=\"images\">", "</table>");
    assertThat(images).contains("<th>crosvm</th>")
        .contains("<td class=\"refused\">rejected<span class=\"reason\">qcow2: virtual size")
        .contains("<td>accepted</td>");
  }

  @Test
  void emptySectionsSayNone() {
    String html = html(Fixtures.report(List.of(), List.of()));
    // Two charts, four problem groups (kind, reason, format, folder), six tables.
    assertThat(Pattern.compile("<p class=\"none\">None</p>").matcher(html).results().count()).isEqualTo(12);
    assertThat(html).doesNotContain("<svg").doesNotContain("<table");
  }

  @Test
  void onlyEmptySectionsSayNone() {
    String html =
        html(Fixtures.report(List.of(new AuditEntry.Skipped("p", null, SkipReason.SOCKET)), List.of()));
    // A skip is no problem: everything but the skipped table is empty.
    assertThat(Pattern.compile("<p class=\"none\">None</p>").matcher(html).results().count()).isEqualTo(11);
    assertThat(html).contains("<table class=\"skipped\">");
  }

  @Test
  void vmConfigsSectionShowsDisksAndFindings() {
    String html = html(Fixtures.report());
    String section = section(html, "<h2 id=\"configs\">VM configs</h2>", "<h2 id=\"images\">");
    assertThat(section)
        .contains("<h3><code>configs/vm.json</code><span class=\"counts\">1 error, 1 warning</span></h3>")
        .contains("<h3><code>configs/gone.json</code> <span class=\"status incomplete\">UNREADABLE</span>")
        .contains("<td class=\"path\">composite disk of 2 partitions</td><td></td><td class=\"num\">134283264 (128.1 MiB)</td>")
        .contains("<td>no</td><td class=\"path\">system &larr; store/system.simg</td><td>android-sparse</td>")
        .contains("<td class=\"path\">store/disk.qcow2</td><td>qcow2</td><td class=\"num\">\u2014</td>")
        .contains("<td class=\"error\">error</td><td><code>invalid-config</code></td><td>disk 1</td>"
            + "<td>&#96;disks[1].writable&#96; is missing; vm run requires it</td>")
        .contains("<td class=\"warning\">warning</td><td><code>relative-paths</code></td><td>config</td>")
        .contains("<li>store/system.simg</li><li>store/raw.img</li>")
        .contains("cannot read the config: no such file or directory");
    assertThat(section(html, "<section class=\"cards\"", "</section>"))
        .contains("<div class=\"card alert\"><div class=\"value\">2</div><div class=\"label\">VM config errors</div>");
  }

  @Test
  void withoutConfigsThereIsNoConfigSectionNorCard() {
    String html = html(Fixtures.report(Fixtures.entries(), List.of("store")));
    assertThat(html).doesNotContain("VM config");
  }

  @Test
  void configNamesAndMessagesAreEscaped() {
    VmConfigAudit hostile =
        new VmConfigAudit(
            "<b>cfg</b>.json", true,
            List.of(new VmConfigAudit.Disk(0, false, null, null,
                List.of(new VmConfigAudit.Partition("<script>x</script>", "a&b.img", false, null, null)), null)),
            List.of(new VmConfigAudit.Finding(ConfigRule.MISSING_FILE, "\"a&b.img\" <i>gone</i>\u202e", 0,
                "<script>x</script>", List.of("a&b.img"))));
    String html = withoutOwnScript(html(Fixtures.report(List.of(), List.of(), List.of(hostile))));
    assertThat(html)
        .doesNotContain("<script>").doesNotContain("<b>cfg").doesNotContain("<i>gone")
        .contains("&lt;b&gt;cfg&lt;/b&gt;.json")
        .contains("&lt;script&gt;x&lt;/script&gt; &larr; a&amp;b.img")
        .contains("&lt;i&gt;gone&lt;/i&gt;&lt;U+202E&gt;");
  }

  @Test
  void theComplianceParts() {
    StringWriter out = new StringWriter();
    HtmlReport.write(Fixtures.report(), out, PolicyGate.of(Fixtures.policy(), Fixtures.CLOCK), Fixtures.provenance());
    String html = out.toString();
    // The banner comes first in the body, with the verdict and its reasons.
    assertThat(html.indexOf("<section id=\"verdict\" class=\"verdict incomplete\"")).isLessThan(html.indexOf("<header>"));
    assertThat(section(html, "<section id=\"verdict\"", "</section>"))
        .contains(">INCOMPLETE<")
        .contains("<li>1 path could not be audited</li>")
        .contains("<li>1 image carries crosvm-unsupported</li>")
        .contains("expired on 2025-12-31 (owner vm-team)");
    assertThat(html)
        .contains("<dt>host</dt><dd>build-host</dd>")
        .contains("image-audit scan --policy policy.yaml store --fd 3")
        .contains("sha256:0000000000000000000000000000000000000000000000000000000000000000");
    String waivers = section(html, "<table class=\"waivers\">", "</table>");
    assertThat(waivers)
        .contains("<td class=\"used\">used</td>")
        .contains("<td class=\"unused\">unused</td>")
        .contains("<td class=\"expired\">expired</td>");
    assertThat(section(html, "<table class=\"waived\">", "</table>"))
        .contains("<td class=\"path\">store/composite.img</td><td><code>unsupported-partition-image</code></td><td class=\"num\">#0</td>")
        .contains("legacy VM boots it through crosvm");
    assertThat(html).contains("@media print").contains("<input id=\"filter\" type=\"search\"");
  }

  @Test
  void withoutWaiversThereIsNoWaiverSection() {
    String html = html(Fixtures.report());
    assertThat(html).doesNotContain("id=\"waivers\"").doesNotContain("id=\"waived\"").contains("class=\"verdict incomplete\"");
  }
}
