package dev.imageaudit.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.cli.Main;
import dev.imageaudit.report.ReportReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same store audited by {@code image-audit scan} and by the Spark job then {@code image-audit
 * report} gives the same entries, summary and verdict; retried tasks leave no duplicate.
 */
class SparkEquivalenceTest {

  private static final Path EXAMPLE_STORE =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("../examples/image-store").normalize();

  // Two threads, and a task may fail twice before the job does: the retry test needs it.
  private static JavaSparkContext spark;

  @TempDir static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = new JavaSparkContext(
        new SparkConf()
            .setMaster("local[2,3]")
            .setAppName("image-audit-test")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.sql.shuffle.partitions", "2"));
    spark.setLogLevel("ERROR");
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.close();
    }
  }

  record Cli(int exitCode, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Main(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]))
        .run(args);
    return new Cli(code, out.toString(), err.toString());
  }

  private static SparkAudit.Options options(Path output, int partitions, String... inputs) {
    return new SparkAudit.Options(
        output.toString(), null, List.of(inputs), false, partitions, 1, 4, Duration.ofSeconds(30));
  }

  /** Scans {@code store}, runs the job and renders its parts; asserts the two report sets agree. */
  private void assertEquivalent(Path store, int partitions) throws IOException {
    Path scanned = tmp.resolve("scan");
    Cli scan = cli("scan", "-q", "--io-threads", "4", "-o", scanned.toString(), store.toString());
    Path parts = tmp.resolve("parts");
    SparkAudit.Result job = SparkAudit.run(spark, options(parts, partitions, store.toString()));
    assertThat(job.partitions()).isEqualTo(partitions);
    Path rendered = tmp.resolve("rendered");
    Cli report = cli("report", "-q", "-o", rendered.toString(), parts.toString());

    assertThat(report.exitCode()).as(report.err()).isEqualTo(scan.exitCode());
    List<String> expected = Files.readAllLines(scanned.resolve("report.jsonl"), StandardCharsets.UTF_8);
    List<String> actual = Files.readAllLines(rendered.resolve("report.jsonl"), StandardCharsets.UTF_8);
    assertThat(actual).hasSameSizeAs(expected);
    // Every entry line byte for byte, in walk order.
    assertThat(actual.subList(0, actual.size() - 1)).containsExactlyElementsOf(expected.subList(0, expected.size() - 1));
    assertThat(withoutTimes(actual.get(actual.size() - 1))).isEqualTo(withoutTimes(expected.get(expected.size() - 1)));
    assertThat(withoutTimes(Files.readString(rendered.resolve("report.json"))))
        .isEqualTo(withoutTimes(Files.readString(scanned.resolve("report.json"))));
    assertThat(job.summary().files()).isEqualTo(expected.size() - 1);
    try (Stream<Path> files = Files.list(parts)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .contains("_SUCCESS", ReportReader.SUMMARY)
          .noneMatch(n -> n.startsWith("_part-") || n.equals("_temporary"))
          .filteredOn(n -> n.startsWith("part-"))
          .hasSize(partitions);
    }
  }

  /**
   * The run's times differ between two runs, and the provenance names the command that wrote the
   * file (scan, then report); everything else must not differ.
   */
  private static String withoutTimes(String json) {
    return json.replaceAll("\"(startedAt|finishedAt)\": ?\"[^\"]*\"", "\"$1\":\"T\"")
        .replaceAll("\"provenance\": ?\\{[^}]*\\}", "\"provenance\":\"P\"");
  }

  @Test
  void theExampleStoreGivesTheSameReportsAndVerdict() throws IOException {
    assertEquivalent(EXAMPLE_STORE, 3);
  }

  @Test
  void tenThousandMixedFilesWithHostileNamesGiveTheSameReports() throws Exception {
    Path store = HostileStore.create(shared.resolve("store"), 10_000, EXAMPLE_STORE);
    assertEquivalent(store, 7);
  }

  @Test
  void aRetriedTaskLeavesNoDuplicateAndNoGap() throws Exception {
    Path store = HostileStore.create(tmp.resolve("small"), 300, EXAMPLE_STORE);
    int failuresBefore = PartOutputFormat.DELIBERATE_FAILURES.get();
    spark.hadoopConfiguration().setInt(PartOutputFormat.FAIL_FIRST_ATTEMPT, 1);
    try {
      assertEquivalent(store, 4);
    } finally {
      spark.hadoopConfiguration().unset(PartOutputFormat.FAIL_FIRST_ATTEMPT);
    }
    // The first attempt of partition 1 did write an entry, then failed; only the retry was committed.
    assertThat(PartOutputFormat.DELIBERATE_FAILURES.get()).isEqualTo(failuresBefore + 1);
    List<String> lines = new ArrayList<>();
    for (Path part : ReportReader.parts(tmp.resolve("parts"))) {
      lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
    }
    Set<String> unique = new HashSet<>(lines);
    assertThat(unique).hasSameSizeAs(lines);
  }

  @Test
  void pathListsAndBalancedPartitions() throws Exception {
    Path store = HostileStore.create(tmp.resolve("listed"), 120, EXAMPLE_STORE);
    Path list = tmp.resolve("paths.txt");
    Files.writeString(list, store.resolve("d000") + "\n" + EXAMPLE_STORE.resolve("base.raw") + "\n" + tmp.resolve("gone.img") + "\n");
    Path parts = tmp.resolve("parts");
    SparkAudit.Result job = SparkAudit.run(spark, options(parts, 5, "@" + list));
    List<Long> sizes = new ArrayList<>();
    for (Path part : ReportReader.parts(parts)) {
      sizes.add((long) Files.readAllLines(part, StandardCharsets.UTF_8).size());
    }
    assertThat(sizes).hasSize(5);
    assertThat(sizes.stream().mapToLong(Long::longValue).max().getAsLong()
        - sizes.stream().mapToLong(Long::longValue).min().getAsLong()).isLessThanOrEqualTo(1);
    assertThat(job.summary().errors()).isEqualTo(1);
    Cli report = cli("report", "-q", "-o", tmp.resolve("out").toString(), parts.toString());
    assertThat(report.exitCode()).isEqualTo(3);
    assertThat(Files.readString(tmp.resolve("out/report.json"))).contains("\"@" + list + "\"");
  }

  @Test
  void theCommandLineRefusesWhatItCannotDo() {
    StringWriter err = new StringWriter();
    assertThat(SparkAudit.run(new String[] {"x"}, new PrintWriter(new StringWriter()), new PrintWriter(err)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--output is required");
  }
}
