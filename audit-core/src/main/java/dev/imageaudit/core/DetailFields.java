package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds what a typed details record's {@link FormatDetails#fields()} returns: a new map in the
 * order the fields are put, the null ones (fields the header did not give) left out.
 */
final class DetailFields {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** Puts {@code value} under {@code key}, unless it is null. */
  DetailFields put(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** Returns the fields put so far (the map itself, not a copy). */
  Map<String, Object> toMap() {
    return fields;
  }
}
