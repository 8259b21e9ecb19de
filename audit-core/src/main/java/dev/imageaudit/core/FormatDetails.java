package dev.imageaudit.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What one format's header says about an image, as named and typed fields: one record per format
 * family, each field in the unit and signedness the format gives it ({@link U64} for unsigned 64-bit
 * fields). {@link #fields()} is the form the reports write, the same keys report.json has always had
 * under {@code details}.
 *
 * <p>{@link None} is an image with no header fields to report (raw); {@link Recorded} holds details
 * read back from a report, or cut to the per-entry text budget, as plain JSON values.
 */
public sealed interface FormatDetails
    permits FormatDetails.None,
        FormatDetails.Recorded,
        BochsDetails,
        CloopDetails,
        CompositeDetails,
        DmgDetails,
        IsoDetails,
        LuksDetails,
        ParallelsDetails,
        Qcow2Details,
        QcowDetails,
        QedDetails,
        SparseDetails,
        VdiDetails,
        VhdDetails,
        VhdxDetails,
        VmdkDetails,
        ZstdDetails {

  /**
   * Returns the fields as the reports write them: in report order, fields the header does not give
   * left out. Values are String, Long, Integer, Boolean, {@link U64}, List or Map.
   */
  Map<String, Object> fields();

  /**
   * Hands {@code sink} each key and value {@link #fields()} holds, in the same order, without
   * building the map: how the reports write details and the text caps measure them.
   *
   * <p>Why: a map built for every image only to be walked once and dropped was about 3% of a
   * 1,000,000-file run's CPU (async-profiler), and half of what an entry allocated. The formats most
   * stores hold give their fields straight; the rest build the map and walk it.
   */
  default void forEachField(BiConsumer<String, Object> sink) {
    fields().forEach(sink);
  }

  /** An image whose format has no header fields to report: raw, or a header too short to hold any. */
  record None() implements FormatDetails {
    /** The one instance. */
    public static final None INSTANCE = new None();

    @Override
    public Map<String, Object> fields() {
      return Map.of();
    }
  }

  /**
   * Details as a report recorded them: read back from report.jsonl, or an image's details after
   * their strings were cut to the per-entry budget.
   *
   * @param fields the JSON object's members, in its order
   */
  record Recorded(Map<String, Object> fields) implements FormatDetails {
    public Recorded {
      fields = immutableCopy(fields);
    }
  }

  /** Copies nested maps and lists too, so that details shared across threads can never change. */
  @SuppressWarnings("unchecked")
  static <T> T immutableCopy(T value) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return (T) Map.of();
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), immutableCopy(v)));
      return (T) Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      return (T) Collections.unmodifiableList(list.stream().map(FormatDetails::immutableCopy).toList());
    }
    return value;
  }
}
