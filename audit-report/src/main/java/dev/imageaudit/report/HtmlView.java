package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTML report's view model: plain values, computed from a run's bounded aggregates so the
 * template only places and escapes them. Every string from the run passes through {@link
 * Display#visible} on its way in.
 */
final class HtmlView {

  // Chart geometry, in SVG user units.
  static final int LABEL_WIDTH = 150;
  static final int BAR_MAX = 420;
  static final int COUNT_WIDTH = 90;
  static final int ROW_HEIGHT = 28;
  static final int BAR_HEIGHT = 18;
  static final int PAD = 8;

  private HtmlView() {}

  /** The whole page. */
  record Page(
      String toolVersion,
      String startedAt,
      String finishedAt,
      String duration,
      List<String> inputs,
      Status status,
      List<Card> cards,
      Chart chart,
      Chart verdicts,
      Table<KindRow> kinds,
      Table<ReasonRow> reasons,
      Table<FormatRow> formats,
      Table<FolderRow> folders,
      Table<RejectedRow> rejected,
      Table<RejectedRow> crosvmRejected,
      Table<FlaggedRow> flagged,
      Table<ErrorRow> errors,
      Table<SkippedRow> skipped,
      Table<ImageRow> images,
      Table<ConfigView> configs) {}

  /**
   * Whether the report covers the whole run: {@code state} is complete, incomplete or interrupted,
   * {@code label} the badge's words, {@code why} a sentence saying what is missing (null if nothing).
   */
  record Status(String state, String label, String why) {}

  /** A summary card; {@code alert} marks a non-zero count that deserves attention. */
  record Card(String label, long value, boolean alert) {}

  /** A horizontal bar chart; {@code bars} is empty when there is nothing to draw. */
  record Chart(int width, int height, List<Bar> bars) {
    boolean none() {
      return bars.isEmpty();
    }
  }

  /**
   * One bar: {@code labelX} is where its right-aligned label ends, {@code countX} where its count
   * starts; {@code tone} is its CSS class.
   */
  record Bar(
      String label, long count, String tone, int labelX, int textY, int barX, int barY, int barWidth, int barHeight,
      int countX) {}

  /**
   * The rows of a table that are shown, and how many more there are; the template shows "None" when
   * there are none at all, and says where the rows left out can be found.
   */
  record Table<R>(List<R> rows, long leftOut) {
    Table(List<R> rows) {
      this(rows, 0);
    }

    boolean none() {
      return rows.isEmpty() && leftOut == 0;
    }

    int count() {
      return rows.size();
    }

    long total() {
      return rows.size() + leftOut;
    }

    boolean capped() {
      return leftOut > 0;
    }
  }

  /** A kind of problem and how many images or paths have it. */
  record KindRow(String kind, String code, long paths) {}

  /** A reason a checker gave, and for how many images. */
  record ReasonRow(String check, String reasonText, long reasonImages) {}

  /** Images of one format: verdicts and flags. */
  record FormatRow(
      String formatId, long formatImages, long accepted, long rejectedPartitions, long partitionErrors,
      long rejectedDisks, long flaggedImages) {}

  /** A top-level folder, its files and problems. */
  record FolderRow(String folder, long folderFiles, long problems) {}

  record RejectedRow(String path, String target, String format, String reason) {}

  record FlaggedRow(String path, String target, String format, String flagList) {}

  record ErrorRow(String path, String target, String kind, String message) {}

  record SkippedRow(String path, String target, String reason) {}

  record ImageRow(
      String path,
      String target,
      String format,
      String fileSize,
      String virtualSize,
      String partitionSize,
      String verdict,
      String verdictReason,
      boolean refused,
      String disk,
      String diskReason,
      boolean diskRefused,
      String flags) {}

  /**
   * One VM config: its disks and findings. Names are distinct from the page's and the rows', so a
   * null never lets Mustache fall back to an outer value of the same name.
   */
  record ConfigView(
      String configPath, boolean unreadable, String counts, List<DiskRow> disks,
      Table<FindingRow> findings) {
    boolean noDisks() {
      return disks.isEmpty();
    }
  }

  /**
   * One disk: {@code diskWhat} is its whole-disk image's path or says it is a composite disk;
   * {@code compositeSize} is the composite's size (an em dash for a whole-disk image).
   */
  record DiskRow(
      int diskIndex, String diskWritable, String diskWhat, String diskImageFormat, String compositeSize,
      List<PartRow> parts) {}

  record PartRow(String label, String partPath, String partWritable, String partFormat, String partSize) {}

  record FindingRow(String severity, String rule, String where, String message, List<String> concerned) {}

  /** Returns an image's row for the images table; {@code path} and {@code target} already made visible. */
  static ImageRow imageRow(AuditEntry.Image image, String path, String target) {
    Verdict verdict = image.partition();
    Verdict disk = image.disk();
    return new ImageRow(
        path,
        target,
        image.format().id(),
        Sizes.describe(U64.of(image.fileSize())),
        Sizes.describe(image.virtualSize()),
        Sizes.describe(image.partitionSize()),
        verdict.decision().id(),
        Display.visible(verdict.reason()),
        verdict.decision() != Verdict.Decision.ACCEPTED,
        disk.decision().id(),
        Display.visible(disk.reason()),
        disk.decision() != Verdict.Decision.ACCEPTED,
        flagIds(image.flags()));
  }

  /** Returns the flags' ids, comma-separated, in the order of {@link Flag}. */
  static String flagIds(Set<Flag> flags) {
    StringBuilder out = new StringBuilder();
    for (Flag flag : flags) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(flag.id());
    }
    return out.toString();
  }

  /** Builds the page for a run from its start, its end and what was gathered of its entries. */
  static Page of(RunStart start, RunEnd end, RunAggregates run) {
    AuditSummary summary = end.summary();
    long rejectedCount = summary.partition().getOrDefault(Verdict.Decision.REJECTED, 0L);
    long crosvmCount = summary.disk().getOrDefault(Verdict.Decision.REJECTED, 0L);
    long imageCount = summary.byFormat().values().stream().mapToLong(Long::longValue).sum();
    List<Card> cards = new ArrayList<>();
    cards.add(new Card("Files", summary.files(), false));
    cards.add(new Card("Images", imageCount, false));
    cards.add(new Card("Flagged", summary.flagged(), summary.flagged() > 0));
    cards.add(new Card("Rejected partitions", rejectedCount, rejectedCount > 0));
    cards.add(new Card("Rejected by crosvm", crosvmCount, crosvmCount > 0));
    cards.add(new Card("Errors", summary.errors(), summary.errors() > 0));
    cards.add(new Card("Skipped", summary.skipped(), false));
    List<ConfigView> configs = end.configs().stream().map(HtmlView::config).toList();
    if (!configs.isEmpty()) {
      long configErrors = end.configs().stream().mapToLong(c -> c.count(ConfigRule.Severity.ERROR)).sum();
      cards.add(new Card("VM config errors", configErrors, configErrors > 0));
    }
    return new Page(
        Display.visible(start.toolVersion()),
        JsonReport.iso(start.startedAt()),
        JsonReport.iso(end.finishedAt()),
        duration(Duration.between(start.startedAt(), end.finishedAt())),
        start.inputs().stream().map(Display::visible).toList(),
        status(end),
        cards,
        chart(summary.byFormat()),
        verdicts(summary),
        kinds(end, run),
        reasons(run),
        formats(run),
        folders(run),
        table(run.rejected),
        table(run.crosvmRejected),
        table(run.flagged),
        table(run.errors),
        table(run.skipped),
        table(run.imageRows),
        new Table<>(configs));
  }

  private static <R> Table<R> table(RunAggregates.Capped<R> capped) {
    return new Table<>(capped.rows(), capped.leftOut());
  }

  static Status status(RunEnd end) {
    long unreadableConfigs = end.configs().stream().filter(c -> !c.readable()).count();
    List<String> missing = new ArrayList<>();
    if (end.summary().errors() > 0) {
      missing.add(plural(end.summary().errors(), "path") + " could not be audited");
    }
    if (unreadableConfigs > 0) {
      missing.add(plural(unreadableConfigs, "VM config") + " could not be read");
    }
    String gaps = missing.isEmpty() ? null : String.join("; ", missing) + ".";
    if (end.interrupted() != null) {
      String why =
          "Stopped by " + Display.visible(end.interrupted()) + " before the walk ended: this report covers the "
              + plural(end.summary().files(), "path") + " met until then." + (gaps == null ? "" : " " + gaps);
      return new Status("interrupted", "INTERRUPTED (" + Display.visible(end.interrupted()) + ")", why);
    }
    if (!end.complete()) {
      return new Status("incomplete", "INCOMPLETE", gaps);
    }
    return new Status("complete", "complete", null);
  }

  private static Table<KindRow> kinds(RunEnd end, RunAggregates run) {
    List<KindRow> rows = new ArrayList<>();
    long rejected = 0;
    long partitionErrors = 0;
    long crosvm = 0;
    for (int f = 0; f < run.images.length; f++) {
      rejected += run.partition[f][Verdict.Decision.REJECTED.ordinal()];
      partitionErrors += run.partition[f][Verdict.Decision.ERROR.ordinal()];
      crosvm += run.disk[f][Verdict.Decision.REJECTED.ordinal()];
    }
    addKind(rows, "Rejected as a partition image by virtmgr", null, rejected);
    addKind(rows, "Not judged as a partition image by virtmgr", null, partitionErrors);
    addKind(rows, "Rejected as a whole disk by crosvm", null, crosvm);
    for (Flag flag : Flag.values()) {
      addKind(rows, "Flag", flag.id(), run.flags[flag.ordinal()]);
    }
    for (ErrorKind kind : ErrorKind.values()) {
      addKind(rows, "Error", kind.id(), run.errorsByKind[kind.ordinal()]);
    }
    long configErrors = end.configs().stream().mapToLong(c -> c.count(ConfigRule.Severity.ERROR)).sum();
    addKind(rows, "VM config errors", null, configErrors);
    return new Table<>(rows);
  }

  private static void addKind(List<KindRow> rows, String kind, String code, long paths) {
    if (paths > 0) {
      rows.add(new KindRow(kind, code, paths));
    }
  }

  private static Table<ReasonRow> reasons(RunAggregates run) {
    int max = run.limits.labelChars();
    List<ReasonRow> rows = new ArrayList<>();
    run.reasons.counts().entrySet().stream()
        .sorted(
            Comparator.comparingLong((Map.Entry<RunAggregates.Reasons.Key, long[]> e) -> -e.getValue()[0])
                .thenComparing(e -> e.getKey().check())
                .thenComparing(e -> e.getKey().reason()))
        .forEach(
            e ->
                rows.add(
                    new ReasonRow(
                        e.getKey().check(),
                        Display.visible(RunAggregates.shorten(e.getKey().reason(), max)),
                        e.getValue()[0])));
    long other = run.reasons.otherImages();
    if (other > 0) {
      rows.add(new ReasonRow("other", "(reasons met after the first " + run.limits.reasons() + " distinct ones)", other));
    }
    return new Table<>(rows);
  }

  private static Table<FormatRow> formats(RunAggregates run) {
    List<FormatRow> rows = new ArrayList<>();
    ImageFormat[] formats = ImageFormat.values();
    int accepted = Verdict.Decision.ACCEPTED.ordinal();
    int rejected = Verdict.Decision.REJECTED.ordinal();
    int error = Verdict.Decision.ERROR.ordinal();
    for (int f = 0; f < formats.length; f++) {
      if (run.images[f] > 0) {
        rows.add(
            new FormatRow(
                formats[f].id(), run.images[f], run.partition[f][accepted], run.partition[f][rejected],
                run.partition[f][error], run.disk[f][rejected], run.flaggedByFormat[f]));
      }
    }
    return new Table<>(rows);
  }

  /** The folders with the most problems, then the most files; the rest counted as left out. */
  private static Table<FolderRow> folders(RunAggregates run) {
    int max = run.limits.labelChars();
    List<Map.Entry<String, long[]>> withProblems =
        run.folders.counts().entrySet().stream()
            .filter(e -> e.getValue()[1] > 0)
            .sorted(
                Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[1])
                    .thenComparingLong(e -> -e.getValue()[0])
                    .thenComparing(Map.Entry::getKey))
            .toList();
    List<FolderRow> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : withProblems.subList(0, Math.min(withProblems.size(), run.limits.shownFolders()))) {
      rows.add(new FolderRow(Display.visible(RunAggregates.shorten(e.getKey(), max)), e.getValue()[0], e.getValue()[1]));
    }
    long[] other = run.folders.other();
    if (other[1] > 0) {
      rows.add(new FolderRow("(folders met after the first " + run.limits.folders() + ")", other[0], other[1]));
    }
    return new Table<>(rows, Math.max(0, withProblems.size() - run.limits.shownFolders()));
  }

  static ConfigView config(VmConfigAudit config) {
    List<DiskRow> disks = new ArrayList<>();
    for (VmConfigAudit.Disk disk : config.disks()) {
      List<PartRow> parts = new ArrayList<>();
      for (VmConfigAudit.Partition p : disk.partitions()) {
        parts.add(
            new PartRow(
                Display.visible(p.label()),
                Display.visible(p.path()),
                yesNo(p.writable()),
                p.format() == null ? null : p.format().id(),
                Sizes.describe(p.size())));
      }
      int n = disk.partitions().size();
      String what =
          disk.image() != null
              ? Display.visible(disk.image())
              : n == 0 ? "no image, no partition" : "composite disk of " + n + (n == 1 ? " partition" : " partitions");
      disks.add(
          new DiskRow(
              disk.index(),
              yesNo(disk.writable()),
              what,
              disk.imageFormat() == null ? null : disk.imageFormat().id(),
              Sizes.describe(disk.compositeSize()),
              parts));
    }
    List<FindingRow> findings = new ArrayList<>();
    for (VmConfigAudit.Finding f : config.findings()) {
      String where = f.disk() == null ? "config" : "disk " + f.disk();
      if (f.partition() != null) {
        where += ", " + f.partition();
      }
      findings.add(
          new FindingRow(
              f.severity().id(),
              f.rule().id(),
              Display.visible(where),
              Display.visible(f.message()),
              f.images().stream().map(Display::visible).toList()));
    }
    return new ConfigView(
        Display.visible(config.path()),
        !config.readable(),
        plural(config.count(ConfigRule.Severity.ERROR), "error") + ", "
            + plural(config.count(ConfigRule.Severity.WARNING), "warning"),
        disks,
        new Table<>(findings));
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String yesNo(Boolean value) {
    return value == null ? "\u2014" : value ? "yes" : "no";
  }

  /** Lays out one horizontal bar per format, longest for the most common, in the summary's order. */
  static Chart chart(Map<String, Long> byFormat) {
    List<String> labels = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<String> tones = new ArrayList<>();
    byFormat.forEach(
        (format, count) -> {
          labels.add(Display.visible(format));
          counts.add(count);
          tones.add("format");
        });
    return bars(labels, counts, tones);
  }

  /** Lays out virtmgr's partition decisions and crosvm's whole-disk ones; nothing without images. */
  static Chart verdicts(AuditSummary summary) {
    List<String> labels = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<String> tones = new ArrayList<>();
    long images = 0;
    for (Verdict.Decision decision : Verdict.Decision.values()) {
      long n = summary.partition().getOrDefault(decision, 0L);
      images += n;
      labels.add("partition " + decision.id());
      counts.add(n);
      tones.add(decision.id());
    }
    for (Verdict.Decision decision : Verdict.Decision.values()) {
      labels.add("whole disk " + decision.id());
      counts.add(summary.disk().getOrDefault(decision, 0L));
      tones.add(decision.id());
    }
    return images == 0 ? bars(List.of(), List.of(), List.of()) : bars(labels, counts, tones);
  }

  private static Chart bars(List<String> labels, List<Long> counts, List<String> tones) {
    long max = counts.stream().mapToLong(Long::longValue).max().orElse(0);
    List<Bar> bars = new ArrayList<>();
    for (int row = 0; row < labels.size(); row++) {
      long count = counts.get(row);
      int y = PAD + row * ROW_HEIGHT;
      // Proportional, but never invisible: a single image among a million still gets a sliver.
      int width = max == 0 ? 0 : (int) Math.max(count > 0 ? 2 : 0, Math.round((double) count / max * BAR_MAX));
      int barX = LABEL_WIDTH;
      bars.add(
          new Bar(
              labels.get(row),
              count,
              tones.get(row),
              LABEL_WIDTH - PAD,
              y + ROW_HEIGHT / 2 + 5,
              barX,
              y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
              width,
              BAR_HEIGHT,
              barX + width + PAD));
    }
    int width = LABEL_WIDTH + BAR_MAX + COUNT_WIDTH;
    int height = 2 * PAD + labels.size() * ROW_HEIGHT;
    return new Chart(width, height, bars);
  }

  /** Returns e.g. {@code 2.35 s} or {@code 3 min 4 s}. */
  static String duration(Duration d) {
    if (d.isNegative()) {
      return "\u2014";
    }
    // Plain arithmetic, not String.format: the first formatter of a run was a seventh of an empty
    // store's report writing (class initialization and its pattern parser).
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      // Hundredths, half up, as "%.2f" rounds.
      long hundredths = (d.toNanos() + 5_000_000) / 10_000_000;
      long cents = hundredths % 100;
      return hundredths / 100 + (cents < 10 ? ".0" : ".") + cents + " s";
    }
    long s = d.getSeconds();
    return s / 3600 > 0
        ? s / 3600 + " h " + s / 60 % 60 + " min " + s % 60 + " s"
        : s / 60 + " min " + s % 60 + " s";
  }
}
