package dev.imageaudit.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Output folders kept per run: an output pattern whose last name holds {@value #DATE} (UTC {@code
 * yyyy-MM-dd}) and/or {@value #TIME} (UTC {@code HHmmss}), expanded once when the run starts, and
 * the pruning of older run folders beside it ({@code --keep N}).
 *
 * <p>Pruning deletes only folders that match the same pattern and that image-audit wrote (they hold
 * its {@code .image-audit} marker, see {@link OutputFolder}); anything else beside them is never
 * touched, whatever its name.
 */
public final class RunFolders {

  /** The date placeholder, UTC {@code yyyy-MM-dd}. */
  public static final String DATE = "{date}";
  /** The time placeholder, UTC {@code HHmmss}. */
  public static final String TIME = "{time}";

  private static final DateTimeFormatter DATE_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME_FORMAT =
      DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private RunFolders() {}

  /** Returns true when {@code pattern} holds a placeholder. */
  public static boolean hasPlaceholders(String pattern) {
    return pattern.contains(DATE) || pattern.contains(TIME);
  }

  /**
   * Checks that placeholders are only in the pattern's last name (the run folder itself), so its
   * siblings are the runs to prune.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void check(String pattern) {
    int slash = pattern.lastIndexOf('/');
    String parent = slash < 0 ? "" : pattern.substring(0, slash);
    if (hasPlaceholders(parent)) {
      throw new IllegalArgumentException(
          "{date} and {time} may only be in the output folder's own name (its last part), not in '" + parent + "'");
    }
  }

  /** Returns {@code pattern} with {@value #DATE} and {@value #TIME} replaced by {@code now} in UTC. */
  public static String expand(String pattern, Instant now) {
    return pattern.replace(DATE, DATE_FORMAT.format(now)).replace(TIME, TIME_FORMAT.format(now));
  }

  /**
   * Deletes the run folders beside {@code current} that match {@code pattern}'s last name and were
   * written by image-audit, all but the {@code keep} newest (by the date and time in their names;
   * {@code current} always counts among them and is never deleted).
   *
   * @param pattern the output pattern as given, with its placeholders
   * @param current the folder this run wrote ({@code pattern} expanded)
   * @param keep how many run folders to keep, at least 1
   * @return the folders deleted, oldest last
   * @throws IOException if the parent folder cannot be listed or a folder cannot be deleted
   */
  public static List<Path> prune(String pattern, Path current, int keep) throws IOException {
    Objects.requireNonNull(pattern, "pattern");
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep);
    }
    check(pattern);
    Path absolute = current.toAbsolutePath();
    Path parent = absolute.getParent();
    String name = pattern.substring(pattern.lastIndexOf('/') + 1);
    Pattern matcher = regex(name);
    Path currentReal = absolute.toRealPath();
    List<Run> runs = new ArrayList<>();
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(parent)) {
      for (Path sibling : siblings) {
        Matcher m = matcher.matcher(sibling.getFileName().toString());
        if (m.matches() && ownRunFolder(sibling)) {
          String key = group(m, "date") + group(m, "time");
          runs.add(new Run(sibling, key, sibling.toRealPath().equals(currentReal)));
        }
      }
    }
    // Newest first; the current run first of all, whatever its name says.
    runs.sort(
        Comparator.comparing(Run::current).reversed()
            .thenComparing(Run::key, Comparator.reverseOrder())
            .thenComparing(r -> r.path().getFileName().toString(), Comparator.reverseOrder()));
    List<Path> deleted = new ArrayList<>();
    for (int i = keep; i < runs.size(); i++) {
      Trees.delete(runs.get(i).path());
      deleted.add(runs.get(i).path());
    }
    return deleted;
  }

  private record Run(Path path, String key, boolean current) {}

  private static String group(Matcher m, String name) {
    try {
      String value = m.group(name);
      return value == null ? "" : value;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** A real folder (not a link) holding image-audit's marker as a regular file. */
  private static boolean ownRunFolder(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(dir.resolve(OutputFolder.MARKER), LinkOption.NOFOLLOW_LINKS);
  }

  /** Returns a regular expression for names {@code name} expands to: its literal text quoted. */
  static Pattern regex(String name) {
    StringBuilder regex = new StringBuilder();
    boolean date = false;
    boolean time = false;
    int i = 0;
    while (i < name.length()) {
      if (name.startsWith(DATE, i)) {
        regex.append(date ? "\\d{4}-\\d{2}-\\d{2}" : "(?<date>\\d{4}-\\d{2}-\\d{2})");
        date = true;
        i += DATE.length();
      } else if (name.startsWith(TIME, i)) {
        regex.append(time ? "\\d{6}" : "(?<time>\\d{6})");
        time = true;
        i += TIME.length();
      } else {
        int next = nextPlaceholder(name, i);
        regex.append(Pattern.quote(name.substring(i, next)));
        i = next;
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static int nextPlaceholder(String name, int from) {
    int d = name.indexOf(DATE, from);
    int t = name.indexOf(TIME, from);
    int next = name.length();
    if (d >= 0) {
      next = Math.min(next, d);
    }
    if (t >= 0) {
      next = Math.min(next, t);
    }
    return next;
  }
}
