package dev.imageaudit.core.internal;

import java.io.IOException;

/** Names one format from an image's bytes and reads what its header says. */
interface FormatDetector {

  /**
   * Returns what the image's header says if {@code head} is of this detector's format, else {@code
   * null}.
   *
   * @param head the first bytes of the image (up to {@link Caps#HEAD}; fewer for a short file)
   * @param source the whole image, for reads past the head, under its cap
   * @throws IOException if a read past the head fails
   */
  Detection detect(byte[] head, ImageSource source) throws IOException;
}
