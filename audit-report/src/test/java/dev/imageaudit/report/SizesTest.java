package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.U64;
import java.math.BigDecimal;
import java.math.RoundingMode;
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

  @Test
  void longArithmeticGivesWhatExactDecimalArithmeticGives() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      // Every magnitude, and values just around the unit boundaries and the halves of a tenth.
      long bits = random.nextLong() >>> random.nextInt(64);
      if (i % 3 == 0) {
        int shift = 10 * random.nextInt(1, 7);
        bits = (1L << shift) + random.nextLong(-2048, 2048);
      }
      U64 size = U64.of(bits);
      assertThat(Sizes.human(size)).as("%s", size).isEqualTo(reference(size));
    }
    for (long bits : new long[] {0, 1, 1023, 1024, 1075, 1076, 1126, 1127, -1L, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertThat(Sizes.human(U64.of(bits))).isEqualTo(reference(U64.of(bits)));
    }
  }

  /** The exact BigDecimal form this class used before: the reference for the long arithmetic. */
  private static String reference(U64 size) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    BigDecimal kib = BigDecimal.valueOf(1024);
    BigDecimal value = new BigDecimal(size.toBigInteger());
    int unit = 0;
    while (unit < units.length - 1 && value.compareTo(kib) >= 0) {
      value = value.divide(kib);
      unit++;
    }
    BigDecimal rounded = value.setScale(1, RoundingMode.HALF_EVEN);
    if (rounded.compareTo(kib) >= 0 && unit < units.length - 1) {
      rounded = rounded.divide(kib).setScale(1, RoundingMode.HALF_EVEN);
      unit++;
    }
    return rounded.stripTrailingZeros().toPlainString() + " " + units[unit];
  }
}
