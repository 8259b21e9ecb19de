package dev.imageaudit.report;

/** Makes names safe to look at: invisible and misleading characters become visible text. */
final class Display {

  private Display() {}

  /**
   * Returns {@code s} with C0 controls and DEL shown as Unicode control pictures (a newline as ␊),
   * and C1 controls and bidirectional overrides as {@code <U+202E>}. This is about honest display,
   * not safety: HTML escaping is the template engine's job and still applies to the result.
   */
  static String visible(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement = replacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return out == null ? s : out.toString();
  }

  private static String replacement(char c) {
    if (c < 0x20) {
      return String.valueOf((char) (0x2400 + c));
    }
    if (c == 0x7F) {
      return "\u2421";
    }
    // C1 controls, and the bidi embeddings, overrides and isolates used to disguise a file's extension.
    if ((c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
      return String.format("<U+%04X>", (int) c);
    }
    return null;
  }
}
