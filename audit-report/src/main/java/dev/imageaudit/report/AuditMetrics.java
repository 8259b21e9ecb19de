package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit's Micrometer meters: counted entry by entry with {@link #count} (a {@link ReportSet}
 * does it, on the run's one sink thread, in walk order), timed with {@link #onEntry} as an {@link
 * AuditObserver}, and told of the run's end with {@link #recordRun}. No meter is tagged with a path.
 *
 * <p>Every series is registered when the metrics are created, every format with every partition
 * decision too, so counting an entry only raises counters (no lookup, no registration) and a
 * dashboard sees 0 rather than no series for what a run did not meet.
 *
 * <p>As Prometheus exposes them (see {@code metrics.prom}):
 *
 * <table>
 *   <caption>Exposed metrics</caption>
 *   <tr><th>Name</th><th>Type</th><th>Labels</th><th>Meaning</th></tr>
 *   <tr><td>{@code image_audit_images_total}</td><td>counter</td><td>format, partition</td>
 *       <td>images by format id and virtmgr's partition decision (accepted, rejected, error); every pair present from 0</td></tr>
 *   <tr><td>{@code image_audit_flagged_total}</td><td>counter</td><td>flag</td>
 *       <td>flags carried by images, one per flag (an image with two flags counts twice); every flag present from 0</td></tr>
 *   <tr><td>{@code image_audit_skipped_total}</td><td>counter</td><td>reason</td>
 *       <td>skipped paths by reason; every reason present from 0</td></tr>
 *   <tr><td>{@code image_audit_errors_total}</td><td>counter</td><td>kind</td>
 *       <td>failed paths by error kind; every kind present from 0</td></tr>
 *   <tr><td>{@code image_audit_config_findings_total}</td><td>counter</td><td>rule</td>
 *       <td>VM config findings by rule id, counted once per run by {@link #recordRun}; every rule present from 0</td></tr>
 *   <tr><td>{@code image_audit_read_bytes_total}</td><td>counter</td><td></td>
 *       <td>bytes read from images to judge them</td></tr>
 *   <tr><td>{@code image_audit_detection_seconds}</td><td>histogram (+ {@code _max} gauge)</td><td></td>
 *       <td>time to open, read and judge one file (images and failures; not walk-made entries)</td></tr>
 *   <tr><td>{@code image_audit_last_run_timestamp_seconds}</td><td>gauge</td><td></td>
 *       <td>when the last run finished, Unix time</td></tr>
 *   <tr><td>{@code image_audit_last_run_duration_seconds}</td><td>gauge</td><td></td>
 *       <td>how long the last run took</td></tr>
 *   <tr><td>{@code image_audit_last_run_complete}</td><td>gauge</td><td></td>
 *       <td>1 if the last run had no failed path, every VM config could be read and it was not interrupted, else 0</td></tr>
 *   <tr><td>{@code image_audit_last_run_files}</td><td>gauge</td><td></td>
 *       <td>entries (images, skips and errors) in the last run</td></tr>
 * </table>
 *
 * <p>The {@code image_audit_last_run_*} gauges appear once {@link #recordRun} has been called.
 * Instances are thread-safe.
 */
public final class AuditMetrics implements AuditObserver {

  private final PrometheusMeterRegistry registry;
  // Indexed by ordinal: counting an entry is an array read and an increment, nothing more.
  private final Counter[][] images = new Counter[ImageFormat.values().length][Verdict.Decision.values().length];
  private final Counter[] errors = new Counter[ErrorKind.values().length];
  private final Counter[] skipped = new Counter[SkipReason.values().length];
  private final Counter[] flagged = new Counter[Flag.values().length];
  private final Counter[] configFindings = new Counter[ConfigRule.values().length];
  // The last run whose config findings were counted: recording the same run twice counts once.
  private final AtomicReference<Object> counted = new AtomicReference<>();
  private final Counter bytesRead;
  private final Timer detection;
  // Read by the gauges; replaced whole so a scrape never sees half of one run and half of another.
  private volatile LastRun lastRun;
  private final AtomicBoolean runGauges = new AtomicBoolean();

  /** What the last-run gauges show. */
  private record LastRun(double finishedEpochSeconds, double durationSeconds, boolean complete, long files) {}

  private AuditMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (ImageFormat format : ImageFormat.values()) {
      for (Verdict.Decision decision : Verdict.Decision.values()) {
        images[format.ordinal()][decision.ordinal()] =
            Counter.builder("image.audit.images")
                .description("Images audited, by format and virtmgr's partition decision")
                .tag("format", format.id())
                .tag("partition", decision.id())
                .register(registry);
      }
    }
    for (ErrorKind kind : ErrorKind.values()) {
      errors[kind.ordinal()] =
          Counter.builder("image.audit.errors")
              .description("Paths that could not be audited, by error kind")
              .tag("kind", kind.id())
              .register(registry);
    }
    for (SkipReason reason : SkipReason.values()) {
      skipped[reason.ordinal()] =
          Counter.builder("image.audit.skipped")
              .description("Paths met but deliberately not opened, by reason")
              .tag("reason", reason.id())
              .register(registry);
    }
    for (Flag flag : Flag.values()) {
      flagged[flag.ordinal()] =
          Counter.builder("image.audit.flagged")
              .description("Flags carried by images, one count per flag")
              .tag("flag", flag.id())
              .register(registry);
    }
    for (ConfigRule rule : ConfigRule.values()) {
      configFindings[rule.ordinal()] =
          Counter.builder("image.audit.config.findings")
              .description("VM config findings, by rule")
              .tag("rule", rule.id())
              .register(registry);
    }
    bytesRead =
        Counter.builder("image.audit.read")
            .description("Bytes read from images to judge them")
            .baseUnit("bytes")
            .register(registry);
    detection =
        Timer.builder("image.audit.detection")
            .description("Time to open, read and judge one file")
            // A few fixed buckets: enough to see slow storage, cheap in a textfile.
            .serviceLevelObjectives(
                Duration.ofMillis(1),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10))
            .register(registry);
  }

  /** Returns metrics kept in a new Prometheus registry. */
  public static AuditMetrics create() {
    return new AuditMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Counts {@code entry} once: its format and partition decision, its flags and bytes read, or its
   * skip reason or error kind. Call it once per entry of the run; {@link ReportSet} does, for every
   * entry it writes.
   */
  public void count(AuditEntry entry) {
    if (entry instanceof AuditEntry.Image image) {
      images[image.format().ordinal()][image.partition().decision().ordinal()].increment();
      for (Flag flag : image.flags()) {
        flagged[flag.ordinal()].increment();
      }
      bytesRead.increment(image.bytesRead());
    } else if (entry instanceof AuditEntry.Skipped skip) {
      skipped[skip.reason().ordinal()].increment();
    } else if (entry instanceof AuditEntry.Failed failure) {
      errors[failure.kind().ordinal()].increment();
    }
  }

  /**
   * Times {@code entry}: records how long it took to open, read and judge, on the thread that did
   * it. Only timing: the entry is counted by {@link #count}. Safe to call from many threads at once.
   */
  @Override
  public void onEntry(AuditEntry entry, long nanos) {
    // Walk-made entries (skips, some failures) carry 0 and say nothing about reading speed.
    if (nanos > 0 && !(entry instanceof AuditEntry.Skipped)) {
      detection.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Records the finished run in the last-run gauges (timestamp, duration, completeness, files) and
   * counts its VM config findings; calling it again for the same report changes nothing.
   */
  public void recordRun(AuditReport report) {
    Objects.requireNonNull(report, "report");
    record(report, report.startedAt(), report.finishedAt(), report.configs(), report.complete(), report.summary().files());
  }

  /**
   * Records the run that started with {@code start} and ended with {@code end}, as {@link
   * #recordRun(AuditReport)} does; calling it again with the same {@code end} changes nothing.
   */
  public void recordRun(RunStart start, RunEnd end) {
    recordRun(end, start, end);
  }

  /** Records a run, counting its config findings only when {@code run} was not recorded last. */
  void recordRun(Object run, RunStart start, RunEnd end) {
    Objects.requireNonNull(run, "run");
    record(run, start.startedAt(), end.finishedAt(), end.configs(), end.complete(), end.summary().files());
  }

  private void record(
      Object run, Instant started, Instant finished, List<VmConfigAudit> configs, boolean complete, long files) {
    if (counted.getAndSet(run) != run) {
      for (VmConfigAudit config : configs) {
        for (VmConfigAudit.Finding finding : config.findings()) {
          configFindings[finding.rule().ordinal()].increment();
        }
      }
    }
    Duration took = Duration.between(started, finished);
    lastRun = new LastRun(finished.toEpochMilli() / 1000.0, took.toNanos() / 1e9, complete, files);
    // Registered on the first run only (no NaN before it); later runs just replace what they read.
    if (runGauges.compareAndSet(false, true)) {
      registerRunGauges();
    }
  }
  private void registerRunGauges() {
    Gauge.builder("image.audit.last.run.timestamp", this, m -> m.lastRun.finishedEpochSeconds())
        .description("When the last run finished, in seconds since the epoch")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("image.audit.last.run.duration", this, m -> m.lastRun.durationSeconds())
        .description("How long the last run took")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("image.audit.last.run.complete", this, m -> m.lastRun.complete() ? 1 : 0)
        .description("1 if every path of the last run was audited or deliberately skipped, else 0")
        .strongReference(true)
        .register(registry);
    Gauge.builder("image.audit.last.run.files", this, m -> m.lastRun.files())
        .description("Entries (images, skips and errors) in the last run")
        .strongReference(true)
        .register(registry);
  }

  /** Returns the registry the meters live in. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
