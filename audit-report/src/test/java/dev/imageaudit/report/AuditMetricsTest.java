package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditMetricsTest {

  static AuditEntry.Image qcow2(String path) {
    return new AuditEntry.Image(
        path, null, ImageFormat.QCOW2, 196_616, U64.of(-1L), null,
        Verdict.rejected("unsupported partition image type: Qcow2"), Verdict.accepted(),
        Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE),
        ImageDetails.recorded(Map.of("backingFile", "secret/base.img")), 512);
  }

  static final List<AuditEntry> ENTRIES =
      List.of(
          qcow2("store/secret-one.qcow2"),
          qcow2("store/secret-two.qcow2"),
          Fixtures.raw("store/secret-raw.img", 4096),
          new AuditEntry.Skipped("store/secret-link", "/secret/target", SkipReason.SYMLINK),
          new AuditEntry.Failed("store/secret-gone", null, ErrorKind.NOT_FOUND, "no such file or directory"));

  /**
   * Feeds the entries as a run does: each counted once by the report set, images and the failure
   * timed by the observer, the skip made by the walk (no time).
   */
  static AuditMetrics fed() {
    AuditMetrics metrics = AuditMetrics.create();
    ENTRIES.forEach(metrics::count);
    metrics.onEntry(ENTRIES.get(0), 2_000_000);
    metrics.onEntry(ENTRIES.get(1), 500_000);
    metrics.onEntry(ENTRIES.get(2), 0);
    metrics.onEntry(ENTRIES.get(3), 0);
    metrics.onEntry(ENTRIES.get(4), 50_000_000);
    return metrics;
  }

  static List<String> lines(AuditMetrics metrics) {
    return PrometheusText.text(metrics.registry()).lines().toList();
  }

  @Test
  void countsImagesByFormatAndBothDecisionsAsGauges() {
    assertThat(lines(fed()))
        .contains(
            "image_audit_images{format=\"qcow2\",partition=\"rejected\"} 2.0",
            "image_audit_images{format=\"raw\",partition=\"accepted\"} 1.0",
            "image_audit_crosvm_images{crosvm=\"accepted\",format=\"qcow2\"} 2.0",
            "# TYPE image_audit_images gauge",
            // Every format with every decision, 0 where none was seen: series never vanish.
            "image_audit_images{format=\"composite\",partition=\"accepted\"} 0.0",
            "image_audit_crosvm_images{crosvm=\"error\",format=\"composite\"} 0.0");
  }

  @Test
  void observingAnEntryOnlyTimesItCountingIsSeparate() {
    AuditMetrics metrics = AuditMetrics.create();
    metrics.onEntry(ENTRIES.get(0), 1_000);
    assertThat(lines(metrics))
        .contains(
            "image_audit_images{format=\"qcow2\",partition=\"rejected\"} 0.0",
            "image_audit_detection_seconds_count 1");
    metrics.count(ENTRIES.get(0));
    assertThat(lines(metrics))
        .contains(
            "image_audit_images{format=\"qcow2\",partition=\"rejected\"} 1.0",
            "image_audit_detection_seconds_count 1");
  }

  @Test
  void countsFlagsSkipsErrorsFilesAndBytes() {
    assertThat(lines(fed()))
        .contains(
            "image_audit_flagged{flag=\"unsupported-partition-image\"} 2.0",
            "image_audit_skipped{reason=\"symlink\"} 1.0",
            "image_audit_errors{kind=\"not-found\"} 1.0",
            "image_audit_files 5.0",
            "image_audit_read_bytes 5120.0");
  }

  @Test
  void everySeriesIsPresentFromZeroBeforeAnyEntry() {
    List<String> lines = lines(AuditMetrics.create());
    for (ErrorKind kind : ErrorKind.values()) {
      assertThat(lines).contains("image_audit_errors{kind=\"" + kind.id() + "\"} 0.0");
    }
    for (SkipReason reason : SkipReason.values()) {
      assertThat(lines).contains("image_audit_skipped{reason=\"" + reason.id() + "\"} 0.0");
    }
    for (Flag flag : Flag.values()) {
      assertThat(lines).contains("image_audit_flagged{flag=\"" + flag.id() + "\"} 0.0");
    }
    for (ConfigRule rule : ConfigRule.values()) {
      assertThat(lines).contains("image_audit_config_findings{rule=\"" + rule.id() + "\"} 0.0");
    }
    for (ImageFormat format : ImageFormat.values()) {
      for (Verdict.Decision decision : Verdict.Decision.values()) {
        assertThat(lines)
            .contains(
                "image_audit_images{format=\"" + format.id() + "\",partition=\"" + decision.id() + "\"} 0.0",
                "image_audit_crosvm_images{crosvm=\"" + decision.id() + "\",format=\"" + format.id() + "\"} 0.0");
      }
    }
    assertThat(lines)
        .contains(
            "image_audit_run_complete 0.0",
            "image_audit_run_duration_seconds 0.0",
            "image_audit_build_info{revision=\"unknown\",version=\"unknown\"} 1")
        .noneMatch(l -> l.startsWith("image_audit_last_success"))
        .noneMatch(l -> !l.startsWith("#") && l.contains("_total"));
  }

  @Test
  void configFindingsAreTheLastRunsByRule() {
    AuditMetrics metrics = AuditMetrics.create();
    AuditReport report = Fixtures.report();
    metrics.recordRun(report);
    metrics.recordRun(report);
    assertThat(lines(metrics))
        .contains(
            "image_audit_config_findings{rule=\"invalid-config\"} 1.0",
            "image_audit_config_findings{rule=\"relative-paths\"} 1.0",
            "image_audit_config_findings{rule=\"config-unreadable\"} 1.0",
            "image_audit_config_findings{rule=\"missing-file\"} 0.0",
            "# TYPE image_audit_config_findings gauge");
    // A gauge of the run, not a counter: recording another run sets, never adds.
    metrics.recordRun(Fixtures.report());
    assertThat(lines(metrics)).contains("image_audit_config_findings{rule=\"invalid-config\"} 1.0");
    metrics.recordRun(Fixtures.report(List.of(Fixtures.raw("a", 1)), List.of()));
    assertThat(lines(metrics)).contains("image_audit_config_findings{rule=\"invalid-config\"} 0.0");
  }

  @Test
  void timesOnlyEntriesThatWereOpenedAndRead() {
    assertThat(lines(fed()))
        .contains(
            "image_audit_detection_seconds_count 3",
            "image_audit_detection_seconds_sum 0.0525",
            "image_audit_detection_seconds_bucket{le=\"0.001\"} 1",
            "image_audit_detection_seconds_bucket{le=\"0.01\"} 2",
            "image_audit_detection_seconds_bucket{le=\"0.1\"} 3",
            "image_audit_detection_seconds_max 0.05",
            "# TYPE image_audit_detection_seconds histogram");
  }

  @Test
  void recordRunSetsTheRunGaugesAndOnlyACompleteRunTheLastSuccess() {
    AuditMetrics metrics = fed();
    AuditReport incomplete = Fixtures.report();
    metrics.recordRun(incomplete);
    assertThat(lines(metrics))
        .contains(
            "image_audit_last_run_timestamp_seconds 1.76732304725E9",
            "image_audit_run_duration_seconds 2.25",
            "image_audit_run_complete 0.0",
            "image_audit_files_per_second " + (6 / 2.25),
            "# TYPE image_audit_last_run_timestamp_seconds gauge")
        .noneMatch(l -> l.startsWith("image_audit_last_success"));
    assertThat(Double.parseDouble("1.76732304725E9")).isEqualTo(Fixtures.FINISHED.toEpochMilli() / 1000.0);

    metrics.recordRun(Fixtures.report(List.of(Fixtures.raw("a", 1)), List.of()));
    assertThat(lines(metrics))
        .contains("image_audit_run_complete 1.0", "image_audit_last_success_timestamp_seconds 1.76732304725E9");
  }

  @Test
  void aRunThatDoesNotCompleteKeepsThePreviousSuccessReadFromTheOldFile(@TempDir Path tmp) throws Exception {
    AuditMetrics first = AuditMetrics.builder().label("store", "a").build();
    first.recordRun(Fixtures.report(List.of(Fixtures.raw("a", 1)), List.of()));
    Path old = tmp.resolve("metrics.prom");
    Files.writeString(old, first.text());
    assertThat(AuditMetrics.lastSuccessIn(old)).hasValue(Fixtures.FINISHED.toEpochMilli() / 1000.0);
    assertThat(AuditMetrics.lastSuccessIn(tmp.resolve("absent.prom"))).isEmpty();

    AuditMetrics failed =
        AuditMetrics.builder().label("store", "a").previousSuccess(AuditMetrics.lastSuccessIn(old)).build();
    failed.recordRun(Fixtures.report());
    assertThat(lines(failed))
        .contains(
            "image_audit_run_complete{store=\"a\"} 0.0",
            "image_audit_last_success_timestamp_seconds{store=\"a\"} 1.76732304725E9");
  }

  @Test
  void labelsGoOnEverySeriesAndAreValidated() {
    AuditMetrics metrics =
        AuditMetrics.builder().label("store", "prod-images").label("site", "b\"x").buildInfo("1.2", "abc").build();
    metrics.recordRun(Fixtures.report());
    assertThat(lines(metrics).stream().filter(l -> !l.startsWith("#")))
        .isNotEmpty()
        .allMatch(l -> l.contains("store=\"prod-images\"") && l.contains("site=\"b\\\"x\""));
    assertThat(lines(metrics))
        .contains("image_audit_build_info{revision=\"abc\",site=\"b\\\"x\",store=\"prod-images\",version=\"1.2\"} 1");
    for (String bad : List.of("format", "job", "instance", "__x", "1a", "a-b", "")) {
      assertThatThrownBy(() -> AuditMetrics.builder().label(bad, "v"))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> AuditMetrics.builder().label("store", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditMetrics.builder().label("store", "a").label("store", "b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stableSeriesAcrossRunsOverDifferentStores() {
    AuditMetrics one = AuditMetrics.builder().label("store", "s").build();
    one.count(ENTRIES.get(0));
    one.recordRun(Fixtures.report(List.of(ENTRIES.get(0)), List.of()));
    AuditMetrics two = AuditMetrics.builder().label("store", "s").build();
    two.count(ENTRIES.get(3));
    two.recordRun(Fixtures.report(List.of(ENTRIES.get(3)), List.of()));
    assertThat(seriesOf(two)).isEqualTo(seriesOf(one));
  }

  static List<String> seriesOf(AuditMetrics metrics) {
    return lines(metrics).stream().filter(l -> !l.startsWith("#")).map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
  }

  @Test
  void promtoolFindsNothingToSayAboutTheText() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(Files.isExecutable(promtool) || "true".equals(System.getenv("CI")),
        "promtool is not installed (Debian package prometheus); CI installs it");
    AuditMetrics metrics = AuditMetrics.builder().label("store", "prod").buildInfo("0.1.0", "abc").build();
    ENTRIES.forEach(metrics::count);
    metrics.onEntry(ENTRIES.get(0), 2_000_000);
    metrics.recordRun(Fixtures.report(List.of(Fixtures.raw("a", 1)), List.of()));
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(metrics.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(said).isZero();
    assertThat(said).isEmpty();
  }

  @Test
  void isTextFormatNotOpenMetricsAndNeverNamesAPath() {
    AuditMetrics metrics = fed();
    metrics.recordRun(Fixtures.report(ENTRIES, List.of("store")));
    String text = PrometheusText.text(metrics.registry());
    assertThat(text).doesNotContain("# EOF").doesNotContain("_created").endsWith("\n");
    assertThat(text.lines()).noneMatch(l -> l.contains("secret") || l.contains("store/") || l.contains("/"));
    // Every sample line is NAME{labels} VALUE with known labels, nothing per file.
    assertThat(text.lines().filter(l -> !l.startsWith("#")))
        .allMatch(l -> l.matches("image_audit_[a-z_]+(\\{((crosvm|format|partition|flag|reason|kind|rule|le|version|revision|verdict)=\"[^\"]*\",?)+\\})? \\S+"), "known labels");
  }

  @Test
  void onEntryIsThreadSafe() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    AuditMetrics metrics = AuditMetrics.create();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    metrics.onEntry(ENTRIES.get(i % ENTRIES.size()), 1_000);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    int each = threads * perThread / ENTRIES.size();
    // Four of the five entries are timed; the skip is not.
    assertThat(lines(metrics)).contains("image_audit_detection_seconds_count " + (4 * each));
  }
}
