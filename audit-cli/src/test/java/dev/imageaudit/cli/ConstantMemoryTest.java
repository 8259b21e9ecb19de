package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole scan, as a real process under a small heap, at two store sizes: the live heap after
 * each collection does not grow with the number of files (nothing per file is kept once written).
 */
class ConstantMemoryTest {

  private static final Pattern AFTER_GC = Pattern.compile("->(\\d+)M\\(");

  @TempDir Path dir;

  /** Files of a few kinds (raw, qcow2, sparse header, empty) in folders of 500. */
  private static Path store(Path root, int files) throws IOException {
    byte[] qcow2 = {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3};
    byte[] sparse = {(byte) 0x3a, (byte) 0xff, 0x26, (byte) 0xed, 1, 0, 0, 0, 28, 0, 12, 0};
    byte[] raw = new byte[700];
    for (int i = 0; i < files; i++) {
      Path folder = root.resolve("batch-" + (i / 500));
      if (i % 500 == 0) {
        Files.createDirectories(folder);
      }
      byte[] content = switch (i % 4) {
        case 0 -> raw;
        case 1 -> qcow2;
        case 2 -> sparse;
        default -> new byte[0];
      };
      Files.write(folder.resolve("image-" + i + ".img"), content);
    }
    return root;
  }

  /** Runs a scan of {@code store} in a JVM of 40 MiB and returns the largest heap left after a collection, in MiB. */
  private long peakLiveHeap(Path store, String name) throws Exception {
    Path gcLog = dir.resolve(name + "-gc.log");
    Path out = dir.resolve(name + "-report");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx40m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog,
            "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "scan", "-q", "--fail-on", "none", "-o", out.toString(), store.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"));
    assertThat(lines).hasSize(countFiles(store) + 1);
    long peak = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = AFTER_GC.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
      }
    }
    return peak;
  }

  private static int countFiles(Path store) throws IOException {
    try (var files = Files.walk(store)) {
      return (int) files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void theLiveHeapDoesNotGrowWithTheNumberOfFiles() throws Exception {
    long small = peakLiveHeap(store(dir.resolve("small"), 3_000), "small");
    long large = peakLiveHeap(store(dir.resolve("large"), 30_000), "large");
    // Ten times the files: the same heap, within collection noise (MiB granularity of the log).
    assertThat(large).as("peak live heap at 30k files vs %d MiB at 3k", small).isLessThanOrEqualTo(small + 6);
    assertThat(large).as("MiB").isLessThan(40);
  }
}
