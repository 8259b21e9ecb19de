package dev.imageaudit.core.internal;

/** Fixed-width integer reads from a byte array; callers check the length first. */
final class Bytes {
  private Bytes() {}

  static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  static int u16le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  static int u32le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
  }

  static int u32be(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  static long u64be(byte[] b, int at) {
    return (long) u32be(b, at) << 32 | (u32be(b, at + 4) & 0xFFFF_FFFFL);
  }

  static int u16be(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  static long u64le(byte[] b, int at) {
    return (u32le(b, at) & 0xFFFF_FFFFL) | (long) u32le(b, at + 4) << 32;
  }

  /** Returns true if {@code b} holds {@code magic} at {@code at}. */
  static boolean startsWith(byte[] b, int at, byte[] magic) {
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
}
