package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.Map;

/**
 * What a detector read from an image's bytes.
 *
 * @param format the format
 * @param virtualSize the disk size the header gives, or {@code null} when it could not be read
 * @param details format-specific facts, in report order
 */
record Detection(ImageFormat format, U64 virtualSize, Map<String, Object> details) {}
