package dev.imageaudit.core.internal.audit;

import dev.imageaudit.core.internal.source.BoundedSource;
import dev.imageaudit.core.internal.source.Caps;
import java.util.ArrayList;
import java.util.List;

/**
 * A file that changes under the audit: from its read number {@code changeAt} (0 is the first) on,
 * its bytes are {@code after} (shorter: it shrank; longer: it grew; other bytes: it was rewritten),
 * while the source keeps the size it took at open, as a real one does. It records, on its own
 * terms, whether the change showed in a read.
 */
public final class ChangingSource extends BoundedSource {

  /** Bytes of a file at one moment, served without copying the whole file. */
  public interface Content {
    /** Returns the file's length. */
    long length();

    /** Copies up to {@code length} bytes at {@code offset} (0 or more) into {@code into}; returns how many. */
    int copy(long offset, byte[] into, int length);

    /** Returns the content of {@code bytes}, which must not change. */
    static Content of(byte[] bytes) {
      return new Content() {
        @Override
        public long length() {
          return bytes.length;
        }

        @Override
        public int copy(long offset, byte[] into, int length) {
          int n = (int) Math.max(0, Math.min(length, bytes.length - offset));
          System.arraycopy(bytes, (int) Math.min(offset, bytes.length), into, 0, n);
          return n;
        }
      };
    }
  }

  private final Content before;
  private final Content after;
  private final int changeAt;
  private final List<Long> offsets = new ArrayList<>();
  private boolean changeSeen;

  public ChangingSource(Content before, Content after, int changeAt) {
    super(before.length(), Caps.PER_FILE);
    this.before = before;
    this.after = after;
    this.changeAt = changeAt;
  }

  public ChangingSource(byte[] before, byte[] after, int changeAt) {
    this(Content.of(before), Content.of(after), changeAt);
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) {
    Content now = offsets.size() >= changeAt ? after : before;
    offsets.add(offset);
    int n = now.copy(offset, into, length);
    // What the file held at open would have filled the same request with this many bytes.
    changeSeen |= n != Math.max(0, Math.min(length, before.length() - offset));
    return n;
  }

  /** Returns the offset of each read made so far, in order. */
  List<Long> offsets() {
    return offsets;
  }

  /** Returns true if some read got another number of bytes than the file at open would have given. */
  public boolean changeSeen() {
    return changeSeen;
  }
}
