package dev.imageaudit.core;

import java.math.BigInteger;

/**
 * An unsigned 64-bit value read from an image header; its decimal form is never negative.
 *
 * <p>Header fields such as a qcow2 virtual size are u64 on disk and may pass 2^63. Java has no
 * unsigned long, so this wrapper keeps the 64 bits and does every comparison and conversion
 * unsigned.
 *
 * @param bits the value's 64 bits, read as unsigned
 */
public record U64(long bits) implements Comparable<U64> {

  /** The value zero. */
  public static final U64 ZERO = new U64(0);

  /** Returns the unsigned value whose 64 bits are {@code bits}. */
  public static U64 of(long bits) {
    return new U64(bits);
  }

  /** Returns the product of two unsigned 32-bit values, which always fits in 64 bits. */
  public static U64 ofProduct(int u32a, int u32b) {
    return new U64(Integer.toUnsignedLong(u32a) * Integer.toUnsignedLong(u32b));
  }

  /** Returns the exact value as a {@link BigInteger}. */
  public BigInteger toBigInteger() {
    // Without going through a decimal string: the low 63 bits, then the top bit.
    BigInteger low = BigInteger.valueOf(bits & Long.MAX_VALUE);
    return bits < 0 ? low.setBit(63) : low;
  }

  /** Returns true if this value is a multiple of {@code divisor} (a positive power of two or any positive long). */
  public boolean isMultipleOf(long divisor) {
    return Long.remainderUnsigned(bits, divisor) == 0;
  }

  @Override
  public int compareTo(U64 other) {
    return Long.compareUnsigned(bits, other.bits);
  }

  /** Returns the unsigned decimal form, for example {@code 18446744073709551615}. */
  @Override
  public String toString() {
    return Long.toUnsignedString(bits);
  }
}
