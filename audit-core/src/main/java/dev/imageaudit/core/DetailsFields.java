package dev.imageaudit.core;

import java.util.Map;

/** How the typed details records write their optional fields: a field a header did not give is left out. */
final class DetailsFields {
  private DetailsFields() {}

  /** Puts {@code value} under {@code key} unless it is {@code null}. */
  static void putIfPresent(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
