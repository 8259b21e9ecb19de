package dev.imageaudit.core.internal.source;

import java.nio.charset.StandardCharsets;

/**
 * Reads of on-disk fields from a byte array: fixed-width integers (signed int bits, or unsigned as
 * long), NUL-terminated text and GUIDs. Callers check the length first.
 */
public final class Bytes {
  private Bytes() {}

  public static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  public static int u16le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  public static int u32le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
  }

  public static int u32be(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  public static long u64be(byte[] b, int at) {
    return (long) u32be(b, at) << 32 | (u32be(b, at + 4) & 0xFFFF_FFFFL);
  }

  public static int u16be(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  public static long u64le(byte[] b, int at) {
    return (u32le(b, at) & 0xFFFF_FFFFL) | (long) u32le(b, at + 4) << 32;
  }

  /** Returns true if {@code b} holds {@code magic} at {@code at}. */
  public static boolean startsWith(byte[] b, int at, byte[] magic) {
    if (b.length < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b[at + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns the little-endian u32 at {@code at} as a non-negative long. */
  public static long u32leUnsigned(byte[] b, int at) {
    return Integer.toUnsignedLong(u32le(b, at));
  }

  /** Returns the big-endian u32 at {@code at} as a non-negative long. */
  public static long u32beUnsigned(byte[] b, int at) {
    return Integer.toUnsignedLong(u32be(b, at));
  }

  /** Returns the text of a fixed-size field up to its first NUL, as ASCII (others become '?'). */
  public static String asciiz(byte[] b, int at, int length) {
    int end = at;
    int limit = Math.min(b.length, at + length);
    while (end < limit && b[end] != 0) {
      end++;
    }
    // Printable ASCII kept, any other byte '?': a regex per field was a visible share of a run's CPU.
    char[] text = new char[end - at];
    for (int i = at; i < end; i++) {
      int c = b[i] & 0xFF;
      text[i - at] = c >= 0x20 && c <= 0x7E ? (char) c : '?';
    }
    return new String(text);
  }

  /**
   * Returns the low {@code digits} hexadecimal digits of {@code value}, zero-padded, as {@code
   * String.format("%0<digits>x")} (or {@code X}) would, without a formatter per call.
   */
  public static String hex(long value, int digits, boolean upperCase) {
    char[] text = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      char c = Character.forDigit((int) (value & 0xF), 16);
      text[i] = upperCase ? Character.toUpperCase(c) : c;
      value >>>= 4;
    }
    return new String(text);
  }

  /** Returns true if the field at {@code at} holds {@code text} followed by a NUL, as C's strcmp sees it. */
  static boolean cstringEquals(byte[] b, int at, String text) {
    byte[] want = text.getBytes(StandardCharsets.US_ASCII);
    return b.length > at + want.length && startsWith(b, at, want) && b[at + want.length] == 0;
  }

  /** Returns the GUID at {@code at} in its mixed-endian on-disk form (GPT, VHDX) as upper-case text. */
  public static String guid(byte[] b, int at) {
    StringBuilder s = new StringBuilder(36);
    s.append(hex(u32le(b, at), 8, true)).append('-');
    s.append(hex(u16le(b, at + 4), 4, true)).append('-');
    s.append(hex(u16le(b, at + 6), 4, true)).append('-');
    for (int i = 8; i < 16; i++) {
      if (i == 10) {
        s.append('-');
      }
      s.append(hex(b[at + i], 2, true));
    }
    return s.toString();
  }

  /** Returns true if the {@code length} bytes at {@code at} are all zero. */
  public static boolean allZero(byte[] b, int at, int length) {
    for (int i = at; i < at + length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code a + b} for unsigned values, saturating at 2^64 - 1 instead of wrapping. */
  static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return Long.compareUnsigned(sum, a) < 0 ? -1L : sum;
  }
}
