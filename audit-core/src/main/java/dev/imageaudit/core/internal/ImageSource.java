package dev.imageaudit.core.internal;

import java.io.IOException;

/**
 * Random-access bytes of one image, read under a cap: a source refuses to read past {@link
 * #readCap()} bytes in total, so no header, however hostile, makes the audit read more.
 */
public interface ImageSource {

  /** Returns the size in bytes as the file system reports it (st_size; 0 for some devices). */
  long size() throws IOException;

  /**
   * Reads up to {@code length} bytes at {@code offset}, fewer only at end of file.
   *
   * @return the bytes read; shorter than {@code length} only at end of file
   * @throws IOException if the read fails
   * @throws IllegalStateException if the read would pass the source's cap (a defect in a detector)
   */
  byte[] read(long offset, int length) throws IOException;

  /** Returns the bytes read so far. */
  long bytesRead();

  /** Returns the most bytes this source will read in total. */
  long readCap();
}
