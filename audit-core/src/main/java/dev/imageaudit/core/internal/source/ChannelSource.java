package dev.imageaudit.core.internal.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An {@link ImageSource} over a read-only {@link FileChannel}, using positional reads only: the JDK's
 * way where the native one ({@link NativeSource}) is not available, following the file's {@link
 * ReadPlan} as it does.
 */
public final class ChannelSource extends PlannedSource {
  /** The plan buffer of each reading thread, as {@link LinuxFiles.ReadBuffer} has for native reads. */
  private static final ThreadLocal<byte[]> PLAN_BUFFER = ThreadLocal.withInitial(() -> new byte[ReadPlan.CAPACITY]);

  private final FileChannel channel;

  /** Returns a source over {@code channel}, its size taken now (one fstat), that reads as asked. */
  public ChannelSource(FileChannel channel, long readCap) throws IOException {
    this(channel, channel.size(), readCap, ReadPlan.NONE);
  }

  /**
   * Returns a source over {@code channel} whose size, taken when it was opened, is {@code size},
   * making its first reads as {@code plan} says.
   */
  public ChannelSource(FileChannel channel, long size, long readCap, ReadPlan plan) {
    super(size, readCap, plan, plan.ranges().isEmpty() ? new byte[0] : PLAN_BUFFER.get());
    this.channel = channel;
  }

  @Override
  protected int readFile(long offset, byte[] into, int at, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, at, length);
    long position = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        break;
      }
      position += n;
    }
    return buffer.position() - at;
  }
}
