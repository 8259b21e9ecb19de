package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.RunEnd;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing an entry allocates little: one generator per file is reused for the whole stream, no
 * map or copy is made per entry, and only the HTML's capped rows are formatted. Measured with the
 * JVM's per-thread allocation counter over 100,000 entries, after a warm-up.
 */
class AllocationTest {

  /** Far above what is measured (a few hundred bytes), far below the 17 KB an entry of the old pipeline. */
  static final long BOUND = 2_048;

  @TempDir Path tmp;

  @Test
  void anEntryThroughTheSetAllocatesAFewHundredBytesAtMost() throws Exception {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    // Built beforehand: making an entry is the audit's cost, not the report's.
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(SyntheticEntries.entry(i));
    }
    int measured = 100_000;
    long allocated;
    long cpu;
    long endCpu;
    try (ReportSet set = ReportSet.create(tmp.resolve("out"), AuditMetrics.create())) {
      set.begin(SyntheticEntries.START);
      // Warm-up: JIT-compiled paths, buffers grown, the HTML's tables full.
      for (int i = 0; i < 50_000; i++) {
        set.entry(entries.get(i % entries.size()));
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      long cpuBefore = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < measured; i++) {
        set.entry(entries.get(i % entries.size()));
      }
      cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
      AuditSummary.Tally tally = new AuditSummary.Tally();
      for (int i = 0; i < 150_000; i++) {
        tally.add(entries.get(i % entries.size()));
      }
      long endBefore = threads.getCurrentThreadCpuTime();
      set.end(SyntheticEntries.START, new RunEnd(SyntheticEntries.FINISHED, tally.summary(), List.of(), null));
      set.commit();
      endCpu = threads.getCurrentThreadCpuTime() - endBefore;
    }
    long perEntry = allocated / measured;
    // CPU time, not wall time: a report of what was measured, never a pass or fail.
    System.out.printf(
        "ReportSet.entry allocates %,d bytes per entry (%,d over %,d) and takes %.2f us of CPU per entry"
            + " (%,.0f entries per CPU second); end and commit of 150,000 entries: %.2f s of CPU%n",
        perEntry, allocated, measured, cpu / 1e3 / measured, measured / (cpu / 1e9), endCpu / 1e9);
    assertThat(perEntry).isLessThan(BOUND);
  }
}
