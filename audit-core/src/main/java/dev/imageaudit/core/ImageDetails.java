package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An image's details: its format's typed header fields, then the notes the audit adds across
 * formats. {@link #toMap()} is the {@code details} object of report.json and report.jsonl: the
 * header's fields in report order, then the notes in the order they were found.
 *
 * <p>Notes are what no single format owns: the failed header check ({@code invalidHeader}), what a
 * file ends before ({@code truncated}, {@code headerTruncated}), lists cut at their caps ({@code
 * truncatedLists} and {@code <list>Count}), a raw or ISO image's partition table ({@code
 * partitionTable}, {@code partitions}), other formats the bytes match ({@code alsoMatches}), the head
 * hash a waiver asked for ({@code headSha256}) and strings cut to the budget ({@code
 * truncatedStrings}).
 *
 * @param header the format's fields
 * @param notes the notes, in the order found; values as {@link FormatDetails#fields()}'s
 */
public record ImageDetails(FormatDetails header, Map<String, Object> notes) {

  /** No header fields and no notes. */
  public static final ImageDetails NONE = new ImageDetails(FormatDetails.None.INSTANCE, Map.of());

  public ImageDetails {
    java.util.Objects.requireNonNull(header, "header");
    notes = FormatDetails.immutableCopy(notes);
  }

  /** Returns details with {@code header}'s fields and no notes. */
  public static ImageDetails of(FormatDetails header) {
    return new ImageDetails(header, Map.of());
  }

  /** Returns details as a report recorded them (see {@link FormatDetails.Recorded}). */
  public static ImageDetails recorded(Map<String, Object> details) {
    return details.isEmpty() ? NONE : of(new FormatDetails.Recorded(details));
  }

  /** Returns the details object as the reports write it: the header's fields, then the notes. */
  public Map<String, Object> toMap() {
    Map<String, Object> fields = header.fields();
    if (notes.isEmpty()) {
      return fields;
    }
    if (fields.isEmpty()) {
      return notes;
    }
    Map<String, Object> all = new LinkedHashMap<>(fields);
    notes.forEach(all::putIfAbsent);
    return all;
  }

  /**
   * Hands {@code sink} each key and value of {@link #toMap()}, in its order; the header's fields
   * without building a map when there are no notes (see {@link FormatDetails#forEachField}).
   */
  public void forEachField(BiConsumer<String, Object> sink) {
    if (notes.isEmpty()) {
      header.forEachField(sink);
    } else {
      toMap().forEach(sink);
    }
  }

  /**
   * Returns the value of one key of {@link #toMap()}, or {@code null}. The notes are looked at first,
   * without building the header's fields: a note never shares its key with a format's field.
   */
  public Object get(String key) {
    Object note = notes.get(key);
    return note != null ? note : header.fields().get(key);
  }

  /** Returns these details with one more note (replacing one of the same key). */
  public ImageDetails withNote(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(notes);
    more.put(key, value);
    return new ImageDetails(header, more);
  }
}
