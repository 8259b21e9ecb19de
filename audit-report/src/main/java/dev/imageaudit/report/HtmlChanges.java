package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The HTML report's "Changes since baseline" section ({@code scan --baseline}): a scope beside
 * {@link HtmlView.Page} whose {@code changes} is null when the run had no baseline. Strings pass
 * through {@link Display#visible}, and Mustache escapes them.
 */
record HtmlChanges(View changes) {

  /** The section: the baseline, the counts, and the first rows of each list. */
  record View(
      String source,
      String baselineStartedAt,
      long baselineFiles,
      long added,
      long removed,
      long changed,
      long unchanged,
      long newProblems,
      long pathsWithNewProblems,
      long resolvedProblems,
      String flagsGained,
      String flagsLost,
      HtmlView.Table<Row> newProblemRows,
      HtmlView.Table<Row> resolvedRows,
      HtmlView.Table<Row> addedRows,
      HtmlView.Table<Row> removedRows,
      HtmlView.Table<Row> changedRows) {}

  /** One path and what happened to it. */
  record Row(String path, String detail) {}

  static HtmlChanges of(ReportChanges c) {
    if (c == null) {
      return new HtmlChanges(null);
    }
    return new HtmlChanges(
        new View(
            Display.visible(c.source()),
            JsonReport.iso(c.baselineStart().startedAt()),
            c.baselineEnd().summary().files(),
            c.added(),
            c.removed(),
            c.changed(),
            c.unchanged(),
            c.newProblems(),
            c.pathsWithNewProblems(),
            c.resolvedProblems(),
            flags(c.flagsGained()),
            flags(c.flagsLost()),
            table(c.newProblemList(), c.pathsWithNewProblems(), ch -> String.join(", ", ch.newProblems())),
            table(c.resolvedList(), -1, ch -> String.join(", ", ch.resolvedProblems())),
            table(c.addedList(), c.added(), HtmlChanges::brief),
            table(c.removedList(), c.removed(), HtmlChanges::brief),
            table(c.changedList(), c.changed(),
                ch -> ch.changed().stream().map(EntryChange.Aspect::id).collect(Collectors.joining(", ")))));
  }

  private static String flags(java.util.Map<Flag, Long> counts) {
    return counts.isEmpty()
        ? "none"
        : counts.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  private static HtmlView.Table<Row> table(
      List<EntryChange> changes, long total, java.util.function.Function<EntryChange, String> detail) {
    List<Row> rows = new ArrayList<>(changes.size());
    for (EntryChange change : changes) {
      rows.add(new Row(Display.visible(change.entry().path()), Display.visible(detail.apply(change))));
    }
    long leftOut = total < 0 ? 0 : Math.max(0, total - rows.size());
    return new HtmlView.Table<>(rows, leftOut);
  }

  private static String brief(EntryChange change) {
    AuditEntry e = change.entry();
    if (e instanceof AuditEntry.Image image) {
      return image.format().id() + (image.flags().isEmpty() ? ""
          : " (" + image.flags().stream().map(Flag::id).collect(Collectors.joining(", ")) + ")");
    }
    return ReportChanges.kind(e);
  }
}
