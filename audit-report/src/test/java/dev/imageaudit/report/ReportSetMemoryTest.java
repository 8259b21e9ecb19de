package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A run's outputs take constant memory: a child JVM with a 48 MB heap writes 200,000 and then
 * 1,000,000 entries, and the heap it needs after collections is the same, and small, at both sizes.
 * Holding as little as 48 bytes an entry would need another 38 MB at 1,000,000 and fail here.
 */
class ReportSetMemoryTest {

  static final String HEAP = "-Xmx48m";
  /** What the outputs may hold at any size: generators, buffers, the HTML's capped rows, meters. */
  static final long BOUND = 16L << 20;
  /** How much more the larger run may show: collection timing, not growth (1 MB is 1 byte an entry). */
  static final long MARGIN = 3L << 20;

  @TempDir Path tmp;

  record Probe(long entries, long maxHeapAfterGc, long checkpoints, long nanos, long cpuNanos) {}

  @Test
  void peakHeapDoesNotGrowWithTheNumberOfEntries() throws Exception {
    Probe small = probe(200_000);
    Probe large = probe(1_000_000);
    System.out.printf(
        "ReportSet under %s: 200,000 entries: live heap after full GC at most %,d B (checkpoints %,d B), %.1f s"
            + " (%.1f s CPU, making the entries included); 1,000,000 entries: %,d B (checkpoints %,d B), %.1f s"
            + " (%.1f s CPU)%n",
        HEAP, small.maxHeapAfterGc(), small.checkpoints(), small.nanos() / 1e9, small.cpuNanos() / 1e9,
        large.maxHeapAfterGc(), large.checkpoints(), large.nanos() / 1e9, large.cpuNanos() / 1e9);

    assertThat(small.maxHeapAfterGc()).isPositive().isLessThan(BOUND);
    assertThat(large.maxHeapAfterGc()).isLessThan(BOUND).isLessThan(small.maxHeapAfterGc() + MARGIN);
    assertThat(large.checkpoints()).isLessThan(BOUND).isLessThan(small.checkpoints() + MARGIN);
  }

  private Probe probe(long entries) throws Exception {
    Path out = tmp.resolve("out-" + entries);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java, HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                MemoryProbe.class.getName(), Long.toString(entries), out.toString())
            .redirectErrorStream(true);
    // The child's file names are UTF-8 like the tests' own (the build sets LC_ALL for these JVMs).
    builder.environment().putAll(Map.of("LC_ALL", "C.UTF-8"));
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    }
    assertThat(process.exitValue()).as(output).isZero();
    Matcher m =
        Pattern.compile("entries=(\\d+) maxHeapAfterGc=(\\d+) checkpoints=(\\d+) nanos=(\\d+) cpuNanos=(\\d+)")
            .matcher(output);
    assertThat(m.find()).as(output).isTrue();
    Probe probe =
        new Probe(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4)), Long.parseLong(m.group(5)));

    // The outputs are whole: report.jsonl ends with the summary of every entry, the page is small.
    assertThat(ReportSetTest.names(out)).containsExactlyElementsOf(ReportSetTest.OUTPUTS);
    JsonNode summary = JsonReportTest.MAPPER.readTree(lastLine(out.resolve("report.jsonl")));
    assertThat(summary.get("record").stringValue()).isEqualTo("summary");
    assertThat(summary.at("/summary/files").longValue()).isEqualTo(entries);
    assertThat(Files.size(out.resolve("report.html"))).isLessThan(HtmlBoundsTest.TWO_MB);
    assertThat(new String(tail(out.resolve("report.json"), 64), StandardCharsets.UTF_8)).endsWith("\"configs\": []\n}\n");
    assertThat(ReportSetTest.names(tmp)).noneMatch(name -> name.startsWith("."));
    // A million entries make over a gigabyte of reports: gone before the next probe.
    Trees.delete(out);
    return probe;
  }

  private static String lastLine(Path file) throws IOException {
    String tail = new String(tail(file, 4096), StandardCharsets.UTF_8);
    String[] lines = tail.split("\n");
    return lines[lines.length - 1];
  }

  private static byte[] tail(Path file, int n) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, raf.length() - n);
      byte[] bytes = new byte[(int) (raf.length() - from)];
      raf.seek(from);
      raf.readFully(bytes);
      return bytes;
    }
  }
}
