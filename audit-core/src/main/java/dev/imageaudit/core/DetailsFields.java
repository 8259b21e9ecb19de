package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds what a typed details record's {@link FormatDetails#fields()} returns: a new map in the
 * order the fields are put (report order), the null ones (fields the header did not give) left out,
 * every value as given (a Long stays a Long and an Integer an Integer, as writers and tests expect).
 */
final class DetailsFields {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** Puts {@code value} under {@code key}, unless it is null. */
  DetailsFields put(String key, Object value) {
    putIfPresent(fields, key, value);
    return this;
  }

  /** Returns the fields put so far: a new mutable map, the caller's own. */
  Map<String, Object> toMap() {
    return fields;
  }

  /** Puts {@code value} under {@code key} of {@code fields} unless it is {@code null}. */
  static void putIfPresent(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
