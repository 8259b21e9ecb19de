package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;
import java.util.Arrays;

/** Reads a detector needs beyond the head, without reading again what the head already holds. */
final class ProbeBytes {
  private ProbeBytes() {}

  /**
   * Returns {@code length} bytes at {@code offset} (fewer at end of file): what lies within the head
   * is copied from it, only the rest is read from the source. The caller bounds {@code length} by its
   * format's cap. A negative offset (a u64 past 2^63) reads nothing.
   */
  static byte[] read(Probe probe, long offset, int length) throws IOException {
    byte[] head = probe.head();
    if (offset < 0) {
      return new byte[0];
    }
    if (offset >= head.length) {
      return probe.source().read(offset, length);
    }
    int fromHead = (int) Math.min(length, head.length - offset);
    byte[] first = Arrays.copyOfRange(head, (int) offset, (int) offset + fromHead);
    if (fromHead == length) {
      return first;
    }
    byte[] rest = probe.source().read(head.length, length - fromHead);
    byte[] all = Arrays.copyOf(first, fromHead + rest.length);
    System.arraycopy(rest, 0, all, fromHead, rest.length);
    return all;
  }

  /**
   * Returns the {@code length} bytes at {@code offset}, or {@code null} if the file holds fewer
   * there: it ends before them, or it shrank while audited ({@link ImageSource#changed()}). For
   * structures read at fixed positions, which a short array would turn into out-of-bounds reads.
   */
  static byte[] readExactly(Probe probe, long offset, int length) throws IOException {
    byte[] bytes = read(probe, offset, length);
    return bytes.length == length ? bytes : null;
  }

  /** Returns true if {@code offset + length} (unsigned, {@code length >= 0}) passes {@code size}. */
  static boolean passesEnd(long offset, long length, long size) {
    long end = offset + length;
    return Long.compareUnsigned(end, offset) < 0 || Long.compareUnsigned(end, size) > 0;
  }
}
