package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What report.html shows of a run, gathered entry by entry in memory bounded whatever the run's
 * length: counts by format, decision, flag, error kind and skip reason; the reasons given (the
 * first {@link Limits#reasons} distinct ones); files and problems by top-level folder (the first
 * {@link Limits#folders} folders); and the first rows of each table, up to {@link Limits#rows}
 * rows and {@link Limits#tableBytes} bytes of HTML, with the number left out.
 *
 * <p>Only the rows kept are formatted (names made visible, sizes described), so the cost of an
 * entry that is only counted is a few array increments. Not thread-safe: a run's entries arrive
 * one at a time.
 */
final class RunAggregates {

  /**
   * How much is kept.
   *
   * @param rows rows kept per table
   * @param tableBytes HTML bytes a table's rows may take at most (escaping counted at its worst)
   * @param reasons distinct rejection reasons counted; later ones are counted together
   * @param folders distinct top-level folders counted; later ones are counted together
   * @param shownFolders folders listed, those with the most problems
   * @param labelChars characters kept of a reason or folder name in the grouped tables
   */
  record Limits(int rows, long tableBytes, int reasons, int folders, int shownFolders, int labelChars) {
    /**
     * Keeps report.html under 2 MB whatever the names (6 tables of at most 200 KB, small groups),
     * and what is held for it under a few MB even with folder names of 4 KB.
     */
    static final Limits DEFAULT = new Limits(200, 200_000, 50, 1024, 20, 300);
  }

  /** Bytes of markup around a row's values, counted against its table's budget. */
  private static final int ROW_MARKUP = 200;

  private static final int FORMATS = ImageFormat.values().length;
  private static final int DECISIONS = Verdict.Decision.values().length;

  final Limits limits;
  final long[] images = new long[FORMATS];
  final long[][] partition = new long[FORMATS][DECISIONS];
  final long[][] disk = new long[FORMATS][DECISIONS];
  final long[] flaggedByFormat = new long[FORMATS];
  final long[] flags = new long[Flag.values().length];
  final long[] errorsByKind = new long[ErrorKind.values().length];
  final long[] skipsByReason = new long[SkipReason.values().length];
  final Reasons reasons;
  final Folders folders;

  final Capped<HtmlView.RejectedRow> rejected;
  final Capped<HtmlView.RejectedRow> crosvmRejected;
  final Capped<HtmlView.FlaggedRow> flagged;
  final Capped<HtmlView.ErrorRow> errors;
  final Capped<HtmlView.SkippedRow> skipped;
  final Capped<HtmlView.ImageRow> imageRows;

  RunAggregates(List<String> inputs, Limits limits) {
    this.limits = limits;
    reasons = new Reasons(limits.reasons());
    folders = new Folders(inputs, limits.folders());
    rejected = new Capped<>(limits);
    crosvmRejected = new Capped<>(limits);
    flagged = new Capped<>(limits);
    errors = new Capped<>(limits);
    skipped = new Capped<>(limits);
    imageRows = new Capped<>(limits);
  }

  /** Counts {@code entry}, and keeps its rows in the tables that still have room. */
  void add(AuditEntry entry) {
    boolean problem;
    if (entry instanceof AuditEntry.Image image) {
      problem = addImage(image);
    } else if (entry instanceof AuditEntry.Failed failure) {
      problem = true;
      errorsByKind[failure.kind().ordinal()]++;
      if (errors.hasRoom()) {
        String path = Display.visible(failure.path());
        String target = Display.visible(failure.target());
        String message = Display.visible(failure.message());
        errors.add(
            new HtmlView.ErrorRow(path, target, failure.kind().id(), message),
            htmlBytes(path) + htmlBytes(target) + htmlBytes(message) + 20);
      } else {
        errors.leaveOut();
      }
    } else {
      AuditEntry.Skipped skip = (AuditEntry.Skipped) entry;
      problem = false;
      skipsByReason[skip.reason().ordinal()]++;
      if (skipped.hasRoom()) {
        String path = Display.visible(skip.path());
        String target = Display.visible(skip.target());
        skipped.add(
            new HtmlView.SkippedRow(path, target, skip.reason().id()), htmlBytes(path) + htmlBytes(target) + 20);
      } else {
        skipped.leaveOut();
      }
    }
    folders.add(entry.path(), problem);
  }

  private boolean addImage(AuditEntry.Image image) {
    int format = image.format().ordinal();
    Verdict.Decision partitionDecision = image.partition().decision();
    Verdict.Decision diskDecision = image.disk().decision();
    Set<Flag> imageFlags = image.flags();
    images[format]++;
    partition[format][partitionDecision.ordinal()]++;
    disk[format][diskDecision.ordinal()]++;
    if (!imageFlags.isEmpty()) {
      flaggedByFormat[format]++;
      for (Flag flag : imageFlags) {
        flags[flag.ordinal()]++;
      }
    }
    if (partitionDecision != Verdict.Decision.ACCEPTED) {
      reasons.add(partitionDecision == Verdict.Decision.REJECTED ? "virtmgr" : "virtmgr error", image.partition().reason());
    }
    if (diskDecision == Verdict.Decision.REJECTED) {
      reasons.add("crosvm", image.disk().reason());
    }

    // Formatted once per row kept, never for an entry that is only counted.
    String path = null;
    String target = null;
    if (partitionDecision == Verdict.Decision.REJECTED) {
      if (rejected.hasRoom()) {
        path = Display.visible(image.path());
        target = Display.visible(image.target());
        String reason = Display.visible(image.partition().reason());
        rejected.add(
            new HtmlView.RejectedRow(path, target, image.format().id(), reason),
            htmlBytes(path) + htmlBytes(target) + htmlBytes(reason) + 20);
      } else {
        rejected.leaveOut();
      }
    }
    if (diskDecision == Verdict.Decision.REJECTED) {
      if (crosvmRejected.hasRoom()) {
        path = path != null ? path : Display.visible(image.path());
        target = target != null ? target : Display.visible(image.target());
        String reason = Display.visible(image.disk().reason());
        crosvmRejected.add(
            new HtmlView.RejectedRow(path, target, image.format().id(), reason),
            htmlBytes(path) + htmlBytes(target) + htmlBytes(reason) + 20);
      } else {
        crosvmRejected.leaveOut();
      }
    }
    if (!imageFlags.isEmpty()) {
      if (flagged.hasRoom()) {
        path = path != null ? path : Display.visible(image.path());
        target = target != null ? target : Display.visible(image.target());
        String flagIds = HtmlView.flagIds(imageFlags);
        flagged.add(
            new HtmlView.FlaggedRow(path, target, image.format().id(), flagIds),
            htmlBytes(path) + htmlBytes(target) + flagIds.length() + 20);
      } else {
        flagged.leaveOut();
      }
    }
    if (imageRows.hasRoom()) {
      path = path != null ? path : Display.visible(image.path());
      target = target != null ? target : Display.visible(image.target());
      HtmlView.ImageRow row = HtmlView.imageRow(image, path, target);
      imageRows.add(
          row,
          htmlBytes(path) + htmlBytes(target) + htmlBytes(row.verdictReason()) + htmlBytes(row.diskReason())
              + row.flags().length() + 200);
    } else {
      imageRows.leaveOut();
    }
    return partitionDecision != Verdict.Decision.ACCEPTED
        || diskDecision == Verdict.Decision.REJECTED
        || !imageFlags.isEmpty();
  }

  /**
   * Returns the most bytes {@code s} can take in the page: each character as UTF-8, or as the
   * longest escape Mustache writes for it ({@code &quot;}). Null takes none.
   */
  static long htmlBytes(String s) {
    if (s == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '=' || c < 0x20) {
        bytes += 6;
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Returns {@code s} cut to {@code max} characters, its middle replaced by an ellipsis, for a label. */
  static String shorten(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int head = max / 2;
    int tail = max - head - 1;
    if (Character.isHighSurrogate(s.charAt(head - 1))) {
      head--;
    }
    int from = s.length() - tail;
    if (Character.isLowSurrogate(s.charAt(from))) {
      from++;
    }
    return s.substring(0, head) + "\u2026" + s.substring(from);
  }

  /**
   * The first rows of a table, in walk order, up to a number of rows and of HTML bytes; once one
   * row is left out, every later one is too, so the rows shown are always the first ones.
   */
  static final class Capped<R> {
    private final int maxRows;
    private final long maxBytes;
    private final List<R> rows = new ArrayList<>();
    private long bytes;
    private long leftOut;

    Capped(Limits limits) {
      maxRows = limits.rows();
      maxBytes = limits.tableBytes();
    }

    /** Returns true while a row may still be kept: format one only then. */
    boolean hasRoom() {
      return leftOut == 0 && rows.size() < maxRows;
    }

    /** Keeps {@code row}, whose values take {@code valueBytes}, or leaves it out when it does not fit. */
    void add(R row, long valueBytes) {
      long rowBytes = valueBytes + ROW_MARKUP;
      if (bytes + rowBytes > maxBytes) {
        leftOut++;
        return;
      }
      rows.add(row);
      bytes += rowBytes;
    }

    /** Counts a row left out. */
    void leaveOut() {
      leftOut++;
    }

    List<R> rows() {
      return rows;
    }

    long leftOut() {
      return leftOut;
    }
  }

  /**
   * The reasons given for rejections, with how many images each: the first {@code max} distinct
   * reasons met are counted by name, the rest together (reasons name sizes and versions, so their
   * number is not bounded by the store's formats).
   */
  static final class Reasons {
    /** A checker and what it said. */
    record Key(String check, String reason) {
      // Written out: a record's generated equals and hashCode go through method handles, which C1
      // (the launcher's only compiler) runs slowly, and a Key is looked up for every rejection.
      @Override
      public boolean equals(Object o) {
        return o instanceof Key k && Objects.equals(check, k.check) && Objects.equals(reason, k.reason);
      }

      @Override
      public int hashCode() {
        return 31 * Objects.hashCode(check) + Objects.hashCode(reason);
      }
    }

    private final int max;
    private final Map<Key, long[]> counts = new LinkedHashMap<>();
    private long otherImages;

    Reasons(int max) {
      this.max = max;
    }

    void add(String check, String reason) {
      Key key = new Key(check, reason);
      long[] count = counts.get(key);
      if (count != null) {
        count[0]++;
      } else if (counts.size() < max) {
        counts.put(key, new long[] {1});
      } else {
        otherImages++;
      }
    }

    Map<Key, long[]> counts() {
      return counts;
    }

    long otherImages() {
      return otherImages;
    }
  }

  /**
   * Files and problems by top-level folder: the folder just below the input an entry was found
   * under ({@code store/team-a} for {@code store/team-a/x/disk.img} walked from {@code store}),
   * the input itself for a file directly in it, and the parent folder for a path that is no input's
   * (read from a list). The walk yields a folder's entries one after another, so the
   * folder of the previous entry is tried first, without building a string. An input that is itself
   * an entry (a file, {@code fd:3}) is its own group.
   */
  static final class Folders {
    /** The key of paths with no folder: a bare name read from a list. */
    static final String CURRENT = ".";
    /** Inputs looked at as roots: enough for any command line, and a bounded cost per entry. */
    static final int MAX_ROOTS = 256;

    private final List<String> roots = new ArrayList<>();
    private final int max;
    private final Map<String, long[]> counts = new HashMap<>();
    private final long[] other = new long[2];
    private String lastKey;
    private long[] last;
    private int lastRoot;

    Folders(List<String> inputs, int max) {
      this.max = max;
      for (String input : inputs.subList(0, Math.min(inputs.size(), MAX_ROOTS))) {
        // The walk names children "input/name", or "input" + "name" when the input ends with '/'.
        String root = input;
        while (root.length() > 1 && root.endsWith("/")) {
          root = root.substring(0, root.length() - 1);
        }
        roots.add(root);
      }
    }

    void add(String path, boolean problem) {
      int end = keyEnd(path);
      long[] count;
      if (last != null && sameKey(lastKey, path, end)) {
        count = last;
      } else {
        String key = end < 0 ? CURRENT : end == 0 ? "/" : path.substring(0, end);
        count = counts.get(key);
        if (count == null) {
          if (counts.size() < max) {
            count = new long[2];
            counts.put(key, count);
          } else {
            count = other;
          }
        }
        lastKey = key;
        last = count;
      }
      count[0]++;
      if (problem) {
        count[1]++;
      }
    }

    private static boolean sameKey(String key, String path, int end) {
      if (end < 0) {
        return key.equals(CURRENT);
      }
      if (end == 0) {
        return key.equals("/");
      }
      return key.length() == end && path.startsWith(key);
    }

    /** Returns how long the path's folder key is: 0 for "/", -1 for "." (no folder in the path). */
    private int keyEnd(String path) {
      int root = rootOf(path);
      if (root >= 0) {
        String r = roots.get(root);
        if (path.length() == r.length()) {
          // An input named itself: a file, a descriptor.
          return r.length();
        }
        int from = r.endsWith("/") ? r.length() : r.length() + 1;
        int slash = path.indexOf('/', from);
        return slash < 0 ? r.length() : slash;
      }
      return path.lastIndexOf('/');
    }

    /** Returns the index of the input {@code path} is or lies below, or -1. */
    private int rootOf(String path) {
      if (lastRoot < roots.size() && within(path, roots.get(lastRoot))) {
        return lastRoot;
      }
      for (int i = 0; i < roots.size(); i++) {
        if (within(path, roots.get(i))) {
          lastRoot = i;
          return i;
        }
      }
      return -1;
    }

    private static boolean within(String path, String root) {
      if (!path.startsWith(root)) {
        return false;
      }
      return path.length() == root.length() || root.endsWith("/") || path.charAt(root.length()) == '/';
    }

    Map<String, long[]> counts() {
      return counts;
    }

    /** Files and problems of the folders met after {@code max} others: counted, not named. */
    long[] other() {
      return other;
    }
  }
}
