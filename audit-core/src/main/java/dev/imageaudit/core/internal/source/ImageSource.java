package dev.imageaudit.core.internal.source;

import java.io.IOException;

/**
 * Random-access bytes of one image, read under a cap: a source refuses to read past {@link
 * #readCap()} bytes in total, so no header, however hostile, makes the audit read more.
 *
 * <p>A source takes the file's size once, when it is opened, and answers every read within that
 * size: a file that changes while it is audited is a fact to report ({@link #changed()}), never a
 * reason for a detector to fail. Detectors must still take a short read as it comes.
 */
public interface ImageSource {

  /**
   * Returns the size in bytes the file had when the source was opened (st_size, or a block
   * device's capacity); 0 when the file system does not say, which makes the size unknown.
   */
  long size() throws IOException;

  /**
   * Reads up to {@code length} bytes at {@code offset}. The result is shorter than {@code length}
   * only at the end of the file as {@link #size()} gives it (no byte past a known size is ever
   * returned), or when the file has shrunk since it was opened, which {@link #changed()} then
   * reports. A negative offset reads nothing.
   *
   * @return the bytes read
   * @throws IOException if the read fails
   * @throws IllegalStateException if the read would pass the source's cap (a defect in a detector)
   */
  byte[] read(long offset, int length) throws IOException;

  /**
   * Reads as {@link #read(long, int)} does, returning {@code reuse} itself, overwritten, when the
   * read keeps exactly {@code reuse.length} bytes, and a new array otherwise (always, for a null
   * {@code reuse}). The caller owns {@code reuse} and must be done with the bytes before it passes
   * the same array again.
   *
   * <p>Why: an audit reads every file's head and tail, 4 KiB each for most files; an array made
   * for each and dropped right after cost about 4% of a 1,000,000-file run's CPU (async-profiler),
   * in the allocation and its cache misses more than in the copy.
   */
  default byte[] read(long offset, int length, byte[] reuse) throws IOException {
    return read(offset, length);
  }

  /** Returns the bytes read so far (the bytes returned; a read that reaches the end looks one byte further). */
  long bytesRead();

  /** Returns the most bytes this source will read in total. */
  long readCap();

  /**
   * Returns true if a read found the file other than {@link #size()} says: shorter (a read inside
   * the size came back short) or longer (a read that reached the end found more). Only what the
   * reads touch is seen: a file rewritten in place at the same size is not.
   */
  boolean changed();
}
