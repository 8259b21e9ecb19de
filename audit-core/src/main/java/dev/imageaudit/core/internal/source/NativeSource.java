package dev.imageaudit.core.internal.source;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * An {@link ImageSource} over a descriptor opened by {@link LinuxFiles}: positional reads into the
 * reading thread's native buffer, copied out at the exact length. The size is the one {@code statx}
 * of the open descriptor gave (a block device's from {@code lseek}).
 *
 * <p>The first-phase reads follow the file's {@link ReadPlan}: each planned range is read with one
 * {@code pread} into the thread's reused plan buffer the first time a read falls in it, and every
 * later read inside it is answered from it. Head, the ISO volume descriptor at 32 KiB and the tail
 * of a file of up to 64 KiB are then one {@code pread}; of a larger file, two. Reads outside the
 * plan (what a header points to) go to the file.
 */
public final class NativeSource extends BoundedSource {

  private final int fd;
  private final LinuxFiles.ReadBuffer buffer;
  private final ReadPlan plan;
  /** Per planned range: bytes read into the plan buffer, -1 before its read. */
  private final int[] got;
  /** The {@code pread} calls made so far. */
  private int preads;

  public NativeSource(int fd, long size, long readCap, LinuxFiles.ReadBuffer buffer, ReadPlan plan) {
    super(size, readCap);
    this.fd = fd;
    this.buffer = buffer;
    this.plan = plan;
    this.got = new int[plan.ranges().size()];
    java.util.Arrays.fill(got, -1);
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) throws IOException {
    int slot = 0;
    for (int i = 0; i < got.length; i++) {
      ReadPlan.Range range = plan.ranges().get(i);
      if (offset >= range.offset() && offset < range.end()) {
        if (got[i] < 0) {
          got[i] = read(range.offset(), buffer.plan, slot, range.length());
        }
        int from = (int) (offset - range.offset());
        // Inside the range as read, or past the end of a file the range already reached.
        if (from + length <= got[i] || got[i] < range.length()) {
          int n = Math.max(0, Math.min(length, got[i] - from));
          System.arraycopy(buffer.plan, slot + from, into, 0, n);
          return n;
        }
        break;
      }
      slot += range.length();
    }
    return read(offset, into, 0, length);
  }

  /** Returns the {@code pread} calls this source made: what its plan is meant to keep low. */
  int preads() {
    return preads;
  }

  /** Reads from the file itself into {@code into} at {@code at}: fewer bytes than asked only at its end. */
  private int read(long offset, byte[] into, int at, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int want = Math.min(length - done, LinuxFiles.ReadBuffer.SIZE);
      long n;
      try {
        preads++;
        n = LinuxFiles.pread(fd, buffer.memory, want, offset + done);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LinuxFiles.EINTR) {
          continue;
        }
        throw new IOException(LinuxFiles.strerror(e.getErrorCode()));
      }
      if (n <= 0) {
        break;
      }
      buffer.memory.read(0, into, at + done, (int) n);
      done += (int) n;
      if (n < want) {
        // A short read of a regular file or device is its end: asking again would cost a syscall for 0.
        break;
      }
    }
    return done;
  }
}
