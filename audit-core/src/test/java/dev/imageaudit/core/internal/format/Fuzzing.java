package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.audit.EntryCapsTest;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;

/**
 * What every fuzz target checks of every judgement, and how long each fuzzes. In a normal build the
 * {@code *FuzzTest} classes run once over their committed inputs (src/test/resources/.../{@code
 * <Class>Inputs/<method>/}); with {@code JAZZER_FUZZ=1} Jazzer fuzzes a target for {@link
 * #DURATION}, one target per JVM (.ci/run's fuzz block runs them all).
 */
public final class Fuzzing {

  /** How long one target fuzzes when {@code JAZZER_FUZZ} is set. */
  public static final String DURATION = "15s";

  private Fuzzing() {}

  /**
   * Judges {@code source} and checks what must hold whatever the bytes: no exception (which the
   * audit would report as an {@code internal} entry), no read past the per-file cap (the source
   * throws), and the entry within the list, text and heap caps.
   */
  static AuditEntry.Image judge(ImageSource source, long statSize) throws IOException {
    AuditEntry.Image entry = Auditor.judge("fuzz", null, source, statSize);
    assertThat(entry.bytesRead()).isLessThanOrEqualTo(Caps.PER_FILE);
    EntryCapsTest.assertWithinCaps(entry, "fuzzed image");
    return entry;
  }
}
