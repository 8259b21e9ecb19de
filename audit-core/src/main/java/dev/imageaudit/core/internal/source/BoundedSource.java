package dev.imageaudit.core.internal.source;

import java.io.IOException;
import java.util.Arrays;

/**
 * The one implementation of {@link ImageSource}'s promises over any random-access bytes: the read
 * cap, reads answered within the size known at open, and a file that shrinks or grows under its
 * reads noticed as {@link #changed()}. Subclasses only fetch bytes.
 */
public abstract class BoundedSource implements ImageSource {
  /** Reads up to this size go through one reused array per thread: one allocation per read, not two. */
  protected static final int SCRATCH_BYTES = 64 * 1024 + 1;

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

  private final long size;
  private final long readCap;
  private long bytesRead;
  private boolean changed;

  /**
   * @param size the file's size when opened, 0 when unknown
   * @param readCap the most bytes to read in total
   */
  public BoundedSource(long size, long readCap) {
    this.size = size;
    this.readCap = readCap;
  }

  /**
   * Fetches up to {@code length} bytes at {@code offset} (at least 0) into the start of {@code
   * into}, as the file is now: fewer only at its current end.
   *
   * @return the number of bytes fetched
   *     <p>{@code into} may be this thread's scratch array: a fetch must not read through another
   *     {@code BoundedSource} on the same thread.
   */
  protected abstract int fetch(long offset, byte[] into, int length) throws IOException;

  /**
   * Returns this thread's reused array of {@link #SCRATCH_BYTES} for reads; a source that already
   * holds one for its thread returns it, sparing a thread-local lookup (a native call under C1) a read.
   */
  protected byte[] scratch() {
    return SCRATCH.get();
  }

  @Override
  public final long size() {
    return size;
  }

  @Override
  public final byte[] read(long offset, int length) throws IOException {
    return read(offset, length, null);
  }

  @Override
  public final byte[] read(long offset, int length, byte[] reuse) throws IOException {
    Caps.check(bytesRead, length, readCap);
    if (offset < 0 || length == 0) {
      return new byte[0];
    }
    boolean sizeKnown = size > 0;
    // Bytes of the request that lie inside the size known at open; the rest is past its end.
    int inside = !sizeKnown ? length : offset >= size ? 0 : (int) Math.min(length, size - offset);
    // A read that reaches the known end asks one byte more: getting it means the file grew.
    boolean reachesEnd = sizeKnown && offset >= size - length;
    int asked = reachesEnd ? inside + 1 : length;
    // Fetched into the thread's scratch array, then copied out once at the exact length kept.
    byte[] buffer = asked <= SCRATCH_BYTES ? scratch() : new byte[asked];
    int got = fetch(offset, buffer, asked);
    // Of a file whose size is unknown, a short read is its end and nothing else.
    if (sizeKnown && (got < inside || (reachesEnd && got > inside))) {
      changed = true;
    }
    int kept = Math.min(got, inside);
    bytesRead += kept;
    if (reuse != null && kept == reuse.length) {
      System.arraycopy(buffer, 0, reuse, 0, kept);
      return reuse;
    }
    return Arrays.copyOf(buffer, kept);
  }

  @Override
  public final long bytesRead() {
    return bytesRead;
  }

  @Override
  public final long readCap() {
    return readCap;
  }

  @Override
  public final boolean changed() {
    return changed;
  }
}
