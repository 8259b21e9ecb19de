package dev.imageaudit.bench;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the time {@link Auditor#judge} takes to name, size and judge one image whose bytes are
 * already in memory: the CPU cost per file, without the file system. One real fixture per format
 * (the images the detector tests use, made by qemu-img and friends).
 *
 * <p>Run: {@code ./mvnw -B -P bench -pl bench/jmh -am package -DskipTests && java -jar
 * bench/jmh/target/benchmarks.jar}; add JMH options such as {@code -p fixture=qcow2/cluster-4k.qcow2}
 * or {@code -prof gc} (allocation per judged image).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Long warm-up: the first call loads every detector, and C2 can take seconds on a busy machine.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JudgeBenchmark {

  /** A fixture under audit-core's test fixtures; a {@code .gz} one is judged decompressed. */
  @Param({
    "raw-partitions/mbr.img",
    "raw-partitions/gpt.img",
    "qcow2/cluster-4k.qcow2",
    "qcow2/backing-qcow2.qcow2",
    "qcow2/tiny-v1.qcow",
    "android-sparse/split-0.simg",
    "vmdk/monolithicSparse.vmdk",
    "vmdk/monolithicFlat.vmdk",
    "vpc/dynamic.vhd",
    "vpc/fixed.vhd",
    "vhdx/dynamic.vhdx.gz",
    "vdi/dynamic.vdi",
    "qed/plain.qed",
    "parallels/ext.hdd",
    "luks/v2.luks2",
    "bochs/v1.img",
    "cloop/b4k.cloop",
    "dmg/udif.dmg",
    "iso9660/plain.iso",
    "zstd/seekable.zst",
  })
  public String fixture;

  private ImageSource source;
  private long size;

  /** Loads the fixture once; every invocation judges the same bytes. */
  @Setup
  public void load() {
    byte[] bytes = fixtureBytes(fixture);
    size = bytes.length;
    // One source for the whole trial: judge only reads from it. Its cap is lifted because the byte
    // count it keeps grows with every invocation; the per-file cap is the tests' business, not timed.
    source = new ByteArraySource(bytes, Long.MAX_VALUE);
  }

  /** Judges the fixture; the entry is returned so that the JIT cannot drop the work. */
  @Benchmark
  public AuditEntry.Image judge() throws IOException {
    return Auditor.judge(fixture, null, source, size);
  }

  static byte[] fixtureBytes(String name) {
    try (InputStream in = JudgeBenchmark.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name + " in the benchmark jar");
      }
      if (name.endsWith(".gz")) {
        try (InputStream unzipped = new GZIPInputStream(in)) {
          return unzipped.readAllBytes();
        }
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
