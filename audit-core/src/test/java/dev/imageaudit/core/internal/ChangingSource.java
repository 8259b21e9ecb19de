package dev.imageaudit.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A file that changes under the audit: from its read number {@code changeAt} (0 is the first) on,
 * its bytes are {@code after} (shorter: it shrank; longer: it grew; other bytes: it was replaced),
 * while the source keeps the size it took at open, as a real one does. It records, on its own
 * terms, whether the change showed in a read.
 */
final class ChangingSource extends BoundedSource {
  private final byte[] before;
  private final byte[] after;
  private final int changeAt;
  private final List<Long> offsets = new ArrayList<>();
  private boolean changeSeen;

  ChangingSource(byte[] before, byte[] after, int changeAt) {
    super(before.length, Caps.PER_FILE);
    this.before = before;
    this.after = after;
    this.changeAt = changeAt;
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) {
    byte[] now = offsets.size() >= changeAt ? after : before;
    offsets.add(offset);
    int n = copy(now, offset, into, length);
    // What the file held at open would have filled the same request with this many bytes.
    changeSeen |= n != copy(before, offset, new byte[length], length);
    return n;
  }

  private static int copy(byte[] from, long offset, byte[] into, int length) {
    if (offset >= from.length) {
      return 0;
    }
    int n = (int) Math.min(length, from.length - offset);
    System.arraycopy(from, (int) offset, into, 0, n);
    return n;
  }

  /** Returns the offset of each read made so far, in order. */
  List<Long> offsets() {
    return offsets;
  }

  /** Returns true if some read got another number of bytes than the file at open would have given. */
  boolean changeSeen() {
    return changeSeen;
  }
}
