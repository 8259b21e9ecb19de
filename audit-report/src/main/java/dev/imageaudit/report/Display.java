package dev.imageaudit.report;

/**
 * The one filter for text from the file system or the network on its way to a person: it finds the
 * control characters and the bidirectional formatting characters, and renders each one for where
 * the text goes ({@link #visible} for reports, {@link #terminal} for a terminal). Both renderings
 * neutralize exactly the same characters, so a hostile name is caught the same way everywhere.
 */
public final class Display {

  private Display() {}

  /**
   * Returns {@code s} with C0 controls and DEL shown as Unicode control pictures (a newline as ␊),
   * and C1 controls and bidirectional overrides as {@code <U+202E>}. This is about honest display,
   * not safety: HTML escaping is the template engine's job and still applies to the result.
   * {@code null} stays {@code null}.
   */
  public static String visible(String s) {
    return s == null ? null : render(s, true);
  }

  /**
   * Returns {@code s} with every neutralized character replaced by {@code ?}, so a hostile file name
   * cannot move the cursor, recolour the terminal, start an escape sequence or disguise its
   * extension. {@code null} prints as the empty string.
   */
  public static String terminal(String s) {
    return s == null ? "" : render(s, false);
  }

  /**
   * Returns true for the characters both renderings replace: C0 (below 0x20), DEL, C1 (0x80 to
   * 0x9f), and the bidi embeddings, overrides (U+202A to U+202E) and isolates (U+2066 to U+2069)
   * used to disguise a file's extension.
   */
  public static boolean neutralized(char c) {
    return c < 0x20
        || c == 0x7f
        || (c >= 0x80 && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  private static String render(String s, boolean visible) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean replace = neutralized(c);
      if (replace && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (!replace) {
        out.append(c);
      } else if (!visible) {
        out.append('?');
      } else if (c < 0x20) {
        out.append((char) (0x2400 + c));
      } else if (c == 0x7f) {
        out.append('\u2421');
      } else {
        out.append(String.format("<U+%04X>", (int) c));
      }
    }
    return out == null ? s : out.toString();
  }
}
