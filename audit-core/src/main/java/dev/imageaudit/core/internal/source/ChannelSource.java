package dev.imageaudit.core.internal.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** An {@link ImageSource} over a read-only {@link FileChannel}, using positional reads only. */
public final class ChannelSource extends BoundedSource {
  private final FileChannel channel;

  /** Returns a source over {@code channel}, its size taken now (one fstat). */
  public ChannelSource(FileChannel channel, long readCap) throws IOException {
    this(channel, channel.size(), readCap);
  }

  /** Returns a source over {@code channel} whose size, taken when it was opened, is {@code size}. */
  public ChannelSource(FileChannel channel, long size, long readCap) {
    super(size, readCap);
    this.channel = channel;
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    long position = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        break;
      }
      position += n;
    }
    return buffer.position();
  }
}
