package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** report.sarif, report.junit.xml and report.csv: valid for the tools that read them, and safe whatever the names. */
class ToolFormatsTest {

  @TempDir Path tmp;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Names a spreadsheet would run as formulas, or that break naive CSV and XML writers. */
  static final List<String> HOSTILE =
      List.of(
          "store/=HYPERLINK(\"http://x\",\"y\").img",
          "+1+1.img",
          "-2.img",
          "@SUM(A1).img",
          "\tcmd.img",
          "\rcr.img",
          "store/a,b \"quoted\"\nnewline.img",
          "store/ctl\u0001\u001f-\uFFFE.img",
          "store/<tag> & 'x'.img");

  static AuditReport hostileReport() {
    List<AuditEntry> entries = new ArrayList<>(Fixtures.entries());
    for (String name : HOSTILE) {
      entries.add(flagged(name, Flag.BACKING_FILE));
    }
    // A name that is not UTF-8: its bytes in pathBytes.
    byte[] raw = {'s', 't', 'o', 'r', 'e', '/', (byte) 0xff, ' ', '%', '.', 'i', 'm', 'g'};
    entries.add(flagged("store/\\xFF %.img", Flag.DIRTY).withPathBytes(Base64.getEncoder().encodeToString(raw)));
    entries.add(new AuditEntry.Failed("/abs/dir/gone ü.img", null, ErrorKind.ACCESS_DENIED, "Permission denied"));
    return Fixtures.report(entries, List.of("store", Fixtures.FD, Fixtures.CONFIG, Fixtures.GONE), Fixtures.configs());
  }

  static AuditEntry.Image flagged(String path, Flag flag) {
    return new AuditEntry.Image(
        path, null, ImageFormat.QCOW2, 1024, U64.of(1 << 20), null, Verdict.rejected("qcow2"), Verdict.accepted(),
        Set.of(flag), ImageDetails.recorded(Map.of()), 512);
  }

