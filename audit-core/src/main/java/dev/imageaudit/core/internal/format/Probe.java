package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;
import java.util.Arrays;

/**
 * What detectors see of one image: its head, read once by the auditor, and its tail, read once on
 * the first detector's demand, with the whole source behind them for reads a header points to.
 */
public final class Probe {
  private final byte[] head;
  private final ImageSource source;
  private final long size;
  private final byte[] tailBuffer;
  private byte[] tail;

  public Probe(byte[] head, ImageSource source, long size) {
    this(head, source, size, null);
  }

  /**
   * As above, reading a whole tail into {@code tailBuffer} ({@link Caps#TAIL} bytes, or null for a
   * new array): the caller's array for this one image, not to be used again until its audit ends.
   */
  public Probe(byte[] head, ImageSource source, long size, byte[] tailBuffer) {
    this.head = head;
    this.source = source;
    this.size = size;
    this.tailBuffer = tailBuffer;
  }

  /** Returns the first {@link Caps#HEAD} bytes (fewer for a short file). Do not modify. */
  public byte[] head() {
    return head;
  }

  /**
   * Returns the last {@link Caps#TAIL} bytes of the file (fewer for a short file), where formats
   * keep footers: fixed VHD, DMG's koly block, zstd's seek table, VMDK's stream footer. Read once.
   * A file that shrank before the read has no tail: the bytes would not end at {@link #size()}, so
   * none are returned. Do not modify.
   */
  byte[] tail() throws IOException {
    if (tail == null) {
      if (size <= head.length) {
        // The head holds the whole file: its last bytes are the tail, the head itself when it is short.
        int from = (int) Math.max(0, head.length - Caps.TAIL);
        tail = from == 0 ? head : Arrays.copyOfRange(head, from, head.length);
      } else {
        int length = (int) Math.min(Caps.TAIL, size);
        byte[] read = source.read(size - length, length, tailBuffer);
        tail = read.length == length ? read : new byte[0];
      }
    }
    return tail;
  }

  /** Returns the file's size (st_size, or a block device's capacity). */
  public long size() {
    return size;
  }

  /** Returns the whole image, for reads past head and tail, under its per-file cap. */
  ImageSource source() {
    return source;
  }
}
