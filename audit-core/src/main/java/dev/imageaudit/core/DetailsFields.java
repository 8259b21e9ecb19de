package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the map a typed details record's {@code fields()} returns: keys in the order added (report
 * order), a null value left out (a field the header does not give), every value as given (so a
 * Long stays a Long and an Integer an Integer, as the writers and tests expect).
 */
final class DetailsFields {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** Adds {@code value} under {@code key}, unless it is null. */
  DetailsFields add(String key, Object value) {
    putIfPresent(fields, key, value);
    return this;
  }

  /** Returns the fields added: a new mutable map, the caller's own. */
  Map<String, Object> map() {
    return fields;
  }

  /** Puts {@code value} under {@code key} of {@code fields} unless it is {@code null}. */
  static void putIfPresent(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
