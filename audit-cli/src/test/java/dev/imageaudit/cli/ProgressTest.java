package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.SkipReason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static final AuditEntry ENTRY = new AuditEntry.Skipped("x", null, SkipReason.FIFO);
  private static final long SECOND = 1_000_000_000L;

  @Test
  void printsAtMostOnceASecondOnOneOverwrittenLine() {
    StringWriter err = new StringWriter();
    AtomicLong now = new AtomicLong(5 * SECOND);
    Progress progress = new Progress(new PrintWriter(err), now::get);

    for (int i = 0; i < 9; i++) {
      progress.onEntry(ENTRY, 0);
    }
    assertThat(err.toString()).isEmpty();

    now.addAndGet(SECOND);
    progress.onEntry(ENTRY, 0);
    progress.onEntry(ENTRY, 0);
    assertThat(err.toString()).isEqualTo("\raudited 10 files...");

    now.addAndGet(SECOND);
    progress.onEntry(ENTRY, 0);
    assertThat(err.toString()).isEqualTo("\raudited 10 files...\raudited 12 files...");

    progress.clear();
    assertThat(err.toString()).endsWith("\r" + " ".repeat("audited 12 files...".length()) + "\r");
  }

  @Test
  void clearWithoutProgressPrintsNothing() {
    StringWriter err = new StringWriter();
    Progress progress = new Progress(new PrintWriter(err), () -> 0L);
    progress.onEntry(ENTRY, 0);
    progress.clear();
    assertThat(err.toString()).isEmpty();
  }
}
