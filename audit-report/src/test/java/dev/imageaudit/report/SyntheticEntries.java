package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A store's entries made up by number, as a walk of {@code store} would yield them: nested
 * folders ({@code store/team-07/project-0123/vm-00042/...}), mostly accepted raw images, rejected
 * qcow2 and composite files with their details, sparse images, a skip and an error in every 20.
 * The same number always gives the same entry.
 */
final class SyntheticEntries {

  static final RunStart START = new RunStart("0.1.0-test", Instant.parse("2026-01-02T03:04:05Z"), List.of("store"));
  static final Instant FINISHED = Instant.parse("2026-01-02T03:09:05Z");

  private SyntheticEntries() {}

  /** Returns the folder of entry {@code i}: 40 teams, 250 projects each, then 20 entries a folder. */
  static String folder(long i) {
    long leaf = i / 20;
    StringBuilder dir = new StringBuilder(40).append("store/team-");
    padded(dir, leaf % 40, 2).append("/project-");
    padded(dir, (leaf / 40) % 250, 4).append("/vm-");
    return padded(dir, leaf / 10_000, 5).toString();
  }

  private static StringBuilder padded(StringBuilder out, long n, int digits) {
    String s = Long.toString(n);
    for (int i = s.length(); i < digits; i++) {
      out.append('0');
    }
    return out.append(s);
  }

  /** Returns entry number {@code i}. */
  static AuditEntry entry(long i) {
    String dir = folder(i);
    int kind = (int) (i % 20);
    if (kind < 11) {
      long size = (64L << 20) + (i % 7) * 4096;
      return new AuditEntry.Image(
          dir + "/system-" + i + ".img", null, ImageFormat.RAW, size, U64.of(size), U64.of(size),
          Verdict.accepted(), Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()), 4096);
    }
    if (kind < 14) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("version", 3);
      details.put("clusterBits", 16L);
      details.put("backingFile", "../base-" + (i % 1000) + ".img");
      details.put("refcountOrder", 4);
      return new AuditEntry.Image(
          dir + "/data-" + i + ".qcow2", null, ImageFormat.QCOW2, 196_616, U64.of(10L << 30), null,
          Verdict.rejected("unsupported partition image type: Qcow2"),
          kind == 13
              ? Verdict.rejected("qcow2: backing file without crosvm's backing format extension (0xE279268F)")
              : Verdict.accepted(),
          kind == 13
              ? Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.BACKING_FILE, Flag.CROSVM_UNSUPPORTED)
              : Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.BACKING_FILE),
          ImageDetails.recorded(details), 65_536);
    }
    if (kind < 16) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("majorVersion", 1);
      details.put("minorVersion", 0);
      details.put("blockSize", 4096L);
      details.put("totalBlocks", 16_384L + i % 100);
      details.put("totalChunks", 3L);
      long size = (16_384L + i % 100) * 4096;
      return new AuditEntry.Image(
          dir + "/vendor-" + i + ".simg", null, ImageFormat.ANDROID_SPARSE, 8_240, U64.of(size), U64.of(size),
          Verdict.accepted(), Verdict.accepted(), Set.of(), ImageDetails.recorded(details), 28);
    }
    if (kind == 16) {
      Map<String, Object> component = new LinkedHashMap<>();
      component.put("path", "part-" + i + ".img");
      component.put("offset", U64.of(0));
      component.put("readWrite", false);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("version", 2L);
      details.put("components", List.of(component));
      details.put("length", U64.of(1L << 30));
      return new AuditEntry.Image(
          dir + "/os-" + i + ".composite", null, ImageFormat.COMPOSITE, 300, U64.of(1L << 30), null,
          Verdict.rejected("unsupported partition image type: CompositeDisk"), Verdict.accepted(),
          Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE), ImageDetails.recorded(details), 300);
    }
    if (kind == 17) {
      return new AuditEntry.Image(
          dir + "/scratch-" + i + ".qcow2", null, ImageFormat.QCOW2, 327_680, U64.of(1L << 30), null,
          Verdict.rejected("unsupported partition image type: Qcow2"),
          Verdict.rejected("qcow2: version " + (2 + i % 3) + ", crosvm opens only version 3"),
          Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY, Flag.CROSVM_UNSUPPORTED),
          ImageDetails.recorded(Map.of("version", 2, "dirty", true)), 65_536);
    }
    if (kind == 18) {
      return new AuditEntry.Skipped(dir + "/current.img", null, SkipReason.SYMLINK);
    }
    return new AuditEntry.Failed(
        dir + "/locked-" + i + ".img", null, ErrorKind.ACCESS_DENIED, "Permission denied");
  }

  /** Writes a run of entries {@code 0} to {@code count - 1} into {@code out} through a committed set. */
  static void write(Path out, long count, String interrupted) throws IOException {
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      run(set, count, interrupted);
      set.commit();
    }
  }

  /** Feeds entries {@code 0} to {@code count - 1} through {@code set} as a whole run, and ends it. */
  static RunEnd run(ReportSet set, long count, String interrupted) throws IOException {
    AuditSummary.Tally tally = new AuditSummary.Tally();
    set.begin(START);
    for (long i = 0; i < count; i++) {
      AuditEntry entry = entry(i);
      tally.add(entry);
      set.entry(entry);
    }
    RunEnd end = new RunEnd(FINISHED, tally.summary(), List.of(), interrupted);
    set.end(START, end);
    return end;
  }
}
