package dev.imageaudit.report;

import dev.imageaudit.core.Flag;
import java.util.List;

/**
 * What a {@link Policy} makes of one entry's findings: the flags that fail the run, and those
 * waived, each with its waiver. A flag neither failing nor waived is reported and does not count.
 *
 * @param failing the entry's flags that fail the run, in the order of {@link Flag}
 * @param waived the entry's flags a waiver covers, in the order of {@link Flag}
 */
public record EntryPolicy(List<Flag> failing, List<Waived> waived) {

  /** An entry without findings that matter to the policy. */
  public static final EntryPolicy NONE = new EntryPolicy(List.of(), List.of());

  public EntryPolicy {
    failing = List.copyOf(failing);
    waived = List.copyOf(waived);
  }

  /** Returns true when the entry fails the run. */
  public boolean fails() {
    return !failing.isEmpty();
  }

  /**
   * One waived flag.
   *
   * @param flag the flag
   * @param waiver the waiver that covers it
   */
  public record Waived(Flag flag, Waiver waiver) {}
}
