package dev.imageaudit.cli;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static final long SECOND = 1_000_000_000L;

  private static AuditEntry.Image image(String path, Verdict partition) {
    return new AuditEntry.Image(path, null, ImageFormat.RAW, 1 << 20, U64.of(1 << 20), U64.of(1 << 20),
        partition, Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()), 1 << 20);
  }

  private static void feed(Progress progress) {
    progress.onEntry(image("store/a/x.img", Verdict.accepted()), 0);
    progress.onEntry(image("store/a/y.img", Verdict.rejected("unsupported partition image type: Qcow2")), 0);
    progress.onEntry(new AuditEntry.Skipped("store/a/pipe", null, SkipReason.FIFO), 0);
    progress.onEntry(new AuditEntry.Failed("store/b/red", null, ErrorKind.IO_ERROR, "x"), 0);
  }

  @Test
  void theLineSaysWhatIsDoneHowFastWhereAndHowLong() {
    AtomicLong now = new AtomicLong(5 * SECOND);
    Progress progress = new Progress(new PrintWriter(new StringWriter()), now::get, Progress.Mode.STATUS);
    feed(progress);
    now.addAndGet(2 * SECOND);
    assertThat(progress.line())
        .isEqualTo("4 files, 2 files/s, 2.0 MiB read, 1 accepted, 1 rejected, 1 errors, in store/b, 0:02");
  }

  @Test
  void notOnATerminalEachTickIsOneWholeLogLine() {
    StringWriter err = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    Progress progress = new Progress(new PrintWriter(err), now::get, Progress.Mode.STATUS);
    feed(progress);
    now.addAndGet(60 * SECOND);
    progress.tick();
    progress.tick();
    progress.stop();
    assertThat(err.toString()).doesNotContain("\r");
    assertThat(err.toString().lines().toList())
        .hasSize(2)
        .allMatch(l -> l.startsWith("image-audit: status: 4 files, 0 files/s,") && l.endsWith("in store/b, 1:00"));
  }

  @Test
  void onATerminalOneLineIsOverwrittenAndErasedAtTheEnd() {
    StringWriter err = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    Progress progress = new Progress(new PrintWriter(err), now::get, Progress.Mode.LIVE);
    feed(progress);
    progress.tick();
    String first = progress.line();
    assertThat(err.toString()).isEqualTo("\r" + first).doesNotContain("\n");
    progress.stop();
    assertThat(err.toString()).endsWith("\r" + " ".repeat(first.length()) + "\r");
  }

  @Test
  void aFolderNameCannotMoveTheCursor() {
    Progress progress = new Progress(new PrintWriter(new StringWriter()), () -> 0L, Progress.Mode.STATUS);
    progress.onEntry(new AuditEntry.Skipped("store/\u001b[2J\u001b[31m/pipe", null, SkipReason.FIFO), 0);
    assertThat(progress.line()).doesNotContain("\u001b").contains("in store/");
  }

  @Test
  void stopWithoutAnyLinePrintsNothing() {
    StringWriter err = new StringWriter();
    Progress progress = new Progress(new PrintWriter(err), () -> 0L, Progress.Mode.LIVE);
    progress.onEntry(new AuditEntry.Skipped("x", null, SkipReason.FIFO), 0);
    progress.stop();
    assertThat(err.toString()).isEmpty();
  }
}
