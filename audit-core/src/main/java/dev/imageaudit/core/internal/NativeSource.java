package dev.imageaudit.core.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * An {@link ImageSource} over a descriptor opened by {@link LinuxFiles}: positional reads into the
 * reading thread's native buffer, copied out at the exact length. The size is the one {@code statx}
 * of the open descriptor gave (a block device's from {@code lseek}).
 */
final class NativeSource extends BoundedSource {
  private final int fd;
  private final LinuxFiles.ReadBuffer buffer;

  NativeSource(int fd, long size, long readCap, LinuxFiles.ReadBuffer buffer) {
    super(size, readCap);
    this.fd = fd;
    this.buffer = buffer;
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) throws IOException {
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
