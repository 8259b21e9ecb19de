package dev.imageaudit.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the single "Footer" section picocli writes for a command's help footer into man page
 * sections: each footer paragraph headed {@code Title:} becomes a section {@code == Title} whose
 * indented lines are a definition list ({@code "  term  text"}, or {@code "  term"} with the text
 * on the deeper-indented lines after it), and a paragraph {@code "Title: text..."} becomes a
 * section holding the text. The terminal help keeps its plain layout; only the man page changes.
 */
final class ManPageFooter {

  private static final String START = "// tag::picocli-generated-man-section-footer[]";
  private static final String END = "// end::picocli-generated-man-section-footer[]";
  private static final Pattern HEADING = Pattern.compile("([A-Z][^:]*):");
  private static final Pattern LEAD = Pattern.compile("([A-Z][^:]*): (.*)");
  private static final Pattern TERM_AND_TEXT = Pattern.compile(" {2}(\\S+) {2,}(.*)");

  private ManPageFooter() {}

  /** Returns {@code adoc} with its footer section rewritten; unchanged when it has none. */
  static String toSections(String adoc) {
    int start = adoc.indexOf(START);
    int end = adoc.indexOf(END);
    if (start < 0 || end < start) {
      return adoc;
    }
    StringBuilder sections = new StringBuilder();
    for (List<String> paragraph : paragraphs(adoc.substring(start + START.length(), end))) {
      section(paragraph, sections);
    }
    return adoc.substring(0, start) + sections + adoc.substring(end + END.length());
  }

  // The footer's paragraphs, without picocli's section title and [%hardbreaks] markers.
  private static List<List<String>> paragraphs(String footer) {
    List<List<String>> paragraphs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : footer.split("\n", -1)) {
      if (line.isBlank() || line.startsWith("== ") || line.equals("[%hardbreaks]")) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(line);
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current);
    }
    return paragraphs;
  }

  private static void section(List<String> lines, StringBuilder out) {
    Matcher heading = HEADING.matcher(lines.get(0));
    Matcher lead = LEAD.matcher(lines.get(0));
    if (heading.matches()) {
      out.append("== ").append(heading.group(1)).append("\n\n");
      definitions(lines.subList(1, lines.size()), out);
    } else if (lead.matches()) {
      out.append("== ").append(lead.group(1)).append("\n\n").append(lead.group(2));
      for (String line : lines.subList(1, lines.size())) {
        out.append('\n').append(line.strip());
      }
      out.append("\n\n");
    } else {
      out.append(String.join("\n", lines)).append("\n\n");
    }
  }

  // "  term  text" or "  term" then "      text" lines: one entry each, the term kept literal.
  private static void definitions(List<String> lines, StringBuilder out) {
    for (String line : lines) {
      Matcher termAndText = TERM_AND_TEXT.matcher(line);
      if (termAndText.matches()) {
        out.append("\n`+").append(termAndText.group(1)).append("+`::\n  ");
        out.append(termAndText.group(2));
      } else if (line.startsWith("  ") && !line.startsWith("   ")) {
        out.append("\n`+").append(line.strip()).append("+`::\n  ");
      } else {
        out.append(' ').append(line.strip());
      }
    }
    out.append("\n\n");
  }
}
