package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.source.Caps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first items of a list that a file can make arbitrarily long, and how many there were: a
 * detector adds every item it meets, the list keeps at most its cap, so what an entry keeps and
 * writes stays bounded however many items the file holds.
 *
 * @param <T> the item type
 */
public final class CappedList<T> {

  /** The details key listing the lists that were cut, each with its full count in {@code <name>Count}. */
  public static final String TRUNCATED_LISTS = "truncatedLists";

  private final int cap;
  private final List<T> kept = new ArrayList<>();
  private long count;

  /** Returns an empty list that keeps at most {@code cap} items (a cap from {@link Caps}). */
  public CappedList(int cap) {
    this.cap = cap;
  }

  /** Counts {@code item}, and keeps it if the cap is not reached. */
  void add(T item) {
    count++;
    if (kept.size() < cap) {
      kept.add(item);
    }
  }

  /** Returns true if another item would be kept: a caller may then skip building one that would not. */
  boolean hasRoom() {
    return kept.size() < cap;
  }

  /** Counts an item that is not built because the list is full ({@link #hasRoom()} is false). */
  void countDropped() {
    count++;
  }

  /** Returns the items kept, in the order added. */
  List<T> kept() {
    return kept;
  }

  /** Returns how many items were added, kept or not. */
  long count() {
    return count;
  }

  /** Notes in {@code found}, if items were cut, the list's full count (see {@link #noteCut}). */
  void noteCutInto(Findings found, String name) {
    if (count > kept.size()) {
      noteCut(found.notes(), name, count);
    }
  }

  /**
   * Records in {@code details} that the list {@code name} was cut from {@code count} items: the
   * count under {@code <name>Count}, the name in {@code details.truncatedLists}.
   */
  @SuppressWarnings("unchecked")
  static void noteCut(Map<String, Object> details, String name, long count) {
    details.put(name + "Count", count);
    List<String> names = (List<String>) details.computeIfAbsent(TRUNCATED_LISTS, k -> new ArrayList<String>());
    names.add(name);
  }
}
