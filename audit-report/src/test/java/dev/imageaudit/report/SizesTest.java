package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.U64;
import org.junit.jupiter.api.Test;

class SizesTest {

  @Test
  void describesExactlyWithAHumanFormBeside() {
    assertThat(Sizes.describe(U64.of(67_108_864))).isEqualTo("67108864 (64 MiB)");
    assertThat(Sizes.describe(U64.of(-1L))).isEqualTo("18446744073709551615 (16 EiB)");
    assertThat(Sizes.describe(U64.of(Long.MIN_VALUE))).isEqualTo("9223372036854775808 (8 EiB)");
    assertThat(Sizes.describe(null)).isEqualTo("\u2014");
  }

  @Test
  void humanFormHasAtMostOneDecimal() {
    assertThat(Sizes.human(U64.ZERO)).isEqualTo("0 B");
    assertThat(Sizes.human(U64.of(1023))).isEqualTo("1023 B");
    assertThat(Sizes.human(U64.of(1024))).isEqualTo("1 KiB");
    assertThat(Sizes.human(U64.of(1536))).isEqualTo("1.5 KiB");
    assertThat(Sizes.human(U64.of(10L << 30 | 200L << 20))).isEqualTo("10.2 GiB");
    // 1048575 B is 1023.999 KiB; rounded it is a whole MiB, not "1024 KiB".
    assertThat(Sizes.human(U64.of((1L << 20) - 1))).isEqualTo("1 MiB");
  }
}
