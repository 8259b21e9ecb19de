package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class WarmUpTest {

  /** A renamed or removed class would make the warm-up quietly stop warming: each name must load. */
  @Test
  void everyClassItWarmsExists() {
    for (String name : WarmUp.SCAN_CLASSES) {
      assertThatCode(() -> Class.forName(name, false, WarmUp.class.getClassLoader()))
          .as(name)
          .doesNotThrowAnyException();
    }
  }
}
