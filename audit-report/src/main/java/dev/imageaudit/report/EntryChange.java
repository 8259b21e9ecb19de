package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import java.util.List;
import java.util.Set;

/**
 * How one path differs between two reports of the same store: added, removed, or changed in some
 * {@link Aspect}s; paths alike in both are not changes.
 *
 * <p>A path's problems are its flags ({@code flag/ID}) and, for a path that could not be audited,
 * its error ({@code error/KIND}). A new problem is one the path has in the new report and did not
 * have in the old one (every problem of an added path is new); a resolved problem the reverse.
 *
 * @param kind added, removed or changed
 * @param before the old report's entry, or null when added
 * @param after the new report's entry, or null when removed
 * @param changed what differs, for a changed path (empty otherwise)
 * @param flagsGained flags the path carries now and did not (all of an added image's)
 * @param flagsLost flags the path carried and does not now (all of a removed image's)
 * @param newProblems problems the path has now and did not have
 * @param resolvedProblems problems the path had and has no more
 */
public record EntryChange(
    Kind kind,
    AuditEntry before,
    AuditEntry after,
    Set<Aspect> changed,
    Set<Flag> flagsGained,
    Set<Flag> flagsLost,
    List<String> newProblems,
    List<String> resolvedProblems) {

  /** Added, removed or changed; {@link #id()} is the name in reports. */
  public enum Kind {
    ADDED("added"),
    REMOVED("removed"),
    CHANGED("changed");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** Returns the stable name used in reports. */
    public String id() {
      return id;
    }
  }

  /** What may differ about a path present in both reports; {@link #id()} is the name in reports. */
  public enum Aspect {
    /** Image, skipped or error. */
    KIND("kind"),
    FORMAT("format"),
    /** The file size or the virtual size. */
    SIZE("size"),
    /** virtmgr's decision on it as a partition image. */
    PARTITION("partition"),
    /** crosvm's decision on it as a whole disk. */
    DISK("disk"),
    FLAGS("flags"),
    /** The error's kind, or the skip's reason. */
    REASON("reason");

    private final String id;

    Aspect(String id) {
      this.id = id;
    }

    /** Returns the stable name used in reports. */
    public String id() {
      return id;
    }
  }

  public EntryChange {
    changed = Set.copyOf(changed);
    flagsGained = Set.copyOf(flagsGained);
    flagsLost = Set.copyOf(flagsLost);
    newProblems = List.copyOf(newProblems);
    resolvedProblems = List.copyOf(resolvedProblems);
  }

  /** Returns the entry this change is about: the new one, or the old one when removed. */
  public AuditEntry entry() {
    return after != null ? after : before;
  }
}
