package dev.imageaudit.cli;

/** Makes text from the file system safe to print on a terminal. */
final class Terminal {

  private Terminal() {}

  /**
   * Returns {@code s} with every control character replaced by {@code ?}: C0 (below 0x20), DEL and
   * C1 (0x80 to 0x9f), so a hostile file name cannot move the cursor, recolour the terminal or
   * start an escape sequence; and the bidirectional overrides and isolates, so it cannot disguise
   * its extension. {@code null} prints as the empty string.
   */
  static String safe(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean unsafe = isUnsafe(c);
      if (unsafe && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(unsafe ? '?' : c);
      }
    }
    return out == null ? s : out.toString();
  }

  private static boolean isUnsafe(char c) {
    return c < 0x20
        || c == 0x7f
        || (c >= 0x80 && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
