package dev.imageaudit.core.internal;

/**
 * The read caps, in one place. Detection reads a bounded window of each file, never more,
 * whatever a header claims: a hostile header must not make the audit slow or hungry.
 */
public final class Caps {
  /** Bytes read from the start of every file in one positional read (covers every header here). */
  public static final int HEAD = 4096;

  /** Bytes read from the end of a file, once, for formats that keep a footer there. */
  public static final int TAIL = 4096;

  /** Most bytes of a crosvm composite disk's protobuf read (its component list). */
  public static final int COMPOSITE_DESCRIPTOR = 1 << 20;

  /** Most bytes of a qcow/qcow2 backing file name read (qcow2 limits it to 1023). */
  public static final int BACKING_FILE_NAME = 1023;

  /**
   * Most bytes read from any one file, all reads together: a hard ceiling above the sum of any one
   * format's caps, so a defect in a detector cannot turn into an unbounded read.
   */
  public static final long PER_FILE = 4 << 20;

  private Caps() {}

  static void check(long alreadyRead, int length, long cap) {
    if (length < 0 || alreadyRead + length > cap) {
      throw new IllegalStateException(
          "read of " + length + " bytes would pass the cap of " + cap + " (already read " + alreadyRead + ")");
    }
  }
}
