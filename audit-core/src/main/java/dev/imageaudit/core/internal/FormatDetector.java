package dev.imageaudit.core.internal;

import java.io.IOException;

/** Names one format from an image's bytes and reads what its header says. */
interface FormatDetector {

  /**
   * Returns what the image's header says if the image is of this detector's format, else {@code
   * null}. Reads only within the documented caps of its format.
   *
   * @param probe the image's head and tail, and the source behind them
   * @throws IOException if a read fails
   */
  Detection detect(Probe probe) throws IOException;
}
