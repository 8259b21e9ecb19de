package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes report.junit.xml at the end of the run, in the JUnit XML that Jenkins and GitLab read: one
 * {@code <testsuite>} named image-audit, one {@code <testcase>} per rule ({@link Rules}: each flag,
 * each VM config rule, unreadable paths).
 *
 * <p>A test case fails when its findings fail the run: a flag named by {@code --fail-on}, a VM
 * config error (unless {@code --fail-on none}), any path that could not be audited. Its failure
 * lists the paths, the first {@value #MAX_LISTED} of them and then how many more; findings that do
 * not fail the run are listed the same way in the test case's {@code <system-out>}. Memory is
 * bounded: per rule a count and at most {@value #MAX_LISTED} names.
 */
final class JunitOutput implements Output {

  /** Paths listed per rule before "... and N more". */
  static final int MAX_LISTED = 100;

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final StagedFile file;
  private final Set<Flag> failOn;
  private final long[] counts = new long[Rules.ALL.size()];
  private final List<List<String>> listed = new ArrayList<>(Rules.ALL.size());

  JunitOutput(Path path, Set<Flag> failOn) throws IOException {
    this.failOn = failOn;
    file = StagedFile.create(path);
    for (int i = 0; i < Rules.ALL.size(); i++) {
      listed.add(new ArrayList<>());
    }
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    if (entry instanceof AuditEntry.Image image) {
      for (Flag flag : image.flags()) {
        add(Rules.index(flag), name(image) + " (" + image.format().id() + ")");
      }
    } else if (entry instanceof AuditEntry.Failed failed) {
      add(Rules.unreadableIndex(), name(failed) + ": " + failed.kind().id() + ": " + failed.message());
    }
  }

  private void add(int rule, String line) {
    counts[rule]++;
    List<String> lines = listed.get(rule);
    if (lines.size() < MAX_LISTED) {
      lines.add(line);
    }
  }

  private static String name(AuditEntry entry) {
    return entry.target() == null ? entry.path() : entry.path() + " (" + entry.target() + ")";
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    for (VmConfigAudit config : end.configs()) {
      for (VmConfigAudit.Finding finding : config.findings()) {
        add(Rules.index(finding.rule()), config.path() + ": " + finding.message());
      }
    }
    int failures = 0;
    for (int i = 0; i < counts.length; i++) {
      if (fails(i)) {
        failures++;
      }
    }
    double seconds = Duration.between(start.startedAt(), end.finishedAt()).toMillis() / 1000.0;
    String time = String.format(Locale.ROOT, "%.3f", Math.max(0, seconds));
    Writer out = new OutputStreamWriter(file.out(), StandardCharsets.UTF_8);
    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.write("<testsuites name=\"image-audit\" tests=\"" + counts.length + "\" failures=\"" + failures
        + "\" errors=\"0\" time=\"" + time + "\">\n");
    out.write("  <testsuite name=\"image-audit\" tests=\"" + counts.length + "\" failures=\"" + failures
        + "\" errors=\"0\" skipped=\"0\" time=\"" + time + "\" timestamp=\""
        + TIMESTAMP.format(start.startedAt().truncatedTo(ChronoUnit.SECONDS)) + "\">\n");
    out.write("    <properties>\n");
    property(out, "version", start.toolVersion());
    property(out, "complete", Boolean.toString(end.complete()));
    if (end.interrupted() != null) {
      property(out, "interrupted", end.interrupted());
    }
    property(out, "files", Long.toString(end.summary().files()));
    for (String input : start.inputs()) {
      property(out, "input", input);
    }
    out.write("    </properties>\n");
    for (int i = 0; i < counts.length; i++) {
      testCase(out, i);
    }
    out.write("  </testsuite>\n");
    out.write("</testsuites>\n");
    out.flush();
    file.finish();
  }

  /** Returns true when rule {@code i}'s findings fail the run. */
  private boolean fails(int i) {
    if (counts[i] == 0) {
      return false;
    }
    Rules.Rule rule = Rules.ALL.get(i);
    if (rule.flag() != null) {
      return failOn.contains(rule.flag());
    }
    if (rule.configRule() != null) {
      return rule.configRule().severity() == ConfigRule.Severity.ERROR && !failOn.isEmpty();
    }
    return true;
  }

  private void testCase(Writer out, int i) throws IOException {
    Rules.Rule rule = Rules.ALL.get(i);
    String classname =
        rule.flag() != null ? "image-audit.flag" : rule.configRule() != null ? "image-audit.vm-config" : "image-audit.audit";
    out.write("    <testcase classname=\"" + classname + "\" name=\"" + XmlText.escape(rule.name()) + "\" time=\"0\"");
    if (counts[i] == 0) {
      out.write("/>\n");
      return;
    }
    out.write(">\n");
    String what = counts[i] + (rule.flag() != null ? (counts[i] == 1 ? " image: " : " images: ") : " findings: ")
        + rule.description();
    if (fails(i)) {
      out.write("      <failure type=\"" + XmlText.escape(rule.id()) + "\" message=\"" + XmlText.escape(what) + "\">");
      list(out, i);
      out.write("</failure>\n");
    } else {
      out.write("      <system-out>" + XmlText.escape(what) + "\n");
      list(out, i);
      out.write("</system-out>\n");
    }
    out.write("    </testcase>\n");
  }

  private void list(Writer out, int i) throws IOException {
    for (String line : listed.get(i)) {
      out.write(XmlText.escape(line));
      out.write('\n');
    }
    long more = counts[i] - listed.get(i).size();
    if (more > 0) {
      out.write("... and " + more + " more (see report.jsonl)\n");
    }
  }

  private static void property(Writer out, String name, String value) throws IOException {
    out.write("      <property name=\"" + XmlText.escape(name) + "\" value=\"" + XmlText.escape(value) + "\"/>\n");
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
