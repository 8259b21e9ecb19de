package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HTML report's view model: plain values, computed here so the template only places and
 * escapes them. Every string from the report passes through {@link Display#visible} on its way in.
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
      boolean complete,
      List<Card> cards,
      Chart chart,
      Table<RejectedRow> rejected,
      Table<RejectedRow> crosvmRejected,
      Table<ErrorRow> errors,
      Table<SkippedRow> skipped,
      Table<ImageRow> images,
      Table<ConfigView> configs) {}

  /** A summary card; {@code alert} marks a non-zero count that deserves attention. */
  record Card(String label, long value, boolean alert) {}

  /** The bar chart of images by format; {@code bars} is empty when there are no images. */
  record Chart(int width, int height, List<Bar> bars) {
    boolean none() {
      return bars.isEmpty();
    }
  }

  /** One bar: {@code labelX} is where its right-aligned label ends, {@code countX} where its count starts. */
  record Bar(String label, long count, int labelX, int textY, int barX, int barY, int barWidth, int barHeight, int countX) {}

  /** Rows of a table; the template shows "None" when there are none. */
  record Table<R>(List<R> rows) {
    boolean none() {
      return rows.isEmpty();
    }

    int count() {
      return rows.size();
    }
  }

  record RejectedRow(String path, String target, String format, String reason) {}

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

  /** Builds the page for {@code report}. */
  static Page of(AuditReport report) {
    AuditSummary summary = report.summary();
    List<RejectedRow> rejected = new ArrayList<>();
    List<RejectedRow> crosvmRejected = new ArrayList<>();
    List<ErrorRow> errors = new ArrayList<>();
    List<SkippedRow> skipped = new ArrayList<>();
    List<ImageRow> images = new ArrayList<>();
    for (AuditEntry entry : report.entries()) {
      String path = Display.visible(entry.path());
      String target = Display.visible(entry.target());
      if (entry instanceof AuditEntry.Image image) {
        Verdict verdict = image.partition();
        if (verdict.decision() == Verdict.Decision.REJECTED) {
          rejected.add(new RejectedRow(path, target, image.format().id(), Display.visible(verdict.reason())));
        }
        Verdict disk = image.disk();
        if (disk.decision() == Verdict.Decision.REJECTED) {
          crosvmRejected.add(new RejectedRow(path, target, image.format().id(), Display.visible(disk.reason())));
        }
        images.add(
            new ImageRow(
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
                image.flags().stream().map(Flag::id).collect(Collectors.joining(", "))));
      } else if (entry instanceof AuditEntry.Failed failure) {
        errors.add(new ErrorRow(path, target, failure.kind().id(), Display.visible(failure.message())));
      } else if (entry instanceof AuditEntry.Skipped skip) {
        skipped.add(new SkippedRow(path, target, skip.reason().id()));
      }
    }
    long rejectedCount = summary.partition().getOrDefault(Verdict.Decision.REJECTED, 0L);
    List<Card> cards =
        List.of(
            new Card("Files", summary.files(), false),
            new Card("Flagged", summary.flagged(), summary.flagged() > 0),
            new Card("Rejected partitions", rejectedCount, rejectedCount > 0),
            new Card("Errors", summary.errors(), summary.errors() > 0),
            new Card("Skipped", summary.skipped(), false));
    List<ConfigView> configs = report.configs().stream().map(HtmlView::config).toList();
    if (!configs.isEmpty()) {
      long configErrors = report.configs().stream().mapToLong(c -> c.count(ConfigRule.Severity.ERROR)).sum();
      cards = new ArrayList<>(cards);
      cards.add(new Card("VM config errors", configErrors, configErrors > 0));
    }
    return new Page(
        Display.visible(report.toolVersion()),
        JsonReport.iso(report.startedAt()),
        JsonReport.iso(report.finishedAt()),
        duration(Duration.between(report.startedAt(), report.finishedAt())),
        report.inputs().stream().map(Display::visible).toList(),
        report.complete(),
        cards,
        chart(summary.byFormat()),
        new Table<>(rejected),
        new Table<>(crosvmRejected),
        new Table<>(errors),
        new Table<>(skipped),
        new Table<>(images),
        new Table<>(configs));
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
    long max = byFormat.values().stream().mapToLong(Long::longValue).max().orElse(0);
    List<Bar> bars = new ArrayList<>();
    int row = 0;
    for (Map.Entry<String, Long> e : byFormat.entrySet()) {
      long count = e.getValue();
      int y = PAD + row * ROW_HEIGHT;
      // Proportional, but never invisible: a single image among a million still gets a sliver.
      int width = max == 0 ? 0 : (int) Math.max(count > 0 ? 2 : 0, Math.round((double) count / max * BAR_MAX));
      int barX = LABEL_WIDTH;
      bars.add(
          new Bar(
              Display.visible(e.getKey()),
              count,
              LABEL_WIDTH - PAD,
              y + ROW_HEIGHT / 2 + 5,
              barX,
              y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
              width,
              BAR_HEIGHT,
              barX + width + PAD));
      row++;
    }
    int width = LABEL_WIDTH + BAR_MAX + COUNT_WIDTH;
    int height = 2 * PAD + row * ROW_HEIGHT;
    return new Chart(width, height, bars);
  }

  /** Returns e.g. {@code 2.35 s} or {@code 3 min 4 s}. */
  static String duration(Duration d) {
    if (d.isNegative()) {
      return "\u2014";
    }
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      return String.format(java.util.Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
    long s = d.getSeconds();
    return s / 3600 > 0
        ? String.format(java.util.Locale.ROOT, "%d h %d min %d s", s / 3600, s / 60 % 60, s % 60)
        : String.format(java.util.Locale.ROOT, "%d min %d s", s / 60, s % 60);
  }
}
