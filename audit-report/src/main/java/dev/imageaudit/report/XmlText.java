package dev.imageaudit.report;

/**
 * Makes any string safe as XML 1.0 text or attribute value: the five markup characters become
 * entities, and characters XML 1.0 cannot hold at all (C0 controls other than tab, newline and
 * carriage return; U+FFFE, U+FFFF; unpaired surrogates) become a visible escape, {@code \xNN} for a
 * control and {@code \\uXXXX} for the others, since no entity can express them.
 */
final class XmlText {

  private XmlText() {}

  /** Returns {@code s} escaped for text or a double-quoted attribute; null gives "". */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        // In an attribute a raw newline or tab is normalised to a space by readers: keep them exact.
        case '\t' -> out.append("&#9;");
        case '\n' -> out.append("&#10;");
        case '\r' -> out.append("&#13;");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\x%02X", (int) c));
          } else if (c == 0xFFFE || c == 0xFFFF) {
            out.append(String.format("\\u%04X", (int) c));
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
