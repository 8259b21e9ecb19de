package dev.imageaudit.report;

import java.io.IOException;

/** Finds the I/O failure inside the unchecked exceptions that Jackson and Mustache wrap it in. */
final class IoErrors {

  private IoErrors() {}

  /** Returns the IOException {@code e} is or wraps, or null. */
  static IOException ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  /**
   * Returns the IOException inside {@code e} (with {@code e} added to it as suppressed, so nothing
   * is lost), or rethrows {@code e} when it wraps none: that is a defect, not an output failure.
   */
  static IOException unwrap(RuntimeException e) {
    IOException io = ioCause(e);
    if (io == null) {
      throw e;
    }
    io.addSuppressed(e);
    return io;
  }
}
