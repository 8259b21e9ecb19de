package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.source.Caps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The text caps of one entry, applied once to everything a judgement produced: every string of
 * the details is cut to {@link Caps#TEXT} characters, and all of them together to {@link
 * Caps#DETAILS_TEXT} bytes of JSON, in report order (so a header's own fields come before the
 * long lists). A cut string ends in U+2026 and {@code details.truncatedStrings} counts them.
 * Details that fit are returned as they are, without a copy.
 *
 * <p>Map keys are not cut: they are this tool's names, except VHDX parent locator keys, which the
 * detector caps itself ({@link Caps#VHDX_LOCATOR_KEY}). Nor is {@code details.truncatedLists}, which
 * names the lists a detector cut.
 */
public final class DetailsBudget {

  /** The details key counting the strings that were cut. */
  public static final String TRUNCATED_STRINGS = "truncatedStrings";

  private static final char ELLIPSIS = '\u2026';

  private DetailsBudget() {}

  /**
   * Returns {@code details} if its text is within the caps, else its cut copy: the strings cut, as
   * {@link FormatDetails.Recorded} fields (a typed record cannot hold a cut value of every field),
   * with the number cut in {@code truncatedStrings}.
   */
  public static ImageDetails bound(ImageDetails details) {
    // Measured field by field first: details that surely fit need no map at all.
    QuickBound quick = new QuickBound();
    details.forEachField(quick);
    if (quick.sum <= Caps.DETAILS_TEXT) {
      return details;
    }
    Map<String, Object> all = details.toMap();
    Map<String, Object> bounded = cut(all);
    return bounded == all ? details : ImageDetails.of(new FormatDetails.Recorded(bounded));
  }

  /** Returns {@code details} if its text is within the caps, else a copy with its strings cut. */
  public static Map<String, Object> bound(Map<String, Object> details) {
    return mostBytes(details, 0) <= Caps.DETAILS_TEXT ? details : cut(details);
  }

  /** Returns {@code details} if the exact walk finds its text within the caps, else a copy with its strings cut. */
  private static Map<String, Object> cut(Map<String, Object> details) {
    Cutter measure = new Cutter(false);
    measure.walk(details);
    if (measure.cut == 0) {
      return details;
    }
    Cutter cutter = new Cutter(true);
    @SuppressWarnings("unchecked")
    Map<String, Object> bounded = (Map<String, Object>) cutter.walk(details);
    bounded.put(TRUNCATED_STRINGS, cutter.cut);
    return bounded;
  }

  /** Returns {@code verdict} with its reason cut to {@link Caps#TEXT} characters. */
  public static Verdict bound(Verdict verdict) {
    String reason = verdict.reason();
    if (reason == null || reason.length() <= Caps.TEXT) {
      return verdict;
    }
    return new Verdict(verdict.decision(), cut(reason, Caps.TEXT, Integer.MAX_VALUE));
  }

  /**
   * Returns the bytes Jackson writes for {@code s} as a JSON string, or more: quotes, two bytes for
   * a quote or backslash, six for a control character, UTF-8 for the rest (three for each half of
   * a surrogate pair, more than the four the pair takes).
   */
  public static int jsonBytes(String s) {
    int bytes = 2;
    for (int i = 0; i < s.length(); i++) {
      bytes += jsonBytes(s.charAt(i));
    }
    return bytes;
  }

  private static int jsonBytes(char c) {
    if (c < 0x20) {
      return 6;
    }
    if (c == '"' || c == '\\') {
      return 2;
    }
    return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }

  /**
   * Returns the longest start of {@code s} of at most {@code maxChars} characters that, ended by
   * U+2026, takes at most {@code maxBytes} of JSON; empty if not even the ellipsis fits. Never
   * splits a surrogate pair.
   */
  private static String cut(String s, int maxChars, int maxBytes) {
    int budget = maxBytes - 2 - jsonBytes(ELLIPSIS);
    if (budget < 0) {
      return "";
    }
    int end = 0;
    int limit = Math.min(s.length(), maxChars - 1);
    while (end < limit && budget - jsonBytes(s.charAt(end)) >= 0) {
      budget -= jsonBytes(s.charAt(end));
      end++;
    }
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + ELLIPSIS;
  }

  /**
   * Returns, plus {@code sum}, at most this many bytes of JSON for the strings in {@code value}:
   * six a character, the most {@link #jsonBytes(char)} gives, and two quotes each; {@code
   * Long.MAX_VALUE} once a string is longer than {@link Caps#TEXT} or the caps are passed.
   *
   * <p>Why: nearly every image's details are a few short strings, so this bound, which reads only
   * their lengths, settles them without the character-by-character walk (which was 1.8% of a
   * 1,000,000-file run's CPU, async-profiler).
   */
  private static long mostBytes(Object value, long sum) {
    if (value instanceof String s) {
      return s.length() > Caps.TEXT ? Long.MAX_VALUE : sum + 6L * s.length() + 2;
    }
    // Numbers and flags first, by their classes: an interface test (Map, List) on each of them was
    // C1's slow subtype check, once per numeric field of every image.
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof U64) {
      return sum;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!CappedList.TRUNCATED_LISTS.equals(e.getKey())) {
          sum = mostBytes(e.getValue(), sum);
          if (sum > Caps.DETAILS_TEXT) {
            return Long.MAX_VALUE;
          }
        }
      }
      return sum;
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        sum = mostBytes(item, sum);
        if (sum > Caps.DETAILS_TEXT) {
          return Long.MAX_VALUE;
        }
      }
    }
    return sum;
  }

  /** {@link #mostBytes} over the fields handed to it, in turn. */
  private static final class QuickBound implements BiConsumer<String, Object> {
    long sum;

    @Override
    public void accept(String key, Object value) {
      if (sum <= Caps.DETAILS_TEXT && !CappedList.TRUNCATED_LISTS.equals(key)) {
        sum = mostBytes(value, sum);
      }
    }
  }

  /** One walk over the details: measuring only, or building the cut copy. */
  private static final class Cutter {
    private final boolean build;
    private int remaining = Caps.DETAILS_TEXT;
    private int cut;

    Cutter(boolean build) {
      this.build = build;
    }

    Object walk(Object value) {
      if (value instanceof String s) {
        return text(s);
      }
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> copy = build ? new LinkedHashMap<>() : null;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          // The names of the cut lists are this tool's own, a few at most: never cut themselves.
          Object v = CappedList.TRUNCATED_LISTS.equals(e.getKey()) ? e.getValue() : walk(e.getValue());
          if (build) {
            copy.put(String.valueOf(e.getKey()), v);
          }
        }
        return copy;
      }
      if (value instanceof List<?> list) {
        List<Object> copy = build ? new ArrayList<>(list.size()) : null;
        for (Object item : list) {
          Object v = walk(item);
          if (build) {
            copy.add(v);
          }
        }
        return copy;
      }
      return value;
    }

    private String text(String s) {
      int bytes = jsonBytes(s);
      if (s.length() <= Caps.TEXT && bytes <= remaining) {
        remaining -= bytes;
        return s;
      }
      cut++;
      if (!build) {
        return s;
      }
      String shorter = cut(s, Caps.TEXT, remaining);
      remaining -= jsonBytes(shorter);
      return shorter;
    }
  }
}
