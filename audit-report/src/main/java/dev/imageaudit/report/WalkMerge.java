package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.WalkOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a new run's entries, pushed one at a time in walk order, with an old report read one
 * entry at a time as the new ones pass it: a merge of two sorted streams, so memory holds one entry
 * of each whatever the reports' sizes. Each difference goes to a {@link Listener} at once.
 *
 * <p>Both sides are in {@link WalkOrder} within an input. Inputs are walked in the order given,
 * which need not be sorted, so each side is cut into runs where its order restarts (a path not
 * after the one before it), and entries compare by (run number, walk order): reports of the same
 * inputs given in the same order line up input by input. Reports of different inputs still compare
 * without error, as paths added and removed.
 */
public final class WalkMerge {

  /** Receives each difference as it is found. */
  @FunctionalInterface
  public interface Listener {
    void change(EntryChange change) throws IOException;
  }

  /** Where the old entries come from: the next one, or null after the last. */
  @FunctionalInterface
  public interface Source {
    AuditEntry next() throws IOException;
  }

  private final Source old;
  private final Listener listener;
  private final Side oldSide = new Side();
  private final Side newSide = new Side();
  private AuditEntry oldHead;
  private byte[] oldKey;
  private long oldRun;
  private long unchanged;
  private boolean started;

  /** A merge against {@code old}, telling {@code listener} of every difference. */
  public WalkMerge(Source old, Listener listener) {
    this.old = Objects.requireNonNull(old, "old");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Takes the new run's next entry (in walk order), reporting the old ones it passed as removed. */
  public void next(AuditEntry entry) throws IOException {
    if (!started) {
      advanceOld();
      started = true;
    }
    byte[] key = WalkOrder.bytes(entry);
    long run = newSide.run(key);
    while (oldHead != null && compare(oldRun, oldKey, run, key) < 0) {
      listener.change(removed(oldHead));
      advanceOld();
    }
    if (oldHead != null && compare(oldRun, oldKey, run, key) == 0) {
      EntryChange change = compare(oldHead, entry);
      if (change == null) {
        unchanged++;
      } else {
        listener.change(change);
      }
      advanceOld();
    } else {
      listener.change(added(entry));
    }
  }

  /** Ends the merge: every old entry not met is reported as removed. */
  public void finish() throws IOException {
    if (!started) {
      advanceOld();
      started = true;
    }
    while (oldHead != null) {
      listener.change(removed(oldHead));
      advanceOld();
    }
  }

  /** Returns how many paths were alike in both. */
  public long unchanged() {
    return unchanged;
  }

  private void advanceOld() throws IOException {
    oldHead = old.next();
    if (oldHead != null) {
      oldKey = WalkOrder.bytes(oldHead);
      oldRun = oldSide.run(oldKey);
    }
  }

  private static int compare(long runA, byte[] a, long runB, byte[] b) {
    if (runA != runB) {
      return Long.compare(runA, runB);
    }
    return WalkOrder.compare(a, b);
  }

  /** Counts the runs of one side: a new run starts where the order restarts. */
  private static final class Side {
    private byte[] previous;
    private long run;

    long run(byte[] key) {
      if (previous != null && WalkOrder.compare(previous, key) >= 0) {
        run++;
      }
      previous = key;
      return run;
    }
  }

  // ---- one path ----

  /** Returns the problems of an entry: its flags, or its error. */
  static List<String> problems(AuditEntry entry) {
    List<String> problems = new ArrayList<>(2);
    if (entry instanceof AuditEntry.Image image) {
      for (Flag flag : image.flags()) {
        problems.add(Rules.flagId(flag));
      }
    } else if (entry instanceof AuditEntry.Failed failed) {
      problems.add("error/" + failed.kind().id());
    }
    return problems;
  }

  private static Set<Flag> flags(AuditEntry entry) {
    return entry instanceof AuditEntry.Image image && !image.flags().isEmpty()
        ? EnumSet.copyOf(image.flags())
        : EnumSet.noneOf(Flag.class);
  }

  static EntryChange added(AuditEntry entry) {
    return new EntryChange(
        EntryChange.Kind.ADDED, null, entry, Set.of(), flags(entry), Set.of(), problems(entry), List.of());
  }

  static EntryChange removed(AuditEntry entry) {
    return new EntryChange(
        EntryChange.Kind.REMOVED, entry, null, Set.of(), Set.of(), flags(entry), List.of(), problems(entry));
  }

  /** Returns how the same path differs between {@code before} and {@code after}, or null when alike. */
  static EntryChange compare(AuditEntry before, AuditEntry after) {
    Set<EntryChange.Aspect> changed = EnumSet.noneOf(EntryChange.Aspect.class);
    if (before.getClass() != after.getClass()) {
      changed.add(EntryChange.Aspect.KIND);
    }
    if (before instanceof AuditEntry.Image a && after instanceof AuditEntry.Image b) {
      if (a.format() != b.format()) {
        changed.add(EntryChange.Aspect.FORMAT);
      }
      if (a.fileSize() != b.fileSize() || !Objects.equals(a.virtualSize(), b.virtualSize())) {
        changed.add(EntryChange.Aspect.SIZE);
      }
      if (a.partition().decision() != b.partition().decision()) {
        changed.add(EntryChange.Aspect.PARTITION);
      }
      if (a.disk().decision() != b.disk().decision()) {
        changed.add(EntryChange.Aspect.DISK);
      }
    } else if (before instanceof AuditEntry.Failed a && after instanceof AuditEntry.Failed b) {
      if (a.kind() != b.kind()) {
        changed.add(EntryChange.Aspect.REASON);
      }
    } else if (before instanceof AuditEntry.Skipped a && after instanceof AuditEntry.Skipped b) {
      if (a.reason() != b.reason()) {
        changed.add(EntryChange.Aspect.REASON);
      }
    }
    Set<Flag> oldFlags = flags(before);
    Set<Flag> newFlags = flags(after);
    Set<Flag> gained = EnumSet.noneOf(Flag.class);
    gained.addAll(newFlags);
    gained.removeAll(oldFlags);
    Set<Flag> lost = EnumSet.noneOf(Flag.class);
    lost.addAll(oldFlags);
    lost.removeAll(newFlags);
    if (!gained.isEmpty() || !lost.isEmpty()) {
      changed.add(EntryChange.Aspect.FLAGS);
    }
    List<String> oldProblems = problems(before);
    List<String> newProblems = problems(after);
    List<String> appeared = new ArrayList<>(newProblems);
    appeared.removeAll(oldProblems);
    List<String> resolved = new ArrayList<>(oldProblems);
    resolved.removeAll(newProblems);
    if (changed.isEmpty() && appeared.isEmpty() && resolved.isEmpty()) {
      return null;
    }
    return new EntryChange(EntryChange.Kind.CHANGED, before, after, changed, gained, lost, appeared, resolved);
  }
}
