package dev.imageaudit.bench;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.report.JsonLinesReport;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the time to write one entry of report.jsonl: the per-file cost of the run's one serial
 * writer, without the file system (the bytes go nowhere). The entries are the fixtures of {@link
 * JudgeBenchmark} judged once, each under {@value #COPIES} paths like a store's, so the details
 * of every format are written.
 *
 * <p>The launcher runs image-audit with C1 only; to time that, add {@code -jvmArgsAppend
 * -XX:TieredStopAtLevel=1} to the command of {@link JudgeBenchmark}'s comment, with {@code
 * EntryWritingBenchmark} to run this one alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EntryWritingBenchmark {

  /** Paths each fixture's entry is written under. */
  static final int COPIES = 50;

  private static final String[] FIXTURES = {
    "raw-partitions/gpt.img", "qcow2/cluster-4k.qcow2", "qcow2/backing-qcow2.qcow2", "android-sparse/split-0.simg",
    "vmdk/monolithicSparse.vmdk", "vpc/dynamic.vhd", "vhdx/dynamic.vhdx.gz", "vdi/dynamic.vdi", "qed/plain.qed",
    "luks/v2.luks2", "iso9660/plain.iso", "zstd/seekable.zst",
  };

  /** {@link #COPIES} times the twelve fixtures: a constant, as {@code @OperationsPerInvocation} needs. */
  static final int ENTRIES = COPIES * 12;

  private AuditReport report;

  /** Judges every fixture once and names its copies as files of a store's folders. */
  @Setup
  public void judge() throws IOException {
    if (COPIES * FIXTURES.length != ENTRIES) {
      throw new IllegalStateException("ENTRIES must be COPIES times the number of fixtures");
    }
    List<AuditEntry> entries = new ArrayList<>(ENTRIES);
    for (int copy = 0; copy < COPIES; copy++) {
      for (String fixture : FIXTURES) {
        byte[] bytes = JudgeBenchmark.fixtureBytes(fixture);
        String path = "/srv/images/g" + (copy % 7) + "/d" + copy + "/" + fixture.replace('/', '-');
        entries.add(Auditor.judge(path, null, new ByteArraySource(bytes, Long.MAX_VALUE), bytes.length));
      }
    }
    Instant now = Instant.parse("2026-12-03T00:00:00Z");
    report = new AuditReport("bench", now, now, List.of("/srv/images"), entries, AuditSummary.of(entries), List.of());
  }

  /** Writes every entry, then the summary record; the time is per entry. */
  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public void writeJsonLines() {
    JsonLinesReport.write(report, OutputStream.nullOutputStream());
  }
}
