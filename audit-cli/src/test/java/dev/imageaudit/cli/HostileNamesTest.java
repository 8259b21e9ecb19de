package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.report.Display;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal and the reports neutralize the same characters of a hostile name. */
class HostileNamesTest {

  private static final List<String> HOSTILE = List.of(
      "\u001b[31mred\u001b[0m.img",
      "\u001b]0;title\u0007.qcow2",
      "csi\u009b2J.raw",
      "c1\u0085next\u009f.img",
      "invoice\u202egpj.exe",
      "iso\u2066late\u2069d.vmdk",
      "line\nbreak\r\n.img",
      "tab\tdel\u007f.img",
      // The JDK's decoding of invalid UTF-8 (U+FFFD), and the walker's \xNN form of such bytes.
      new String(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xc3, '.', 'i', 'm', 'g'}, StandardCharsets.UTF_8),
      "bad\\xff\\xc3.img");

  @Test
  void bothCallersReplaceTheSameCharactersAndKeepTheRest() {
    for (String name : HOSTILE) {
      String terminal = Terminal.safe(name);
      String report = Display.visible(name);

      assertThat(terminal).as(name).isEqualTo(questionMarks(report));
      assertThat(terminal.chars().noneMatch(c -> Display.neutralized((char) c))).as(terminal).isTrue();
      assertThat(report.chars().noneMatch(c -> Display.neutralized((char) c))).as(report).isTrue();
    }
  }

  @Test
  void invalidUtf8ReplacementIsKeptByBoth() {
    String name = new String(new byte[] {'x', (byte) 0xfe, 'y'}, StandardCharsets.UTF_8);
    assertThat(Terminal.safe(name)).isEqualTo("x\uFFFDy");
    assertThat(Display.visible(name)).isEqualTo("x\uFFFDy");
  }

  @Test
  void eachRenderingOfAHostileNameIsItsOwn() {
    assertThat(Terminal.safe("\u001b[2Jx\u202e\n")).isEqualTo("?[2Jx??");
    assertThat(Display.visible("\u001b[2Jx\u202e\n")).isEqualTo("\u241b[2Jx<U+202E>\u240a");
  }

  /** The report's rendering with each replacement written as the terminal's {@code ?}. */
  private static String questionMarks(String visible) {
    return visible.replaceAll("<U\\+[0-9A-F]{4}>", "?").replaceAll("[\u2400-\u2421]", "?");
  }
}
