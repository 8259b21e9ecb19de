package dev.imageaudit.core.internal.audit;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Verdict;
import java.util.List;
import java.util.Map;

/**
 * An upper bound of the heap one entry keeps, from the structure of its values: every object
 * counted at its size on a 64-bit JVM with compressed pointers (any heap under 32 GiB), every
 * string as UTF-16 (two bytes a character, whatever compact strings save) unless it is a constant
 * every entry shares (a key of this tool's), every map as the unmodifiable wrapper around a
 * LinkedHashMap that {@link AuditEntry.Image} keeps, every boxed number outside the JVM's cache as
 * its own object. Not a measurement: a count that errs upwards, so that entries held under a limit
 * by it are held under that limit for real.
 */
public final class RetainedSize {
  private static final int HEADER = 12;
  private static final int REF = 4;

  private RetainedSize() {}

  /** Returns a bound of the bytes {@code image} keeps reachable (its path and target included). */
  public static long of(AuditEntry.Image image) {
    long bytes = align(HEADER + 11 * REF + 2 * 8); // the record: 9 references, two longs
    bytes += string(image.path()) + string(image.target());
    bytes += 2 * align(HEADER + REF) + 2 * align(HEADER + 8); // virtual and partition size: U64 objects
    bytes += verdict(image.partition()) + verdict(image.disk());
    bytes += align(HEADER + 3 * REF) + align(HEADER + 6 * REF) + image.flags().size() * align(HEADER + 5 * REF);
    bytes += value(image.details().toMap());
    return bytes;
  }

  /** Returns a bound of the bytes a details value keeps. */
  public static long value(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof Map<?, ?> map) {
      long table = align(HEADER + 4 + (long) REF * tableSize(map.size()));
      long bytes = align(HEADER + 2 * REF) + align(HEADER + 8 * REF) + table;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        bytes += align(HEADER + 5 * REF + 4) + key(String.valueOf(e.getKey())) + value(e.getValue());
      }
      return bytes;
    }
    if (value instanceof List<?> list) {
      long bytes = align(HEADER + 2 * REF) + align(HEADER + REF + 8) + align(HEADER + 4 + (long) REF * list.size());
      for (Object item : list) {
        bytes += value(item);
      }
      return bytes;
    }
    if (value instanceof Boolean
        || (value instanceof Long l && Long.valueOf(l) == value)
        || (value instanceof Integer i && Integer.valueOf(i) == value)) {
      return 0; // the JVM's shared instances
    }
    return align(HEADER + 8); // a U64, Long or Integer of its own
  }

  /** A key is free when it is a constant of this tool's, the one instance all entries share. */
  private static long key(String key) {
    return key.intern() == key ? 0 : string(key);
  }

  private static long verdict(Verdict verdict) {
    return align(HEADER + 2 * REF) + string(verdict.reason());
  }

  private static long string(String s) {
    return s == null ? 0 : align(HEADER + REF + 8) + align(HEADER + 4 + 2L * s.length());
  }

  private static int tableSize(int entries) {
    int size = 16;
    while (size * 0.75 < entries) {
      size *= 2;
    }
    return size;
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
