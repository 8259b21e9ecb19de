package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a detector read from an image's bytes.
 *
 * @param format the format
 * @param virtualSize the disk size the header gives, or {@code null} when it could not be read
 * @param details the format's typed header fields and the notes on them
 * @param flags what the header itself reveals (backing file, encryption, ...)
 */
public record Detection(ImageFormat format, U64 virtualSize, ImageDetails details, Set<Flag> flags) {

  /** A detection that raises no flag. */
  public Detection(ImageFormat format, U64 virtualSize, ImageDetails details) {
    this(format, virtualSize, details, EnumSet.noneOf(Flag.class));
  }

  /** Returns this detection with one more note in its details and {@code more} flags. */
  Detection withNote(String key, Object value, Set<Flag> more) {
    Set<Flag> all = EnumSet.noneOf(Flag.class);
    all.addAll(flags);
    all.addAll(more);
    return new Detection(format, virtualSize, details.withNote(key, value), all);
  }
}
