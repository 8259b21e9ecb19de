package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import tools.jackson.core.JsonGenerator;

/**
 * Writes report.sarif (SARIF 2.1.0) as the run streams by: the tool and its rules up front (one per
 * flag, one per VM config rule, one for paths that could not be audited: {@link Rules}), then one
 * result per flag of each image and per failed path as entries arrive, the VM configs' findings
 * and the invocation (times, whether the audit was complete) at the end.
 *
 * <p>A result's level is {@code error} for a flag named by {@code --fail-on}, a config error and an
 * unreadable path, {@code warning} otherwise. Its location is the file as a URI built from the
 * path's exact bytes ({@link ArtifactUris}): {@code file:///...} for an absolute path, a relative
 * reference against {@code %SRCROOT%} (the folder the run was started in, given in {@code
 * originalUriBaseIds}) otherwise.
 */
final class SarifOutput implements Output {

  /** The official schema's address, as SARIF files name it in {@code $schema}. */
  static final String SCHEMA_URI =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  /** The base relative locations resolve against. */
  static final String BASE_ID = "%SRCROOT%";

  private final StagedFile file;
  private final Set<Flag> failOn;
  private JsonGenerator g;

  SarifOutput(Path path, Set<Flag> failOn) throws IOException {
    this.failOn = failOn;
    file = StagedFile.create(path);
  }

  @Override
  public void begin(RunStart start) {
    g = JsonReport.prettyGenerator(file.out());
    g.writeStartObject();
    g.writeStringProperty("$schema", SCHEMA_URI);
    g.writeStringProperty("version", "2.1.0");
    g.writeArrayPropertyStart("runs");
    g.writeStartObject();
    g.writeObjectPropertyStart("tool");
    g.writeObjectPropertyStart("driver");
    g.writeStringProperty("name", JsonReport.TOOL_NAME);
    g.writeName("version");
    JsonSupport.writeString(g, start.toolVersion());
    g.writeArrayPropertyStart("rules");
    for (Rules.Rule rule : Rules.ALL) {
      writeRule(rule);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
    g.writeObjectPropertyStart("originalUriBaseIds");
    g.writeObjectPropertyStart(BASE_ID);
    g.writeStringProperty("uri", workingFolderUri());
    g.writeEndObject();
    g.writeEndObject();
    g.writeArrayPropertyStart("results");
  }

  @Override
  public void entry(AuditEntry entry) {
    if (entry instanceof AuditEntry.Image image) {
      if (image.flags().isEmpty()) {
        return;
      }
      byte[] raw = ArtifactUris.rawPath(image);
      String shown = Display.visible(JsonSupport.wellFormed(image.path()));
      for (Flag flag : image.flags()) {
        Rules.Rule rule = Rules.ALL.get(Rules.index(flag));
        writeResult(
            rule.id(),
            Rules.index(flag),
            failOn.contains(flag) ? "error" : "warning",
            shown + " (" + image.format().id() + "): " + rule.description(),
            raw);
      }
    } else if (entry instanceof AuditEntry.Failed failed) {
      writeResult(
          Rules.UNREADABLE_ID,
          Rules.unreadableIndex(),
          "error",
          Display.visible(JsonSupport.wellFormed(failed.path()))
              + ": "
              + failed.kind().id()
              + ": "
              + Display.visible(JsonSupport.wellFormed(failed.message())),
          ArtifactUris.rawPath(failed));
    }
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    for (VmConfigAudit config : end.configs()) {
      byte[] raw = JsonSupport.wellFormed(config.path()).getBytes(StandardCharsets.UTF_8);
      for (VmConfigAudit.Finding finding : config.findings()) {
        ConfigRule rule = finding.rule();
        writeResult(
            Rules.configId(rule),
            Rules.index(rule),
            rule.severity() == ConfigRule.Severity.ERROR ? "error" : "warning",
            Display.visible(JsonSupport.wellFormed(finding.message())),
            raw);
      }
    }
    g.writeEndArray();
    g.writeArrayPropertyStart("invocations");
    g.writeStartObject();
    g.writeBooleanProperty("executionSuccessful", end.complete());
    g.writeStringProperty("startTimeUtc", JsonReport.iso(start.startedAt()));
    g.writeStringProperty("endTimeUtc", JsonReport.iso(end.finishedAt()));
    if (end.interrupted() != null) {
      g.writeName("exitSignalName");
      JsonSupport.writeString(g, end.interrupted());
    }
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    g.writeRaw('\n');
    g.close();
    file.finish();
  }

  private void writeRule(Rules.Rule rule) {
    g.writeStartObject();
    g.writeStringProperty("id", rule.id());
    g.writeStringProperty("name", rule.name());
    g.writeObjectPropertyStart("shortDescription");
    g.writeStringProperty("text", rule.description());
    g.writeEndObject();
    g.writeObjectPropertyStart("fullDescription");
    g.writeStringProperty("text", rule.help());
    g.writeEndObject();
    g.writeObjectPropertyStart("help");
    g.writeStringProperty("text", rule.help());
    g.writeEndObject();
    g.writeObjectPropertyStart("defaultConfiguration");
    g.writeStringProperty("level", defaultLevel(rule));
    g.writeEndObject();
    g.writeObjectPropertyStart("properties");
    g.writeArrayPropertyStart("tags");
    g.writeString(rule.flag() != null ? "flag" : rule.configRule() != null ? "vm-config" : "audit");
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  private String defaultLevel(Rules.Rule rule) {
    if (rule.flag() != null) {
      return failOn.contains(rule.flag()) ? "error" : "warning";
    }
    if (rule.configRule() != null) {
      return rule.configRule().severity() == ConfigRule.Severity.ERROR ? "error" : "warning";
    }
    return "error";
  }

  private void writeResult(String ruleId, int ruleIndex, String level, String message, byte[] rawPath) {
    g.writeStartObject();
    g.writeStringProperty("ruleId", ruleId);
    g.writeNumberProperty("ruleIndex", ruleIndex);
    g.writeStringProperty("level", level);
    g.writeObjectPropertyStart("message");
    g.writeStringProperty("text", message);
    g.writeEndObject();
    g.writeArrayPropertyStart("locations");
    g.writeStartObject();
    g.writeObjectPropertyStart("physicalLocation");
    g.writeObjectPropertyStart("artifactLocation");
    g.writeStringProperty("uri", ArtifactUris.uri(rawPath));
    if (!ArtifactUris.absolute(rawPath)) {
      g.writeStringProperty("uriBaseId", BASE_ID);
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Returns the run's working folder as a file URI ending in '/', the base of relative paths. */
  private static String workingFolderUri() {
    String dir = System.getProperty("user.dir", "/");
    String uri = ArtifactUris.uri(JsonSupport.wellFormed(dir).getBytes(StandardCharsets.UTF_8));
    return uri.endsWith("/") ? uri : uri + "/";
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
