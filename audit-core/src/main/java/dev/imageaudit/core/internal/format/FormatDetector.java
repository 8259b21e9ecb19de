package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.util.Optional;

/**
 * Names one format from an image's bytes and reads what its header says. Every detector runs on
 * every image; when several match, the one with the highest {@link #probeScore} names the image
 * and the others are listed as {@code alsoMatches} ({@link AmbiguousFormat}).
 */
public interface FormatDetector {

  /** A magic of four bytes or more at byte 0, followed by the header's own checks. */
  int SCORE_MAGIC_AT_ZERO = 100;

  /** A text signature at byte 0 (a shell preamble), which a short file matches by its start. */
  int SCORE_TEXT_AT_ZERO = 90;

  /** A binary signature at a fixed offset past 0, inside bytes other formats may leave free. */
  int SCORE_MAGIC_PAST_ZERO = 80;

  /** A volume descriptor 32 KiB in, past the system area any other format may fill. */
  int SCORE_DESCRIPTOR_AT_32K = 70;

  /** A short magic at 0 that also admits containers of arbitrary bytes (zstd's skippable frames). */
  int SCORE_CONTAINER_MAGIC = 60;

  /** A trailer with a magic of its own, in the last bytes of the file. */
  int SCORE_TRAILER = 50;

  /** A footer copy at the end that a fixed-size image leaves after raw data. */
  int SCORE_FOOTER_ONLY = 40;

  /**
   * Returns what the image's header says if the image is of this detector's format, else empty:
   * not this format. Reads only within the documented caps of its format.
   *
   * @param probe the image's head and tail, and the source behind them
   * @throws IOException if a read fails
   */
  Optional<Detection> detect(Probe probe) throws IOException;

  /**
   * Returns what this detector reads before it can say whether a file is of its format: the head
   * (every detector), ranges at fixed offsets, the tail. The auditor plans one merged set of reads
   * from all detectors' needs ({@link ReadPlan}); reads a header points to are made after, through
   * {@link Probe#source()}. A detector must not read a fixed range or the tail it does not declare.
   */
  default ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD;
  }

  /**
   * Returns how sure a match of this detector is, from 1 to 100, as QEMU's {@code bdrv_probe}
   * scores: the highest-scoring match names the image, whatever order the detectors are registered
   * in. Raw, the answer when nothing matches, scores 0. Two detectors may share a score only when
   * their signatures cannot both match one file (different magics at the same offset); the tie is
   * then broken by the detector's class name, so the order stays total. docs/formats.md lists each
   * format's score.
   */
  int probeScore();
}
