package dev.imageaudit.core.internal;

import java.util.Arrays;

/** An {@link ImageSource} over bytes in memory: for tests, and for data already read. */
public final class ByteArraySource implements ImageSource {
  private final byte[] bytes;
  private final long readCap;
  private long bytesRead;

  /** Returns a source over {@code bytes} with the default cap. */
  public ByteArraySource(byte[] bytes) {
    this(bytes, Caps.PER_FILE);
  }

  /** Returns a source over {@code bytes} that refuses to read more than {@code readCap} in total. */
  public ByteArraySource(byte[] bytes, long readCap) {
    this.bytes = bytes.clone();
    this.readCap = readCap;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public byte[] read(long offset, int length) {
    Caps.check(bytesRead, length, readCap);
    if (offset < 0 || offset >= bytes.length) {
      return new byte[0];
    }
    byte[] out = Arrays.copyOfRange(bytes, (int) offset, (int) Math.min(bytes.length, offset + length));
    bytesRead += out.length;
    return out;
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
