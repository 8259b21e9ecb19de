package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a detector read from an image's bytes.
 *
 * @param format the format
 * @param virtualSize the disk size the header gives, or {@code null} when it could not be read
 * @param details format-specific facts, in report order
 * @param flags what the header itself reveals (backing file, encryption, ...)
 */
record Detection(ImageFormat format, U64 virtualSize, Map<String, Object> details, Set<Flag> flags) {

  /** A detection that raises no flag. */
  Detection(ImageFormat format, U64 virtualSize, Map<String, Object> details) {
    this(format, virtualSize, details, EnumSet.noneOf(Flag.class));
  }
}
