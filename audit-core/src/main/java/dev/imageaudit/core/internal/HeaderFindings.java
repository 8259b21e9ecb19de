package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a detector collects while it reads one header: details in report order and flags. The
 * first failed check is the one {@code details.invalidHeader} names, the first missing part the
 * one {@code details.truncated} names.
 */
final class HeaderFindings {
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final Set<Flag> flags = EnumSet.noneOf(Flag.class);

  /** Records a detail; a {@code null} value is left out. */
  void put(String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
  }

  /** Records a failed header check: flag {@code invalid-header}, {@code details.invalidHeader}. */
  void invalid(String check) {
    flags.add(Flag.INVALID_HEADER);
    details.putIfAbsent("invalidHeader", check);
  }

  /** Records a structure the file ends before: flag {@code truncated}, {@code details.truncated}. */
  void truncated(String part) {
    flags.add(Flag.TRUNCATED);
    details.putIfAbsent("truncated", part);
  }

  void flag(Flag flag) {
    flags.add(flag);
  }

  Detection detection(ImageFormat format, U64 virtualSize) {
    return new Detection(format, virtualSize, details, flags);
  }
}
