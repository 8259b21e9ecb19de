package dev.imageaudit.core.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * An {@link ImageSource} over a descriptor opened by {@link LinuxFiles}: positional reads into the
 * reading thread's native buffer, copied out at the exact length. The size is the one {@code statx}
 * of the open descriptor gave (a block device's from {@code lseek}).
 *
 * <p>The first read at offset 0 reads a window of {@link #WINDOW} bytes at once, and every later
 * read inside it is answered from it: the detectors' probes at fixed offsets (the ISO volume
 * descriptor at 32 KiB) and the tail of a small file then cost no further syscall. A file of up to
 * 36 KiB is read with one {@code pread}.
 */
final class NativeSource extends BoundedSource {

  /** The head window: every fixed-offset probe (ISO 9660's at 0x8000..0x8800) lies inside it. */
  static final int WINDOW = 36 * 1024;

  private final int fd;
  private final LinuxFiles.ReadBuffer buffer;
  /** Bytes in the thread's window for this file; -1 before the first read at 0. */
  private int windowLength = -1;

  NativeSource(int fd, long size, long readCap, LinuxFiles.ReadBuffer buffer) {
    super(size, readCap);
    this.fd = fd;
    this.buffer = buffer;
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) throws IOException {
    if (windowLength < 0 && offset == 0) {
      windowLength = read(0, buffer.window, WINDOW);
    }
    if (windowLength >= 0) {
      boolean endInWindow = windowLength < WINDOW;
      if (offset + length <= windowLength || endInWindow) {
        // Inside the window, or past the end of a file the window already reached.
        int from = (int) Math.min(offset, windowLength);
        int n = Math.min(length, windowLength - from);
        System.arraycopy(buffer.window, from, into, 0, n);
        return n;
      }
    }
    return read(offset, into, length);
  }

  /** Reads from the file itself: fewer bytes than asked only at its end. */
  private int read(long offset, byte[] into, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int want = Math.min(length - done, LinuxFiles.ReadBuffer.SIZE);
      long n;
      try {
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
      buffer.memory.read(0, into, done, (int) n);
      done += (int) n;
      if (n < want) {
        // A short read of a regular file or device is its end: asking again would cost a syscall for 0.
        break;
      }
    }
    return done;
  }
}
