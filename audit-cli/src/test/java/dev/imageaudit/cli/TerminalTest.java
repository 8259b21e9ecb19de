package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTest {

  @Test
  void controlCharactersBecomeQuestionMarks() {
    assertThat(Terminal.safe("a\u0000b\u001bc\nd\re\tf\u007fg\u0080h\u009bi\u009fj"))
        .isEqualTo("a?b?c?d?e?f?g?h?i?j");
  }

  @Test
  void bidiOverridesBecomeQuestionMarks() {
    assertThat(Terminal.safe("invoice\u202egpj.exe")).isEqualTo("invoice?gpj.exe");
    assertThat(Terminal.safe("a\u2066b\u2069")).isEqualTo("a?b?");
  }

  @Test
  void printableTextIsKept() {
    String s = "/srv/images/été ☃ 磁盘 \u00a0.img";
    assertThat(Terminal.safe(s)).isSameAs(s);
    assertThat(Terminal.safe(null)).isEmpty();
  }
}
