package dev.imageaudit.core.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * An {@link ImageSource} over a descriptor opened by {@link LinuxFiles}: positional reads into the
 * reading thread's native buffer, copied out at the exact length. The size is the one {@code statx}
 * of the open descriptor gave (a block device's from {@code lseek}).
 */
final class NativeSource implements ImageSource {
  private final int fd;
  private final long size;
  private final long readCap;
  private final LinuxFiles.ReadBuffer buffer;
  private long bytesRead;

  NativeSource(int fd, long size, long readCap, LinuxFiles.ReadBuffer buffer) {
    this.fd = fd;
    this.size = size;
    this.readCap = readCap;
    this.buffer = buffer;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    Caps.check(bytesRead, length, readCap);
    if (length == 0 || offset < 0) {
      return new byte[0];
    }
    byte[] out = new byte[length];
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
      buffer.memory.read(0, out, done, (int) n);
      done += (int) n;
    }
    bytesRead += done;
    return done == length ? out : java.util.Arrays.copyOf(out, done);
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public long readCap() {
    return readCap;
  }
}
