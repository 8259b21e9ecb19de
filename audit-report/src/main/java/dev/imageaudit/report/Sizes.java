package dev.imageaudit.report;

import dev.imageaudit.core.U64;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Sizes for people: the exact unsigned byte count with a binary-unit form beside it. */
final class Sizes {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final BigDecimal KIB = BigDecimal.valueOf(1024);

  private Sizes() {}

  /** Returns e.g. {@code 67108864 (64 MiB)}; {@code null} gives an em dash. */
  static String describe(U64 size) {
    return size == null ? "\u2014" : size + " (" + human(size) + ")";
  }

  /** Returns e.g. {@code 1.5 KiB}: one decimal at most, none when it is zero. */
  static String human(U64 size) {
    // BigDecimal, not double: a u64 above 2^53 must not drift, and above 2^63 must not go negative.
    BigDecimal value = new BigDecimal(size.toBigInteger());
    int unit = 0;
    while (unit < UNITS.length - 1 && value.compareTo(KIB) >= 0) {
      value = value.divide(KIB);
      unit++;
    }
    BigDecimal rounded = value.setScale(1, RoundingMode.HALF_EVEN);
    // 1048575 B is 1023.999 KiB: rounded, that is the next unit's 1.
    if (rounded.compareTo(KIB) >= 0 && unit < UNITS.length - 1) {
      rounded = rounded.divide(KIB).setScale(1, RoundingMode.HALF_EVEN);
      unit++;
    }
    return rounded.stripTrailingZeros().toPlainString() + " " + UNITS[unit];
  }
}
