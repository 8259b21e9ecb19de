package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** diff: two reports that differ in every way, read from report.jsonl and report.json, merged in walk order. */
class ReportDiffTest {

  @TempDir Path tmp;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static AuditEntry.Image image(String path, ImageFormat format, long size, Verdict partition, Verdict disk, Flag... flags) {
    return new AuditEntry.Image(
        path, null, format, size, U64.of(size), null, partition, disk,
        flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags), ImageDetails.recorded(Map.of()), 512);
  }

  static AuditEntry.Image raw(String path, long size, Flag... flags) {
    return image(path, ImageFormat.RAW, size, Verdict.accepted(), Verdict.accepted(), flags);
  }

  static AuditEntry.Image qcow2(String path, Flag... flags) {
    return image(path, ImageFormat.QCOW2, 4096, Verdict.rejected("qcow2"), Verdict.accepted(), flags);
  }

  static List<AuditEntry> oldEntries() {
    return List.of(
        raw("store/a.img", 100),
        qcow2("store/b.img", Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.BACKING_FILE),
        raw("store/c.img", 100),
        qcow2("store/d.img", Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY),
        raw("store/dir/e.img", 100),
        new AuditEntry.Skipped("store/f", null, SkipReason.SYMLINK),
        new AuditEntry.Failed("store/g.img", null, ErrorKind.IO_ERROR, "Input/output error"));
  }

  static List<AuditEntry> newEntries() {
    return List.of(
        // Walked before store/a.img: folder "a" sorts before "a.img" (a whole-path byte order would not).
        raw("store/a/z.img", 10, Flag.ENCRYPTED),
        raw("store/a.img", 100),
        raw("store/b.img", 4096),
        image("store/c.img", ImageFormat.RAW, 200, Verdict.accepted(), Verdict.rejected("too big"), Flag.CROSVM_UNSUPPORTED),
        raw("store/dir/e.img", 100, Flag.DIRTY),
        new AuditEntry.Failed("store/f", null, ErrorKind.ACCESS_DENIED, "Permission denied"),
        raw("store/g.img", 100),
        raw("store/h.img", 1));
  }

  /** Writes {@code entries} as a run's report folder with the given formats; returns the folder. */
  Path write(String name, List<AuditEntry> entries, Set<ReportFormat> formats) throws IOException {
    AuditReport report = Fixtures.report(entries, List.of("store"));
    Path out = tmp.resolve(name);
    try (ReportSet set =
        ReportSet.create(out, AuditMetrics.create(), null, RunAggregates.Limits.DEFAULT, Renames::exchange,
            ReportSet.Settings.of(formats, EnumSet.of(Flag.UNSUPPORTED_PARTITION_IMAGE)))) {
      set.begin(Runs.start(report));
      for (AuditEntry e : report.entries()) {
        set.entry(e);
      }
      set.end(Runs.start(report), Runs.end(report));
      set.commit();
    }
    return out;
  }

  @Test
  void reportsThatDifferInEveryWay() throws IOException {
    Path old = write("old", oldEntries(), EnumSet.of(ReportFormat.JSONL));
    Path neu = write("new", newEntries(), EnumSet.of(ReportFormat.JSON));
    ByteArrayOutputStream json = new ByteArrayOutputStream();

    ReportChanges c = ReportDiff.diff(old.resolve("report.jsonl"), neu.resolve("report.json"), 100,
        EnumSet.of(Flag.DIRTY), json);

    assertThat(c.added()).isEqualTo(2);
    assertThat(c.removed()).isEqualTo(1);
    assertThat(c.changed()).isEqualTo(5);
    assertThat(c.unchanged()).isEqualTo(1);
    assertThat(c.byAspect())
        .containsEntry(EntryChange.Aspect.FORMAT, 1L)
        .containsEntry(EntryChange.Aspect.SIZE, 1L)
        .containsEntry(EntryChange.Aspect.PARTITION, 1L)
        .containsEntry(EntryChange.Aspect.DISK, 1L)
        .containsEntry(EntryChange.Aspect.FLAGS, 3L)
        .containsEntry(EntryChange.Aspect.KIND, 2L)
        .containsEntry(EntryChange.Aspect.REASON, 0L);
    assertThat(c.flagsGained())
        .containsExactlyInAnyOrderEntriesOf(Map.of(Flag.ENCRYPTED, 1L, Flag.CROSVM_UNSUPPORTED, 1L, Flag.DIRTY, 1L));
    assertThat(c.flagsLost())
        .containsExactlyInAnyOrderEntriesOf(Map.of(Flag.UNSUPPORTED_PARTITION_IMAGE, 2L, Flag.BACKING_FILE, 1L, Flag.DIRTY, 1L));
    // New: encrypted (added), crosvm-unsupported (c), dirty (e), error/access-denied (f).
    assertThat(c.pathsWithNewProblems()).isEqualTo(4);
    assertThat(c.newProblems()).isEqualTo(4);
    assertThat(c.newProblemList()).extracting(ch -> ch.entry().path())
        .containsExactly("store/a/z.img", "store/c.img", "store/dir/e.img", "store/f");
    assertThat(c.newProblemList().get(3).newProblems()).containsExactly("error/access-denied");
    // Resolved: b's two flags, d's two (removed), g's error.
    assertThat(c.resolvedProblems()).isEqualTo(5);
    assertThat(c.resolvedList()).extracting(ch -> ch.entry().path())
        .containsExactly("store/b.img", "store/d.img", "store/g.img");
    assertThat(c.failingNew()).isEqualTo(1);
    assertThat(c.addedList()).extracting(ch -> ch.entry().path()).containsExactly("store/a/z.img", "store/h.img");
    assertThat(c.removedList()).extracting(ch -> ch.entry().path()).containsExactly("store/d.img");

    // The stream: one change a line, in walk order, then both sides and the counts.
    String text = json.toString(StandardCharsets.UTF_8);
    JsonNode doc = JSON.readTree(text);
    assertThat(doc.get("schemaVersion").asInt()).isEqualTo(1);
    List<String> streamed = new ArrayList<>();
    doc.get("changes").forEach(ch -> streamed.add(ch.get("change").asString() + " " + ch.get("path").asString()));
    assertThat(streamed)
        .containsExactly(
            "added store/a/z.img",
            "changed store/b.img",
            "changed store/c.img",
            "removed store/d.img",
            "changed store/dir/e.img",
            "changed store/f",
            "changed store/g.img",
            "added store/h.img");
    JsonNode b = doc.get("changes").get(1);
    assertThat(b.get("what").toString()).isEqualTo("[\"format\",\"partition\",\"flags\"]");
    assertThat(b.at("/before/format").asString()).isEqualTo("qcow2");
    assertThat(b.at("/after/partition").asString()).isEqualTo("accepted");
    assertThat(b.get("flagsLost").toString()).isEqualTo("[\"unsupported-partition-image\",\"backing-file\"]");
    assertThat(doc.at("/old/files").asInt()).isEqualTo(7);
    assertThat(doc.at("/new/files").asInt()).isEqualTo(8);
    assertThat(doc.at("/new/complete").asBoolean()).isFalse();
    assertThat(doc.at("/counts/added").asInt()).isEqualTo(2);
    assertThat(doc.at("/flagsGained/dirty").asInt()).isEqualTo(1);
    assertThat(text.lines().filter(l -> l.startsWith("{\"change\"")).count()).isEqualTo(8);
  }

  @Test
  void theSameReportReadAsJsonlAndAsJsonHasNoChanges() throws IOException {
    Path both = write("both", newEntries(), EnumSet.of(ReportFormat.JSONL, ReportFormat.JSON));
    ReportChanges c = ReportDiff.diff(both.resolve("report.jsonl"), both.resolve("report.json"), 10, Set.of(), null);
    assertThat(c.added() + c.removed() + c.changed()).isZero();
    assertThat(c.unchanged()).isEqualTo(newEntries().size());
    // A folder is read through its report.jsonl.
    ReportChanges folders = ReportDiff.diff(both, both, 10, Set.of(), null);
    assertThat(folders.unchanged()).isEqualTo(newEntries().size());
  }

  @Test
  void reportJsonIsReadByItsStructureNotItsLayout() throws IOException {
    Path both = write("both", newEntries(), EnumSet.of(ReportFormat.JSONL, ReportFormat.JSON));
    // As jq or another tool might rewrite it: compact, keys moved (images last), one line.
    tools.jackson.databind.node.ObjectNode doc = (tools.jackson.databind.node.ObjectNode) JSON.readTree(both.resolve("report.json").toFile());
    JsonNode images = doc.remove("images");
    doc.set("images", images);
    Path rewritten = Files.writeString(tmp.resolve("rewritten.json"), JSON.writeValueAsString(doc));
    assertThat(Files.readAllLines(rewritten)).hasSize(1);
    ReportChanges c = ReportDiff.diff(both.resolve("report.jsonl"), rewritten, 10, Set.of(), null);
    assertThat(c.unchanged()).isEqualTo(newEntries().size());
    assertThat(c.added() + c.removed() + c.changed()).isZero();
    assertThat(c.end().summary().files()).isEqualTo(newEntries().size());
  }

  @Test
  void aBaselineSetPutsTheSameChangesInEveryOutputAndEscapesNames() throws IOException {
    Path old = write("old", oldEntries(), EnumSet.of(ReportFormat.JSONL));
    List<AuditEntry> hostile = new ArrayList<>(newEntries());
    hostile.add(raw("store/zz<script>alert(1)</script>\u202e.img", 1, Flag.DIRTY));
    AuditReport report = Fixtures.report(hostile, List.of("store"));
    Path out = tmp.resolve("with-baseline");
    ReportChanges changes;
    try (ReportSet set =
        ReportSet.create(out, AuditMetrics.create(), null, RunAggregates.Limits.DEFAULT, Renames::exchange,
            ReportSet.Settings.of(ReportFormat.DEFAULTS, EnumSet.of(Flag.DIRTY), old))) {
      set.begin(Runs.start(report));
      for (AuditEntry e : report.entries()) {
        set.entry(e);
      }
      assertThat(set.changes()).isNull();
      set.end(Runs.start(report), Runs.end(report));
      changes = set.changes();
      set.commit();
    }
    assertThat(changes.added()).isEqualTo(3);
    assertThat(changes.failingNew()).isEqualTo(2);
    JsonNode inJson = JSON.readTree(out.resolve("report.json").toFile()).get("changes");
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"));
    assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("changes")).isEqualTo(inJson);
    assertThat(inJson.at("/counts/added").asInt()).isEqualTo(3);
    assertThat(inJson.at("/counts/failingNew").asInt()).isEqualTo(2);
    assertThat(inJson.get("added").size()).isEqualTo(3);
    assertThat(inJson.at("/baseline/files").asInt()).isEqualTo(7);
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html)
        .contains("<h2>Changes since baseline</h2>")
        .contains("zz&lt;script&gt;alert(1)&lt;/script&gt;&lt;U+202E&gt;.img")
        .doesNotContain("<script>alert");
  }

  @Test
  void inputsGivenOutOfSortedOrderLineUpInputByInput() throws IOException {
    Path old = write("old", List.of(raw("zeta/1", 1), raw("zeta/2", 1), raw("alpha/1", 1)), EnumSet.of(ReportFormat.JSONL));
    Path neu = write("new", List.of(raw("zeta/2", 1), raw("alpha/1", 1), raw("alpha/2", 1)), EnumSet.of(ReportFormat.JSONL));
    ReportChanges c = ReportDiff.diff(old, neu, 10, Set.of(), null);
    assertThat(c.unchanged()).isEqualTo(2);
    assertThat(c.removedList()).extracting(ch -> ch.entry().path()).containsExactly("zeta/1");
    assertThat(c.addedList()).extracting(ch -> ch.entry().path()).containsExactly("alpha/2");
  }

  @Test
  void listsAreCappedAndCountsExact() throws IOException {
    List<AuditEntry> many = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      many.add(raw(String.format("store/%04d.img", i), 1, Flag.DIRTY));
    }
    Path old = write("old", List.of(), EnumSet.of(ReportFormat.JSONL));
    Path neu = write("new", many, EnumSet.of(ReportFormat.JSONL));
    ReportChanges c = ReportDiff.diff(old, neu, 7, Set.of(), null);
    assertThat(c.added()).isEqualTo(250);
    assertThat(c.addedList()).hasSize(7);
    assertThat(c.newProblemList()).hasSize(7);
    assertThat(c.pathsWithNewProblems()).isEqualTo(250);
  }

  @Test
  void aReportCutShortIsRefused() throws IOException {
    Path old = write("old", oldEntries(), EnumSet.of(ReportFormat.JSONL));
    Path cut = tmp.resolve("cut.jsonl");
    List<String> lines = Files.readAllLines(old.resolve("report.jsonl"));
    Files.write(cut, lines.subList(0, lines.size() - 1));
    assertThatThrownBy(() -> ReportDiff.diff(old, cut, 10, Set.of(), null))
        .isInstanceOf(ReportReader.ReportFormatException.class)
        .hasMessageContaining("cut short");
  }
}