  private ReportSet.Written write(AuditReport report, Set<ReportFormat> formats) throws IOException {
    Path out = tmp.resolve("out");
    try (ReportSet set =
        ReportSet.create(
            out, AuditMetrics.create(), null, RunAggregates.Limits.DEFAULT, Renames::exchange,
            ReportSet.Settings.of(formats, EnumSet.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY)))) {
      set.begin(Runs.start(report));
      for (AuditEntry entry : report.entries()) {
        set.entry(entry);
      }
      set.end(Runs.start(report), Runs.end(report));
      return set.commit();
    }
  }

  @Test
  void onlyTheFormatsAskedForAreWrittenAndReportJsonAloneLeavesNoJsonl() throws IOException {
    ReportSet.Written written = write(hostileReport(), EnumSet.of(ReportFormat.JSON, ReportFormat.CSV));
    assertThat(ReportSetTest.names(written.folder()))
        .containsExactly(".image-audit", "report.csv", "report.json");
    assertThat(written.files()).containsExactly(written.folder().resolve("report.json"), written.folder().resolve("report.csv"));
    assertThat(JSON.readTree(written.json().toFile()).get("images").size()).isEqualTo(hostileReport().entries().size());
  }

  @Test
  void sarifIsValidAgainstTheOfficialSchema() throws IOException {
    ReportSet.Written written = write(hostileReport(), EnumSet.of(ReportFormat.SARIF));
    Path sarif = written.folder().resolve("report.sarif");
    JsonNode doc = JSON.readTree(sarif.toFile());

    Schema schema;
    try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
    }
    List<Error> errors = schema.validate(doc);
    assertThat(errors).isEmpty();
    // The validator does see a broken document: the same with a level SARIF does not know.
    String broken = Files.readString(sarif).replaceFirst("\"level\": \"warning\"", "\"level\": \"severe\"");
    assertThat(broken).contains("severe");
    assertThat(schema.validate(JSON.readTree(broken))).isNotEmpty();

    // The schema accepts an empty file too: check the content.
    JsonNode run = doc.get("runs").get(0);
    JsonNode rules = run.get("tool").get("driver").get("rules");
    assertThat(rules.size()).isEqualTo(Flag.values().length + dev.imageaudit.core.ConfigRule.values().length + 1);
    assertThat(rules.get(0).get("id").asString()).isEqualTo("flag/unsupported-partition-image");
    JsonNode results = run.get("results");
    // 3 flags on the fixture images, one per hostile name, the non-UTF-8 name, 2 failures, 3 config findings.
    assertThat(results.size()).isEqualTo(3 + HOSTILE.size() + 1 + 2 + 3);
    for (JsonNode result : results) {
      int index = result.get("ruleIndex").asInt();
      assertThat(rules.get(index).get("id").asString()).isEqualTo(result.get("ruleId").asString());
    }
    List<String> uris = new ArrayList<>();
    results.forEach(r -> uris.add(r.at("/locations/0/physicalLocation/artifactLocation/uri").asString()));
    assertThat(uris)
        .contains(
            "store/disk.qcow2",
            "store/a%2Cb%20%22quoted%22%0Anewline.img",
            "store/%FF%20%25.img",
            "file:///abs/dir/gone%20%C3%BC.img",
            "file:///dev/sdz");
    JsonNode dirty = find(results, "flag/dirty");
    assertThat(dirty.get("level").asString()).isEqualTo("error");
    assertThat(find(results, "flag/backing-file").get("level").asString()).isEqualTo("warning");
    assertThat(dirty.at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asString()).isEqualTo("%SRCROOT%");
    assertThat(run.at("/originalUriBaseIds/%SRCROOT%/uri").asString()).startsWith("file:///").endsWith("/");
    assertThat(run.at("/invocations/0/executionSuccessful").asBoolean()).isFalse();
  }

  private static JsonNode find(JsonNode results, String ruleId) {
    for (JsonNode r : results) {
      if (r.get("ruleId").asString().equals(ruleId)) {
        return r;
      }
    }
    throw new AssertionError("no result for " + ruleId);
  }

  @Test
  void junitParsesWithOneTestCasePerRuleAndFailuresCapped() throws Exception {
    List<AuditEntry> entries = new ArrayList<>(hostileReport().entries());
    for (int i = 0; i < JunitOutput.MAX_LISTED + 7; i++) {
      entries.add(flagged(String.format("store/many/%04d.img", i), Flag.DIRTY));
    }
    AuditReport report = Fixtures.report(entries, List.of("store"), Fixtures.configs());
    ReportSet.Written written = write(report, EnumSet.of(ReportFormat.JUNIT));

    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = factory.newDocumentBuilder().parse(written.folder().resolve("report.junit.xml").toFile());
    NodeList suites = doc.getElementsByTagName("testsuite");
    assertThat(suites.getLength()).isEqualTo(1);
    Element suite = (Element) suites.item(0);
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(Rules.ALL.size());
    assertThat(suite.getAttribute("tests")).isEqualTo(Integer.toString(Rules.ALL.size()));

    Element dirty = testCase(cases, "dirty");
    Element failure = (Element) dirty.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message")).startsWith((JunitOutput.MAX_LISTED + 8) + " images");
    assertThat(failure.getTextContent()).contains("store/\\xFF %.img (qcow2)").endsWith("... and 8 more (see report.jsonl)\n");
    assertThat(failure.getTextContent().lines().count()).isEqualTo(JunitOutput.MAX_LISTED + 1);

    // Not in --fail-on: listed, not failed.
    Element backing = testCase(cases, "backing-file");
    assertThat(backing.getElementsByTagName("failure").getLength()).isZero();
    String listed = backing.getElementsByTagName("system-out").item(0).getTextContent();
    assertThat(listed)
        .contains("store/<tag> & 'x'.img")
        .contains("store/ctl\\x01\\x1F-\\uFFFE.img")
        .contains("store/a,b \"quoted\"\nnewline.img");

    // Errors and config errors fail; warnings do not; clean rules are plain passes.
    assertThat(testCase(cases, "unreadable-path").getElementsByTagName("failure").getLength()).isOne();
    assertThat(testCase(cases, "invalid-config").getElementsByTagName("failure").getLength()).isOne();
    assertThat(testCase(cases, "relative-paths").getElementsByTagName("failure").getLength()).isZero();
    assertThat(testCase(cases, "encrypted").getChildNodes().getLength()).isZero();
    // dirty, unsupported-partition-image (flag), unreadable-path, invalid-config, config-unreadable.
    assertThat(suite.getAttribute("failures")).isEqualTo("5");
  }

  private static Element testCase(NodeList cases, String name) {
    for (int i = 0; i < cases.getLength(); i++) {
      Element e = (Element) cases.item(i);
      if (e.getAttribute("name").equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no test case " + name);
  }

  @Test
  void csvQuotesAsRfc4180AndDefusesFormulas() throws IOException {
    ReportSet.Written written = write(hostileReport(), EnumSet.of(ReportFormat.CSV));
    String csv = Files.readString(written.folder().resolve("report.csv"), StandardCharsets.UTF_8);
    List<List<String>> rows = parseCsv(csv);
    assertThat(rows.get(0)).containsExactly(CsvOutput.HEADER);
    assertThat(rows).hasSize(1 + hostileReport().entries().size());
    for (List<String> row : rows) {
      assertThat(row).hasSize(CsvOutput.HEADER.length);
      for (String cell : row) {
        assertThat(cell).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@")
            .doesNotStartWith("\t").doesNotStartWith("\r");
      }
    }
    List<String> paths = rows.stream().map(r -> r.get(0)).toList();
    assertThat(paths)
        .contains(
            "store/=HYPERLINK(\"http://x\",\"y\").img",
            "'+1+1.img",
            "'-2.img",
            "'@SUM(A1).img",
            "'\tcmd.img",
            "'\rcr.img",
            "store/a,b \"quoted\"\nnewline.img");
    assertThat(csv).contains("\"'\rcr.img\"").contains("\"store/a,b \"\"quoted\"\"\nnewline.img\"");
    List<String> qcow = rows.get(1);
    assertThat(qcow.subList(3, 9)).containsExactly("image", "qcow2", "196616", "18446744073709551615", "", "rejected");
    assertThat(qcow.get(12)).isEqualTo("unsupported-partition-image crosvm-unsupported");
    List<String> failure = rows.stream().filter(r -> r.get(0).equals("fd:3")).findFirst().orElseThrow();
    assertThat(failure.subList(2, 4)).containsExactly("/dev/sdz", "error");
    assertThat(failure.subList(14, 16)).containsExactly("io-error", "Input/output error");
    assertThat(csv.split("\r\n", -1)[0]).isEqualTo(String.join(",", CsvOutput.HEADER));
  }

  @Test
  void csvCellDefusesEveryFormulaLead() {
    assertThat(CsvOutput.cell("=1+2")).isEqualTo("'=1+2");
    assertThat(CsvOutput.cell("+1")).isEqualTo("'+1");
    assertThat(CsvOutput.cell("-1")).isEqualTo("'-1");
    assertThat(CsvOutput.cell("@x")).isEqualTo("'@x");
    assertThat(CsvOutput.cell("\tx")).isEqualTo("'\tx");
    assertThat(CsvOutput.cell("\rx")).isEqualTo("\"'\rx\"");
    assertThat(CsvOutput.cell("=a,b")).isEqualTo("\"'=a,b\"");
    assertThat(CsvOutput.cell("a=b")).isEqualTo("a=b");
    assertThat(CsvOutput.cell("")).isEmpty();
    assertThat(CsvOutput.cell(null)).isEmpty();
    assertThat(CsvOutput.cell("x\uD800y")).isEqualTo("x\uFFFDy");
  }

  /** A strict RFC 4180 reader: fields separated by commas, rows by CRLF, quoted fields may hold anything. */
  static List<List<String>> parseCsv(String csv) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (i < csv.length()) {
      if (csv.charAt(i) == '"') {
        i++;
        while (true) {
          char c = csv.charAt(i++);
          if (c == '"') {
            if (i < csv.length() && csv.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
      } else {
        while (i < csv.length() && csv.charAt(i) != ',' && csv.charAt(i) != '\r') {
          assertThat(csv.charAt(i)).as("unquoted field holds no quote or LF").isNotIn('"', '\n');
          field.append(csv.charAt(i++));
        }
      }
      row.add(field.toString());
      field.setLength(0);
      if (i < csv.length() && csv.charAt(i) == ',') {
        i++;
      } else {
        assertThat(csv.substring(i, i + 2)).isEqualTo("\r\n");
        i += 2;
        rows.add(row);
        row = new ArrayList<>();
      }
    }
    return rows;
  }
}
