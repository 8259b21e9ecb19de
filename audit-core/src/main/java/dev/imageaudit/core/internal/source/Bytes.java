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
    return new String(b, at, end - at, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7E]", "?");
  }

  /** Returns true if the field at {@code at} holds {@code text} followed by a NUL, as C's strcmp sees it. */
  static boolean cstringEquals(byte[] b, int at, String text) {
    byte[] want = text.getBytes(StandardCharsets.US_ASCII);
    return b.length > at + want.length && startsWith(b, at, want) && b[at + want.length] == 0;
  }

  /** Returns the GUID at {@code at} in its mixed-endian on-disk form (GPT, VHDX) as upper-case text. */
  public static String guid(byte[] b, int at) {
    return String.format(
        "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
        u32le(b, at), u16le(b, at + 4), u16le(b, at + 6),
        b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15]);
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
