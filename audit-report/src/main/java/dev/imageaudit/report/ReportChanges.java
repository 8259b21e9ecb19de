package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.VmConfigAudit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JsonGenerator;

/**
 * What changed between two reports of a store, in bounded memory: counts of every kind of change,
 * and the first {@link #listed()} changes of each list (new problems, resolved problems, added,
 * removed, changed paths). Fed by a {@link WalkMerge}; written as the {@code changes} section of
 * report.json and report.jsonl's summary record, and shown by {@code image-audit diff}.
 *
 * <p>{@code changes} in JSON:
 *
 * <pre>{@code
 * {"baseline": {"source": "...", "startedAt": "...", "finishedAt": "...", "files": 120, "complete": true},
 *  "counts": {"added": 3, "removed": 1, "changed": 4, "unchanged": 116,
 *             "format": 1, "size": 2, "partition": 1, "disk": 0, "flags": 2, "kind": 0, "reason": 0,
 *             "newProblems": 2, "resolvedProblems": 1, "pathsWithNewProblems": 2,
 *             "failingNew": 1, "newConfigErrors": 0},
 *  "flagsGained": {"dirty": 1}, "flagsLost": {"backing-file": 1},
 *  "listed": 100,
 *  "newProblems": [CHANGE...], "resolvedProblems": [...], "added": [...], "removed": [...], "changed": [...]}
 * }</pre>
 *
 * where each CHANGE is {@link #writeChange}'s object. {@code failingNew} counts paths that gained
 * a flag the run fails on ({@code --fail-on}); {@code newConfigErrors} VM config error findings the
 * baseline did not have.
 */
public final class ReportChanges implements WalkMerge.Listener {

  /** Changes listed per list by default. */
  public static final int DEFAULT_LISTED = 100;

  private final int listed;
  private final Set<Flag> failOn;
  private long added;
  private long removed;
  private long changed;
  private long unchanged;
  private long newProblems;
  private long resolvedProblems;
  private long pathsWithNewProblems;
  private long failingNew;
  private long newConfigErrors;
  private final Map<EntryChange.Aspect, Long> byAspect = new EnumMap<>(EntryChange.Aspect.class);
  private final Map<Flag, Long> flagsGained = new EnumMap<>(Flag.class);
  private final Map<Flag, Long> flagsLost = new EnumMap<>(Flag.class);
  private final List<EntryChange> newProblemList = new ArrayList<>();
  private final List<EntryChange> resolvedList = new ArrayList<>();
  private final List<EntryChange> addedList = new ArrayList<>();
  private final List<EntryChange> removedList = new ArrayList<>();
  private final List<EntryChange> changedList = new ArrayList<>();
  private String source;
  private RunStart baselineStart;
  private RunEnd baselineEnd;
  private RunEnd end;

  /**
   * @param listed changes kept per list
   * @param failOn the flags the run fails on: a path gaining one counts in {@code failingNew}
   */
  public ReportChanges(int listed, Set<Flag> failOn) {
    if (listed < 0) {
      throw new IllegalArgumentException("listed must not be negative");
    }
    this.listed = listed;
    this.failOn = Set.copyOf(failOn);
    for (EntryChange.Aspect aspect : EntryChange.Aspect.values()) {
      byAspect.put(aspect, 0L);
    }
  }

  @Override
  public void change(EntryChange change) {
    switch (change.kind()) {
      case ADDED -> {
        added++;
        keep(addedList, change);
      }
      case REMOVED -> {
        removed++;
        keep(removedList, change);
      }
      case CHANGED -> {
        changed++;
        keep(changedList, change);
        for (EntryChange.Aspect aspect : change.changed()) {
          byAspect.merge(aspect, 1L, Long::sum);
        }
      }
    }
    change.flagsGained().forEach(f -> flagsGained.merge(f, 1L, Long::sum));
    change.flagsLost().forEach(f -> flagsLost.merge(f, 1L, Long::sum));
    if (!change.newProblems().isEmpty()) {
      newProblems += change.newProblems().size();
      pathsWithNewProblems++;
      keep(newProblemList, change);
    }
    if (!change.resolvedProblems().isEmpty()) {
      resolvedProblems += change.resolvedProblems().size();
      keep(resolvedList, change);
    }
    for (Flag flag : change.flagsGained()) {
      if (failOn.contains(flag)) {
        failingNew++;
        break;
      }
    }
  }

  private void keep(List<EntryChange> list, EntryChange change) {
    if (list.size() < listed) {
      list.add(change);
    }
  }

