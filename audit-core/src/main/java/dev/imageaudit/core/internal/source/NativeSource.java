package dev.imageaudit.core.internal.source;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * An {@link ImageSource} over a descriptor opened by {@link LinuxFiles}: positional reads into the
 * reading thread's native buffer, copied out at the exact length. The size is the one {@code statx}
 * of the open descriptor gave (a block device's from {@code lseek}).
 *
 * <p>The first-phase reads follow the file's {@link ReadPlan} ({@link PlannedSource}): a file of
 * up to 16 KiB is one {@code pread}; a larger one a {@code pread} each for its head, the ISO volume
 * descriptor at 32 KiB if it reaches it, and its tail, the last two as one when they lie close.
 */
public final class NativeSource extends PlannedSource {

  private final int fd;
  private final LinuxFiles.ReadBuffer buffer;
  /** The {@code pread} calls made so far. */
  private int preads;

  public NativeSource(int fd, long size, long readCap, LinuxFiles.ReadBuffer buffer, ReadPlan plan) {
    super(size, readCap, plan, buffer.plan);
    this.fd = fd;
    this.buffer = buffer;
  }

  /** Returns the {@code pread} calls this source made: what its plan is meant to keep low. */
  int preads() {
    return preads;
  }

  @Override
  protected byte[] scratch() {
    return buffer.scratch;
  }

  /** Reads with {@code pread} through the thread's native buffer: fewer bytes than asked only at the end. */
  @Override
  protected int readFile(long offset, byte[] into, int at, int length) throws IOException {
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
