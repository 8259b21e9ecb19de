package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Builds what a typed details record's {@link FormatDetails#fields()} returns: a new map in the
 * order the fields are put (report order), the null ones (fields the header did not give) left out,
 * every value as given (a Long stays a Long and an Integer an Integer, as writers and tests expect).
 */
final class DetailsFields {
  private final Map<String, Object> fields;
  private final BiConsumer<String, Object> sink;

  /** Builds a new map. */
  DetailsFields() {
    fields = new LinkedHashMap<>();
    sink = fields::put;
  }

  /** Hands each field to {@code sink} instead of a map ({@link FormatDetails#forEachField}). */
  DetailsFields(BiConsumer<String, Object> sink) {
    fields = null;
    this.sink = sink;
  }

  /** Puts {@code value} under {@code key}, unless it is null. */
  DetailsFields put(String key, Object value) {
    putIfPresent(sink, key, value);
    return this;
  }

  /** Returns {@code details}'s fields as a new map, from its {@link FormatDetails#forEachField}. */
  static Map<String, Object> collect(FormatDetails details) {
    Map<String, Object> all = new LinkedHashMap<>();
    details.forEachField(all::put);
    return all;
  }

  /** Hands {@code value} under {@code key} to {@code sink} unless it is {@code null}. */
  static void putIfPresent(BiConsumer<String, Object> sink, String key, Object value) {
    if (value != null) {
      sink.accept(key, value);
    }
  }

  /** Returns the fields put so far: a new mutable map, the caller's own (null when handed to a sink). */
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
