package dev.imageaudit.report;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Shields a stream from a writer that closes what it is given (a generator, a template engine):
 * closing this one only flushes, so closing the file, after syncing it, stays its owner's to do.
 */
final class NonClosingOutputStream extends FilterOutputStream {

  NonClosingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    // FilterOutputStream would write byte by byte.
    out.write(b, off, len);
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
