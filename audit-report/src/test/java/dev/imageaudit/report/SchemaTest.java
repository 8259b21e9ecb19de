package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ScanOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** docs/schema/ checked against real outputs: the golden run, a scan of the example store, policies. */
class SchemaTest {

  private static final String BASE = "https://image-audit.invalid/schema/";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Schema report;
  private static Schema line;
  private static Schema policy;

  @TempDir Path tmp;

  static Path repo() {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return basedir.resolve("..").normalize();
  }

  @BeforeAll
  static void load() throws IOException {
    Path dir = repo().resolve("docs/schema");
    Map<String, String> schemas =
        Map.of(
            BASE + "report.schema.json", Files.readString(dir.resolve("report.schema.json")),
            BASE + "report-jsonl.schema.json", Files.readString(dir.resolve("report-jsonl.schema.json")),
            BASE + "policy.schema.json", Files.readString(dir.resolve("policy.schema.json")));
    // Only these three: a $ref anywhere else would be a fetch, and none must happen.
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(schemas));
    report = registry.getSchema(SchemaLocation.of(BASE + "report.schema.json"));
    line = registry.getSchema(SchemaLocation.of(BASE + "report-jsonl.schema.json"));
    policy = registry.getSchema(SchemaLocation.of(BASE + "policy.schema.json"));
  }

  private static List<String> errors(Schema schema, JsonNode node) {
    return schema.validate(node).stream().map(Error::toString).toList();
  }

  @Test
  void theGoldenReportMatchesItsSchema() throws IOException {
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/report.json")) {
      golden = JSON.readTree(in);
    }
    assertThat(errors(report, golden)).isEmpty();
    // The twin is there (a u64 past 2^53) and in the schema.
    assertThat(golden.get("images").get(0).has("virtualSizeExact")).isTrue();
  }

  @Test
  void aReportThatBreaksTheContractDoesNot() throws IOException {
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/report.json")) {
      golden = JSON.readTree(in);
    }
    ObjectNode bad = (ObjectNode) golden.deepCopy();
    bad.put("verdict", "maybe");
    ((ObjectNode) bad.get("images").get(2)).remove("failing");
    ((ObjectNode) bad.get("images").get(0)).put("virtualSizeExact", "-1");
    assertThat(errors(report, bad)).hasSize(3);
  }

  @Test
  void aScanOfTheExampleStoreWritesReportsThatMatchTheSchemas() throws Exception {
    Path store = repo().resolve("examples/image-store");
    Path configs = repo().resolve("examples/vm-configs");
    List<AuditInput> inputs = new java.util.ArrayList<>();
    inputs.add(new AuditInput.PathInput(store));
    try (var files = Files.list(configs)) {
      files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> inputs.add(new AuditInput.VmConfig(f)));
    }
    Policy withWaivers =
        Policy.read(repo().resolve("examples/policy/policy.yaml"));
    Path out = tmp.resolve("out");
    Provenance provenance =
        new Provenance(Provenance.hostName(), Provenance.userName(), List.of(store.toString()), "test", "unknown",
            List.of("image-audit", "scan"));
    try (ReportSet set =
        ReportSet.create(out, AuditMetrics.create(), PolicyGate.of(withWaivers, java.time.Clock.systemUTC()), provenance)) {
      ImageAudit.run(inputs, ScanOptions.builder().headSha256For(withWaivers.headSha256Flags()).build(), set).block();
      set.commit();
    }
    JsonNode json = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(errors(report, json)).isEmpty();
    assertThat(json.get("images").size()).isGreaterThan(5);
    assertThat(json.get("configs").size()).isEqualTo(inputs.size() - 1);
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"), StandardCharsets.UTF_8);
    for (String text : lines) {
      assertThat(errors(line, JSON.readTree(text))).as(text).isEmpty();
    }
    assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("record").stringValue()).isEqualTo("summary");

    // Again, compared with the first run as a baseline: the changes section matches too.
    Path again = tmp.resolve("again");
    try (ReportSet set =
        ReportSet.builder(again, AuditMetrics.create())
            .policy(PolicyGate.of(withWaivers, java.time.Clock.systemUTC()))
            .provenance(provenance)
            .baseline(out)
            .create()) {
      ImageAudit.run(inputs, ScanOptions.builder().headSha256For(withWaivers.headSha256Flags()).build(), set).block();
      set.commit();
    }
    JsonNode compared = JSON.readTree(again.resolve("report.json").toFile());
    assertThat(compared.get("changes").get("counts").get("unchanged").asLong()).isEqualTo(json.get("images").size());
    assertThat(errors(report, compared)).isEmpty();
    List<String> comparedLines = Files.readAllLines(again.resolve("report.jsonl"), StandardCharsets.UTF_8);
    JsonNode summary = JSON.readTree(comparedLines.get(comparedLines.size() - 1));
    assertThat(summary.has("changes")).isTrue();
    assertThat(errors(line, summary)).isEmpty();
    ((tools.jackson.databind.node.ObjectNode) compared.get("changes").get("counts")).put("added", -1);
    assertThat(errors(report, compared)).isNotEmpty();
  }

  @Test
  void theJsonLinesOfTheGoldenRunMatchTheLineSchema() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesReport.write(Fixtures.report(), out, PolicyGate.of(Fixtures.policy(), Fixtures.CLOCK), Fixtures.provenance());
    for (String text : out.toString(StandardCharsets.UTF_8).split("\n")) {
      assertThat(errors(line, JSON.readTree(text))).as(text).isEmpty();
    }
  }

  @Test
  void theExamplePolicyMatchesThePolicySchemaAndReads() throws Exception {
    Path file = repo().resolve("examples/policy/policy.yaml");
    JsonNode node = YAMLMapper.builder().build().readTree(file.toFile());
    assertThat(errors(policy, node)).isEmpty();
    assertThat(Policy.read(file).waivers()).hasSize(2);
  }

  @Test
  void thePolicySchemaRejectsWhatTheReaderRejects() {
    JsonNode unknownKey = JSON.readTree("{\"failon\": []}");
    JsonNode twoWays =
        JSON.readTree(
            "{\"waivers\": [{\"path\": \"a\", \"glob\": \"b\", \"flag\": \"dirty\", \"reason\": \"r\", \"owner\": \"o\","
                + " \"expires\": \"2026-01-01\"}]}");
    JsonNode noOwner =
        JSON.readTree("{\"waivers\": [{\"path\": \"a\", \"flag\": \"dirty\", \"reason\": \"r\", \"expires\": \"2026-01-01\"}]}");
    assertThat(errors(policy, unknownKey)).isNotEmpty();
    assertThat(errors(policy, twoWays)).isNotEmpty();
    assertThat(errors(policy, noOwner)).isNotEmpty();
  }
}