  /**
   * Completes the comparison once both sides are read: the paths alike in both, the baseline's run
   * and the new run's end (its VM config errors are compared with the baseline's).
   *
   * @param source the baseline as named by the user
   */
  public void finish(long unchanged, String source, RunStart baselineStart, RunEnd baselineEnd, RunEnd end) {
    this.unchanged = unchanged;
    this.source = source;
    this.baselineStart = baselineStart;
    this.baselineEnd = baselineEnd;
    this.end = end;
    Set<List<Object>> before = new HashSet<>();
    for (VmConfigAudit config : baselineEnd.configs()) {
      for (VmConfigAudit.Finding f : config.findings()) {
        before.add(key(config, f));
      }
    }
    long fresh = 0;
    for (VmConfigAudit config : end.configs()) {
      for (VmConfigAudit.Finding f : config.findings()) {
        if (f.severity() == ConfigRule.Severity.ERROR && !before.contains(key(config, f))) {
          fresh++;
        }
      }
    }
    newConfigErrors = fresh;
  }

  private static List<Object> key(VmConfigAudit config, VmConfigAudit.Finding f) {
    return java.util.Arrays.asList(config.path(), f.rule(), f.disk(), f.partition(), f.message());
  }

  /** Returns how many changes each list keeps at most. */
  public int listed() {
    return listed;
  }

  public long added() {
    return added;
  }

  public long removed() {
    return removed;
  }

  public long changed() {
    return changed;
  }

  public long unchanged() {
    return unchanged;
  }

  /** Problems (flags, errors) paths have now and did not have; every problem of an added path counts. */
  public long newProblems() {
    return newProblems;
  }

  public long resolvedProblems() {
    return resolvedProblems;
  }

  /** Paths that have at least one new problem. */
  public long pathsWithNewProblems() {
    return pathsWithNewProblems;
  }

  /** Paths that gained a flag the run fails on. */
  public long failingNew() {
    return failingNew;
  }

  /** VM config error findings the baseline did not have. */
  public long newConfigErrors() {
    return newConfigErrors;
  }

  /** Returns how many changed paths differ in each aspect. */
  public Map<EntryChange.Aspect, Long> byAspect() {
    return Collections.unmodifiableMap(byAspect);
  }

  public Map<Flag, Long> flagsGained() {
    return Collections.unmodifiableMap(flagsGained);
  }

  public Map<Flag, Long> flagsLost() {
    return Collections.unmodifiableMap(flagsLost);
  }

  /** The first changes with new problems. */
  public List<EntryChange> newProblemList() {
    return Collections.unmodifiableList(newProblemList);
  }

  public List<EntryChange> resolvedList() {
    return Collections.unmodifiableList(resolvedList);
  }

  public List<EntryChange> addedList() {
    return Collections.unmodifiableList(addedList);
  }

  public List<EntryChange> removedList() {
    return Collections.unmodifiableList(removedList);
  }

  public List<EntryChange> changedList() {
    return Collections.unmodifiableList(changedList);
  }

  /** The baseline as the user named it, once finished. */
  public String source() {
    return source;
  }

  public RunStart baselineStart() {
    return baselineStart;
  }

  public RunEnd baselineEnd() {
    return baselineEnd;
  }

  /** The new run's end, once finished. */
  public RunEnd end() {
    return end;
  }

  // ---- JSON ----

  /** Writes the {@code changes} property (name and object) into the object {@code g} is in. */
  void writeProperty(JsonGenerator g) {
    g.writeName("changes");
    writeObject(g);
  }

  /** Writes the changes as one object. */
  void writeObject(JsonGenerator g) {
    g.writeStartObject();
    if (baselineStart != null) {
      g.writeObjectPropertyStart("baseline");
      writeRunBrief(g, source, baselineStart, baselineEnd);
      g.writeEndObject();
    }
    writeCounts(g);
    g.writeNumberProperty("listed", listed);
    writeList(g, "newProblems", newProblemList);
    writeList(g, "resolvedProblems", resolvedList);
    writeList(g, "added", addedList);
    writeList(g, "removed", removedList);
    writeList(g, "changed", changedList);
    g.writeEndObject();
  }

  /** Writes {@code counts}, {@code flagsGained} and {@code flagsLost} into the object {@code g} is in. */
  void writeCounts(JsonGenerator g) {
    g.writeObjectPropertyStart("counts");
    g.writeNumberProperty("added", added);
    g.writeNumberProperty("removed", removed);
    g.writeNumberProperty("changed", changed);
    g.writeNumberProperty("unchanged", unchanged);
    for (EntryChange.Aspect aspect : EntryChange.Aspect.values()) {
      g.writeNumberProperty(aspect.id(), byAspect.get(aspect));
    }
    g.writeNumberProperty("newProblems", newProblems);
    g.writeNumberProperty("resolvedProblems", resolvedProblems);
    g.writeNumberProperty("pathsWithNewProblems", pathsWithNewProblems);
    g.writeNumberProperty("failingNew", failingNew);
    g.writeNumberProperty("newConfigErrors", newConfigErrors);
    g.writeEndObject();
    writeFlagCounts(g, "flagsGained", flagsGained);
    writeFlagCounts(g, "flagsLost", flagsLost);
  }

