package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The {@code ambiguous-format} rule, in one place: bytes that more than one non-raw format claims
 * are a polyglot, read one way by one tool and another way by the next (FORMATS.md section 9). The
 * first detector's answer stands; the other formats are listed in {@code details.alsoMatches}.
 *
 * <p>A hybrid ISO is the expected case and is not flagged: its MBR or GPT is not a format but a
 * refinement ({@link PartitionTables}) and so never counts as a second match.
 */
final class AmbiguousFormat {
  private AmbiguousFormat() {}

  /**
   * Returns {@code chosen}, flagged if {@code matches} (every detector's non-null answer, in
   * detector order) names another non-raw format.
   */
  static Detection flag(Detection chosen, List<Detection> matches) {
    List<String> others = new ArrayList<>();
    for (Detection match : matches) {
      ImageFormat format = match.format();
      if (format != chosen.format() && format != ImageFormat.RAW && !others.contains(format.id())) {
        others.add(format.id());
      }
    }
    if (others.isEmpty()) {
      return chosen;
    }
    return chosen.withNote("alsoMatches", List.copyOf(others), EnumSet.of(Flag.AMBIGUOUS_FORMAT));
  }
}
