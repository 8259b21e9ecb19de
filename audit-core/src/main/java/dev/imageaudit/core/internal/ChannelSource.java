package dev.imageaudit.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** An {@link ImageSource} over a read-only {@link FileChannel}, using positional reads only. */
final class ChannelSource implements ImageSource {
  private final FileChannel channel;
  private final long size;
  private final long readCap;
  private long bytesRead;

  ChannelSource(FileChannel channel, long readCap) throws IOException {
    this.channel = channel;
    this.size = channel.size();
    this.readCap = readCap;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    Caps.check(bytesRead, length, readCap);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long position = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        break;
      }
      position += n;
    }
    bytesRead += buffer.position();
    return buffer.position() == length ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
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