  static void writeRunBrief(JsonGenerator g, String source, RunStart start, RunEnd end) {
    g.writeName("source");
    JsonSupport.writeString(g, source);
    g.writeStringProperty("startedAt", JsonReport.iso(start.startedAt()));
    g.writeStringProperty("finishedAt", JsonReport.iso(end.finishedAt()));
    g.writeNumberProperty("files", end.summary().files());
    g.writeBooleanProperty("complete", end.complete());
  }

  private static void writeFlagCounts(JsonGenerator g, String name, Map<Flag, Long> counts) {
    g.writeObjectPropertyStart(name);
    counts.forEach((flag, n) -> g.writeNumberProperty(flag.id(), n));
    g.writeEndObject();
  }

  private static void writeList(JsonGenerator g, String name, List<EntryChange> changes) {
    g.writeArrayPropertyStart(name);
    for (EntryChange change : changes) {
      writeChange(g, change);
    }
    g.writeEndArray();
  }

  /**
   * Writes one change: {@code {"change": "added"|"removed"|"changed", "path", "pathBytes", "what":
   * [aspects], "before": SIDE|null, "after": SIDE|null, "flagsGained", "flagsLost", "newProblems",
   * "resolvedProblems"}}, where SIDE is {@code {"kind": "image"|"skipped"|"error", "format",
   * "fileSize", "virtualSize", "partition", "disk", "flags", "skip", "error"}} (null where it does
   * not apply).
   */
  public static void writeChange(JsonGenerator g, EntryChange change) {
    AuditEntry entry = change.entry();
    g.writeStartObject();
    g.writeStringProperty("change", change.kind().id());
    g.writeName("path");
    JsonSupport.writeString(g, entry.path());
    g.writeName("pathBytes");
    JsonSupport.writeString(g, entry.pathBytes());
    g.writeArrayPropertyStart("what");
    for (EntryChange.Aspect aspect : EntryChange.Aspect.values()) {
      if (change.changed().contains(aspect)) {
        g.writeString(aspect.id());
      }
    }
    g.writeEndArray();
    g.writeName("before");
    writeSide(g, change.before());
    g.writeName("after");
    writeSide(g, change.after());
    writeFlags(g, "flagsGained", change.flagsGained());
    writeFlags(g, "flagsLost", change.flagsLost());
    writeStrings(g, "newProblems", change.newProblems());
    writeStrings(g, "resolvedProblems", change.resolvedProblems());
    g.writeEndObject();
  }

  private static void writeFlags(JsonGenerator g, String name, Set<Flag> flags) {
    g.writeArrayPropertyStart(name);
    for (Flag flag : Flag.values()) {
      if (flags.contains(flag)) {
        g.writeString(flag.id());
      }
    }
    g.writeEndArray();
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values) {
    g.writeArrayPropertyStart(name);
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }

  private static void writeSide(JsonGenerator g, AuditEntry entry) {
    if (entry == null) {
      g.writeNull();
      return;
    }
    AuditEntry.Image image = entry instanceof AuditEntry.Image i ? i : null;
    g.writeStartObject();
    g.writeStringProperty("kind", kind(entry));
    g.writeName("format");
    JsonSupport.writeString(g, image == null ? null : image.format().id());
    g.writeName("fileSize");
    if (image == null) {
      g.writeNull();
    } else {
      g.writeNumber(image.fileSize());
    }
    g.writeName("virtualSize");
    JsonSupport.writeU64(g, image == null ? null : image.virtualSize());
    g.writeName("partition");
    JsonSupport.writeString(g, image == null ? null : image.partition().decision().id());
    g.writeName("disk");
    JsonSupport.writeString(g, image == null ? null : image.disk().decision().id());
    writeFlags(g, "flags", image == null ? Set.of() : image.flags());
    g.writeName("skip");
    JsonSupport.writeString(g, entry instanceof AuditEntry.Skipped s ? s.reason().id() : null);
    g.writeName("error");
    JsonSupport.writeString(g, entry instanceof AuditEntry.Failed f ? f.kind().id() : null);
    g.writeEndObject();
  }

  /** Returns "image", "skipped" or "error". */
  static String kind(AuditEntry entry) {
    return entry instanceof AuditEntry.Image ? "image" : entry instanceof AuditEntry.Skipped ? "skipped" : "error";
  }

  @Override
  public String toString() {
    return "ReportChanges[added=" + added + ", removed=" + removed + ", changed=" + changed + ", unchanged="
        + unchanged + ", newProblems=" + newProblems + "]" + Objects.toString(source, "");
  }
}
