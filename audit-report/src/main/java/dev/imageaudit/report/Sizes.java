package dev.imageaudit.report;

import dev.imageaudit.core.U64;

/** Sizes for people: the exact unsigned byte count with a binary-unit form beside it. */
final class Sizes {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {}

  /** Returns e.g. {@code 67108864 (64 MiB)}; {@code null} gives an em dash. */
  static String describe(U64 size) {
    return size == null ? "\u2014" : size + " (" + human(size) + ")";
  }

  /**
   * Returns e.g. {@code 1.5 KiB}: one decimal at most, none when it is zero, rounded half to even.
   * Plain unsigned long arithmetic: exact above 2^53 (where a double drifts) and above 2^63.
   */
  static String human(U64 size) {
    long bits = size.bits();
    int unit = 0;
    // The largest unit whose value is at least 1.
    while (unit < UNITS.length - 1 && bits >>> (10 * (unit + 1)) != 0) {
      unit++;
    }
    long tenths = roundedTenths(bits, unit);
    // 1048575 B is 1023.999 KiB: rounded, that is the next unit's 1.
    if (tenths >= 10_240 && unit < UNITS.length - 1) {
      unit++;
      tenths = roundedTenths(bits, unit);
    }
    long whole = tenths / 10;
    long decimal = tenths % 10;
    return (decimal == 0 ? Long.toString(whole) : whole + "." + decimal) + " " + UNITS[unit];
  }

  /** Returns {@code bits / 1024^unit} in tenths, rounded half to even; below 2^64 / 2^60 * 10, so never overflows. */
  private static long roundedTenths(long bits, int unit) {
    int shift = 10 * unit;
    long whole = bits >>> shift;
    long rest = shift == 0 ? 0 : bits & ((1L << shift) - 1);
    // rest * 10 < 10 * 2^60 fits in an unsigned long; split it into the tenth and what is left over.
    long scaled = rest * 10;
    long tenth = shift == 0 ? 0 : Long.divideUnsigned(scaled, 1L << shift);
    long left = shift == 0 ? 0 : Long.remainderUnsigned(scaled, 1L << shift);
    long tenths = whole * 10 + tenth;
    if (shift > 0) {
      long half = 1L << (shift - 1);
      if (left > half || (left == half && (tenths & 1) == 1)) {
        tenths++;
      }
    }
    return tenths;
  }
}
