package dev.imageaudit.cli;

import dev.imageaudit.report.Display;

/** Makes text from the file system safe to print on a terminal. */
final class Terminal {

  private Terminal() {}

  /**
   * Returns {@code s} with every control character replaced by {@code ?}: C0 (below 0x20), DEL and
   * C1 (0x80 to 0x9f), so a hostile file name cannot move the cursor, recolour the terminal or
   * start an escape sequence; and the bidirectional overrides and isolates, so it cannot disguise
   * its extension. {@code null} prints as the empty string. The filter is the reports' own
   * ({@link Display#terminal}), so terminal and report neutralize the same characters.
   */
  static String safe(String s) {
    return Display.terminal(s);
  }
}
