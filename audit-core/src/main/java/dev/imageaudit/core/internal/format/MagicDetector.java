package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.source.Bytes;
import java.io.IOException;
import java.util.Optional;

/**
 * The shared prologue of the detectors whose format starts with a magic at byte 0: an image that
 * does not start with it is not of this format (empty); one that does gets new {@link
 * Findings} and is read by the format's own {@link #read}.
 */
abstract class MagicDetector implements FormatDetector {
  private final byte[] magic;

  MagicDetector(byte[] magic) {
    this.magic = magic;
  }

  /** A magic at byte 0 and the header's checks: {@link #SCORE_MAGIC_AT_ZERO}. */
  @Override
  public int probeScore() {
    return SCORE_MAGIC_AT_ZERO;
  }

  @Override
  public final Optional<Detection> detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    if (!Bytes.startsWith(head, 0, magic)) {
      return Optional.empty();
    }
    return Optional.of(read(probe, head, new Findings()));
  }

  /**
   * Reads the header of an image whose head starts with the magic, into {@code found}, and returns
   * its detection: never {@code null}, since the magic already names the format.
   *
   * @param probe the image
   * @param head the image's head (at least the magic's length)
   * @param found empty findings to fill
   * @throws IOException if a read fails
   */
  abstract Detection read(Probe probe, byte[] head, Findings found) throws IOException;
}
