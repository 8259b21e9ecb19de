package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AuditMetricsTest {

  static AuditEntry.Image qcow2(String path) {
    return new AuditEntry.Image(
        path, null, ImageFormat.QCOW2, 196_616, U64.of(-1L), null,
        Verdict.rejected("unsupported partition image type: Qcow2"), Verdict.accepted(),
        Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE),
        Map.of("backingFile", "secret/base.img"), 512);
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
  void countsImagesByFormatAndPartitionDecision() {
    assertThat(lines(fed()))
        .contains(
            "image_audit_images_total{format=\"qcow2\",partition=\"rejected\"} 2.0",
            "image_audit_images_total{format=\"raw\",partition=\"accepted\"} 1.0",
            "# TYPE image_audit_images_total counter",
            // Every format with every decision, 0 where none was seen: series never vanish.
            "image_audit_images_total{format=\"composite\",partition=\"accepted\"} 0.0");
  }

  @Test
  void observingAnEntryOnlyTimesItCountingIsSeparate() {
    AuditMetrics metrics = AuditMetrics.create();
    metrics.onEntry(ENTRIES.get(0), 1_000);
    assertThat(lines(metrics))
        .contains(
            "image_audit_images_total{format=\"qcow2\",partition=\"rejected\"} 0.0",
            "image_audit_detection_seconds_count 1");
    metrics.count(ENTRIES.get(0));
    assertThat(lines(metrics))
        .contains(
            "image_audit_images_total{format=\"qcow2\",partition=\"rejected\"} 1.0",
            "image_audit_detection_seconds_count 1");
  }

  @Test
  void countsFlagsSkipsErrorsAndBytes() {
    assertThat(lines(fed()))
        .contains(
            "image_audit_flagged_total{flag=\"unsupported-partition-image\"} 2.0",
            "image_audit_skipped_total{reason=\"symlink\"} 1.0",
            "image_audit_errors_total{kind=\"not-found\"} 1.0",
            "image_audit_read_bytes_total 5120.0");
  }

  @Test
  void everyErrorKindAndSkipReasonIsPresentFromZero() {
    List<String> lines = lines(AuditMetrics.create());
    for (ErrorKind kind : ErrorKind.values()) {
      assertThat(lines).contains("image_audit_errors_total{kind=\"" + kind.id() + "\"} 0.0");
    }
    for (SkipReason reason : SkipReason.values()) {
      assertThat(lines).contains("image_audit_skipped_total{reason=\"" + reason.id() + "\"} 0.0");
    }
    for (ImageFormat format : ImageFormat.values()) {
      for (Verdict.Decision decision : Verdict.Decision.values()) {
        assertThat(lines)
            .contains(
                "image_audit_images_total{format=\"" + format.id() + "\",partition=\"" + decision.id() + "\"} 0.0");
      }
    }
  }

  @Test
  void countsConfigFindingsByRuleOncePerRunEveryRuleFromZero() {
    AuditMetrics metrics = AuditMetrics.create();
    for (ConfigRule rule : ConfigRule.values()) {
      assertThat(lines(metrics)).contains("image_audit_config_findings_total{rule=\"" + rule.id() + "\"} 0.0");
    }
    AuditReport report = Fixtures.report();
    metrics.recordRun(report);
    metrics.recordRun(report);
    assertThat(lines(metrics))
        .contains(
            "image_audit_config_findings_total{rule=\"invalid-config\"} 1.0",
            "image_audit_config_findings_total{rule=\"relative-paths\"} 1.0",
            "image_audit_config_findings_total{rule=\"config-unreadable\"} 1.0",
            "image_audit_config_findings_total{rule=\"missing-file\"} 0.0",
            "# TYPE image_audit_config_findings_total counter");
    metrics.recordRun(Fixtures.report());
    assertThat(lines(metrics)).contains("image_audit_config_findings_total{rule=\"invalid-config\"} 2.0");
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
  void recordRunSetsTheLastRunGauges() {
    AuditMetrics metrics = fed();
    assertThat(lines(metrics)).noneMatch(l -> l.startsWith("image_audit_last_run"));
    AuditReport report = Fixtures.report();
    metrics.recordRun(report);
    metrics.recordRun(report);
    assertThat(lines(metrics))
        .contains(
            "image_audit_last_run_timestamp_seconds 1.76732304725E9",
            "image_audit_last_run_duration_seconds 2.25",
            "image_audit_last_run_complete 0.0",
            "image_audit_last_run_files 6.0",
            "# TYPE image_audit_last_run_timestamp_seconds gauge");
    assertThat(Double.parseDouble("1.76732304725E9")).isEqualTo(Fixtures.FINISHED.toEpochMilli() / 1000.0);

    metrics.recordRun(Fixtures.report(List.of(Fixtures.raw("a", 1)), List.of()));
    assertThat(lines(metrics)).contains("image_audit_last_run_complete 1.0", "image_audit_last_run_files 1.0");
  }

  @Test
  void isTextFormatNotOpenMetricsAndNeverNamesAPath() {
    AuditMetrics metrics = fed();
    metrics.recordRun(Fixtures.report(ENTRIES, List.of("store")));
    String text = PrometheusText.text(metrics.registry());
    assertThat(text).doesNotContain("# EOF").doesNotContain("_created").endsWith("\n");
    assertThat(text.lines()).noneMatch(l -> l.contains("secret") || l.contains("store/") || l.contains("/"));
    // Every sample line is NAME{labels} VALUE with a known label, nothing per file.
    assertThat(text.lines().filter(l -> !l.startsWith("#")))
        .allMatch(l -> l.matches("image_audit_[a-z_]+(\\{(format|partition|flag|reason|kind|rule|le)=\"[^\"]*\"(,(partition|le)=\"[^\"]*\")?\\})? \\S+"));
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
