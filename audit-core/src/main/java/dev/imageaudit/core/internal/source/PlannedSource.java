package dev.imageaudit.core.internal.source;

import java.io.IOException;
import java.util.Arrays;

/**
 * A source whose first-phase reads follow the file's {@link ReadPlan}: each planned range is read
 * from the file once, into the thread's reused plan buffer, the first time a read falls in it, and
 * every later read inside it is answered from that buffer. Reads outside the plan (what a header
 * points to) go to the file. The one place both sources, native and JDK, keep their plan.
 */
abstract class PlannedSource extends BoundedSource {
  private final ReadPlan plan;
  private final byte[] planBuffer;
  /** Per planned range: bytes read into the plan buffer, -1 before its read. */
  private final int[] got;

  /**
   * @param planBuffer at least {@link ReadPlan#CAPACITY} bytes when {@code plan} has ranges; the
   *     ranges lie in it one after another
   */
  PlannedSource(long size, long readCap, ReadPlan plan, byte[] planBuffer) {
    super(size, readCap);
    this.plan = plan;
    this.planBuffer = planBuffer;
    this.got = new int[plan.ranges().size()];
    Arrays.fill(got, -1);
  }

  @Override
  protected final int fetch(long offset, byte[] into, int length) throws IOException {
    int slot = 0;
    for (int i = 0; i < got.length; i++) {
      ReadPlan.Range range = plan.ranges().get(i);
      if (offset >= range.offset() && offset < range.end()) {
        if (got[i] < 0) {
          got[i] = readFile(range.offset(), planBuffer, slot, range.length());
        }
        int from = (int) (offset - range.offset());
        // Inside the range as read, or past the end of a file the range already reached.
        if (from + length <= got[i] || got[i] < range.length()) {
          int n = Math.max(0, Math.min(length, got[i] - from));
          System.arraycopy(planBuffer, slot + from, into, 0, n);
          return n;
        }
        break;
      }
      slot += range.length();
    }
    return readFile(offset, into, 0, length);
  }

  /**
   * Reads {@code length} bytes of the file at {@code offset} into {@code into} at {@code at}; fewer
   * only at its end.
   */
  protected abstract int readFile(long offset, byte[] into, int at, int length) throws IOException;
}
