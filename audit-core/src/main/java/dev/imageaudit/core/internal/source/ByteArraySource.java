package dev.imageaudit.core.internal.source;

/** An {@link ImageSource} over bytes in memory: for tests, and for data already read. */
public final class ByteArraySource extends BoundedSource {
  private final byte[] bytes;

  /** Returns a source over {@code bytes} with the default cap. */
  public ByteArraySource(byte[] bytes) {
    this(bytes, Caps.PER_FILE);
  }

  /** Returns a source over {@code bytes} that refuses to read more than {@code readCap} in total. */
  public ByteArraySource(byte[] bytes, long readCap) {
    super(bytes.length, readCap);
    this.bytes = bytes.clone();
  }

  @Override
  protected int fetch(long offset, byte[] into, int length) {
    if (offset >= bytes.length) {
      return 0;
    }
    int n = (int) Math.min(length, bytes.length - offset);
    System.arraycopy(bytes, (int) offset, into, 0, n);
    return n;
  }
}
