package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Collects what a detector reads from a header: its details in report order and the flags they
 * raise. The first failed check is kept in {@code details.invalidHeader}, the first missing
 * structure in {@code details.truncated}.
 */
final class HeaderFindings {
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final Set<Flag> flags = EnumSet.noneOf(Flag.class);

  HeaderFindings put(String key, Object value) {
    details.put(key, value);
    return this;
  }

  /** Records a detail only when there is one: a {@code null} value leaves the key out. */
  void putIfPresent(String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
  }

  /** Raises {@code invalid-header}, naming the failed check (the first one wins). */
  void invalid(String check) {
    flags.add(Flag.INVALID_HEADER);
    details.putIfAbsent("invalidHeader", check);
  }

  /** Raises {@code truncated}, saying what the file ends before (the first one wins). */
  void truncated(String what) {
    flags.add(Flag.TRUNCATED);
    details.putIfAbsent("truncated", what);
  }

  void flag(Flag flag) {
    flags.add(flag);
  }

  boolean has(Flag flag) {
    return flags.contains(flag);
  }

  /** Returns the details so far (live, in report order). */
  Map<String, Object> details() {
    return details;
  }

  /** Returns the flags so far (live). */
  Set<Flag> flags() {
    return flags;
  }

  Detection detection(ImageFormat format, U64 virtualSize) {
    return new Detection(format, virtualSize, details, flags);
  }
}
