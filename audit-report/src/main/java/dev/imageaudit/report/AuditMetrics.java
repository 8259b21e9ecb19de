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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;

/**
 * One run's metrics, as the Prometheus instrumentation guide asks of a batch job: each value
 * describes the last run (a gauge, set anew by every run, never a counter that would reset and go
 * down), every labelled series is present from 0 in every run, and {@code
 * image_audit_last_success_timestamp_seconds} moves only when a run completes. Entries are counted
 * with {@link #count} (a {@link ReportSet} does it, on the run's one sink thread, in walk order),
 * timed with {@link #onEntry} as an {@link AuditObserver}, and the run's end is recorded with
 * {@link #recordRun}. No series is labelled with a path.
 *
 * <p>As Prometheus exposes them (see {@code metrics.prom}); every series also carries the labels
 * given to {@link Builder#label}:
 *
 * <table>
 *   <caption>Exposed metrics</caption>
 *   <tr><th>Name</th><th>Type</th><th>Labels</th><th>Meaning</th></tr>
 *   <tr><td>{@code image_audit_images}</td><td>gauge</td><td>format, partition</td>
 *       <td>images by format id and virtmgr's partition decision (accepted, rejected, error)</td></tr>
 *   <tr><td>{@code image_audit_crosvm_images}</td><td>gauge</td><td>format, crosvm</td>
 *       <td>images by format id and crosvm's whole-disk decision</td></tr>
 *   <tr><td>{@code image_audit_flagged}</td><td>gauge</td><td>flag</td>
 *       <td>images carrying each flag (an image with two flags counts under both)</td></tr>
 *   <tr><td>{@code image_audit_skipped}</td><td>gauge</td><td>reason</td><td>skipped paths by reason</td></tr>
 *   <tr><td>{@code image_audit_errors}</td><td>gauge</td><td>kind</td><td>failed paths by error kind</td></tr>
 *   <tr><td>{@code image_audit_config_findings}</td><td>gauge</td><td>rule</td><td>VM config findings by rule</td></tr>
 *   <tr><td>{@code image_audit_files}</td><td>gauge</td><td></td><td>entries (images, skips, errors)</td></tr>
 *   <tr><td>{@code image_audit_read_bytes}</td><td>gauge</td><td></td><td>bytes read to judge the images</td></tr>
 *   <tr><td>{@code image_audit_run_duration_seconds}</td><td>gauge</td><td></td><td>how long the run took</td></tr>
 *   <tr><td>{@code image_audit_files_per_second}</td><td>gauge</td><td></td><td>entries per second of the run</td></tr>
 *   <tr><td>{@code image_audit_run_complete}</td><td>gauge</td><td></td>
 *       <td>1 if every path and VM config was audited and the run was not interrupted, else 0</td></tr>
 *   <tr><td>{@code image_audit_run_verdict}</td><td>gauge</td><td>verdict</td>
 *       <td>1 for the last run's verdict (pass, fail, incomplete), 0 for the others</td></tr>
 *   <tr><td>{@code image_audit_run_interrupted}</td><td>gauge</td><td></td><td>1 if a signal stopped the run</td></tr>
 *   <tr><td>{@code image_audit_last_run_timestamp_seconds}</td><td>gauge</td><td></td>
 *       <td>when the last run finished, complete or not (Unix time)</td></tr>
 *   <tr><td>{@code image_audit_last_success_timestamp_seconds}</td><td>gauge</td><td></td>
 *       <td>when the last complete run finished; a run that is not complete keeps the previous value
 *       ({@link Builder#previousSuccess}); absent until some run completed</td></tr>
 *   <tr><td>{@code image_audit_build_info}</td><td>gauge</td><td>version, revision</td><td>always 1</td></tr>
 *   <tr><td>{@code image_audit_detection_seconds}</td><td>histogram (+ {@code _max})</td><td></td>
 *       <td>time to open, read and judge one file, over the run</td></tr>
 * </table>
 *
 * <p>Every series is registered when the metrics are built, so counting an entry only raises a
 * number (no lookup, no registration). Instances are thread-safe.
 */
public final class AuditMetrics implements AuditObserver {

  /** Labels image-audit's own series use; a {@link Builder#label} may not take them. */
  static final Set<String> RESERVED_LABELS =
      Set.of("format", "partition", "crosvm", "flag", "reason", "kind", "rule", "le", "quantile", "version",
          "revision", "job", "instance");

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final String LAST_SUCCESS = "image_audit_last_success_timestamp_seconds";
  /** How much of an old metrics file is read to find the last success: more is not a metrics file. */
  private static final int OLD_FILE_LIMIT = 4 << 20;

  private static final int DECISIONS = Verdict.Decision.values().length;

  private final PrometheusMeterRegistry registry;
  // One writer (the sink thread), read by scrapes from any thread: atomic arrays, indexed by ordinal.
  private final AtomicLongArray images = new AtomicLongArray(ImageFormat.values().length * DECISIONS);
  private final AtomicLongArray crosvm = new AtomicLongArray(ImageFormat.values().length * DECISIONS);
  private final AtomicLongArray errors = new AtomicLongArray(ErrorKind.values().length);
  private final AtomicLongArray skipped = new AtomicLongArray(SkipReason.values().length);
  private final AtomicLongArray flagged = new AtomicLongArray(Flag.values().length);
  private final AtomicLongArray configFindings = new AtomicLongArray(ConfigRule.values().length);
  // 1 for the last run's verdict, 0 for the others (all 0 until a verdict is recorded).
  private final AtomicLongArray verdicts = new AtomicLongArray(RunVerdict.values().length);
  // files, bytes read
  private final AtomicLongArray totals = new AtomicLongArray(2);
  private final Timer detection;
  // Replaced whole by recordRun, so a scrape never sees half of one run and half of another.
  private volatile LastRun lastRun = LastRun.NONE;
  private volatile double lastSuccess;
  private final Object successGaugeLock = new Object();
  private boolean successGauge;

  /** What the run gauges show. */
  private record LastRun(
      double finishedEpochSeconds, double durationSeconds, boolean complete, boolean interrupted, double filesPerSecond) {
    static final LastRun NONE = new LastRun(0, 0, false, false, 0);
  }

  private AuditMetrics(Builder builder) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Tag> common = new ArrayList<>();
    builder.labels.forEach((k, v) -> common.add(Tag.of(k, v)));
    registry.config().commonTags(common);
    for (ImageFormat format : ImageFormat.values()) {
      for (Verdict.Decision decision : Verdict.Decision.values()) {
        int i = format.ordinal() * DECISIONS + decision.ordinal();
        Gauge.builder("image.audit.images", images, a -> a.get(i))
            .description("Images of the last run, by format and virtmgr's partition decision")
            .tag("format", format.id())
            .tag("partition", decision.id())
            .register(registry);
        Gauge.builder("image.audit.crosvm.images", crosvm, a -> a.get(i))
            .description("Images of the last run, by format and crosvm's whole-disk decision")
            .tag("format", format.id())
            .tag("crosvm", decision.id())
            .register(registry);
      }
    }
    for (ErrorKind kind : ErrorKind.values()) {
      gauge("image.audit.errors", "Paths of the last run that could not be audited, by error kind", errors,
          kind.ordinal(), "kind", kind.id());
    }
    for (SkipReason reason : SkipReason.values()) {
      gauge("image.audit.skipped", "Paths of the last run met but deliberately not opened, by reason", skipped,
          reason.ordinal(), "reason", reason.id());
    }
    for (Flag flag : Flag.values()) {
      gauge("image.audit.flagged", "Images of the last run carrying each flag", flagged, flag.ordinal(), "flag",
          flag.id());
    }
    for (ConfigRule rule : ConfigRule.values()) {
      gauge("image.audit.config.findings", "VM config findings of the last run, by rule", configFindings,
          rule.ordinal(), "rule", rule.id());
    }
    for (RunVerdict verdict : RunVerdict.values()) {
      gauge("image.audit.run.verdict", "1 for the last run's verdict under its policy, 0 for the others", verdicts,
          verdict.ordinal(), "verdict", verdict.id());
    }
    Gauge.builder("image.audit.files", totals, a -> a.get(0))
        .description("Entries (images, skips and errors) of the last run")
        .register(registry);
    Gauge.builder("image.audit.read", totals, a -> a.get(1))
        .description("Bytes read from images to judge them in the last run")
        .baseUnit("bytes")
        .register(registry);
    runGauge("image.audit.run.duration", "How long the last run took", "seconds", r -> r.durationSeconds());
    runGauge("image.audit.files.per.second", "Entries per second of the last run", null, r -> r.filesPerSecond());
    runGauge("image.audit.run.complete",
        "1 if every path and VM config of the last run was audited and it was not interrupted, else 0", null,
        r -> r.complete() ? 1 : 0);
    runGauge("image.audit.run.interrupted", "1 if a signal stopped the last run, else 0", null,
        r -> r.interrupted() ? 1 : 0);
    runGauge("image.audit.last.run.timestamp", "When the last run finished, complete or not, in Unix time",
        "seconds", r -> r.finishedEpochSeconds());
    Gauge.builder("image.audit.build.info", () -> 1.0)
        .description("The image-audit build that wrote these metrics; always 1")
        .tag("version", builder.version)
        .tag("revision", builder.revision)
        .strongReference(true)
        .register(registry);
    detection =
        Timer.builder("image.audit.detection")
            .description("Time to open, read and judge one file, over the last run")
            // A few fixed buckets: enough to see slow storage, cheap in a textfile.
            .serviceLevelObjectives(
                Duration.ofMillis(1),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10))
            .register(registry);
    if (builder.previousSuccess.isPresent()) {
      lastSuccess = builder.previousSuccess.getAsDouble();
      registerSuccessGauge();
    }
  }

  private void gauge(String name, String help, AtomicLongArray values, int i, String tag, String value) {
    Gauge.builder(name, values, a -> a.get(i)).description(help).tag(tag, value).register(registry);
  }

  private void runGauge(String name, String help, String unit, java.util.function.ToDoubleFunction<LastRun> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.lastRun))
        .description(help)
        .baseUnit(unit)
        .strongReference(true)
        .register(registry);
  }

  private void registerSuccessGauge() {
    synchronized (successGaugeLock) {
      if (!successGauge) {
        successGauge = true;
        Gauge.builder("image.audit.last.success.timestamp", this, m -> m.lastSuccess)
            .description("When the last complete run finished, in Unix time")
            .baseUnit("seconds")
            .strongReference(true)
            .register(registry);
      }
    }
  }

  /** Returns metrics without extra labels, build info {@code unknown}, no previous success. */
  public static AuditMetrics create() {
    return builder().build();
  }

  /** Returns a builder for metrics with labels, build info and the previous last success. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link AuditMetrics}. */
  public static final class Builder {
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String version = "unknown";
    private String revision = "unknown";
    private OptionalDouble previousSuccess = OptionalDouble.empty();

    private Builder() {}

    /**
     * Adds a label that every series carries (e.g. {@code store=prod-images}), so that runs over
     * different stores on one host, or pushed to one Pushgateway, stay apart.
     *
     * @throws IllegalArgumentException if {@code name} is not a Prometheus label name, starts with
     *     {@code __}, is one of image-audit's own labels (or job, instance), was given already, or
     *     {@code value} is empty
     */
    public Builder label(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String problem = labelProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException("label '" + name + "' needs a value (an empty value is no label)");
      }
      if (labels.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("label '" + name + "' given twice");
      }
      return this;
    }

    /** Sets {@code image_audit_build_info}'s version and revision labels. */
    public Builder buildInfo(String version, String revision) {
      this.version = Objects.requireNonNull(version, "version");
      this.revision = Objects.requireNonNull(revision, "revision");
      return this;
    }

    /**
     * Sets the last success known before this run (Unix seconds, as {@link #lastSuccessIn} reads
     * it from the previous metrics), kept when this run does not complete.
     */
    public Builder previousSuccess(OptionalDouble epochSeconds) {
      this.previousSuccess = Objects.requireNonNull(epochSeconds, "epochSeconds");
      return this;
    }

    /** Returns the metrics, every series registered. */
    public AuditMetrics build() {
      return new AuditMetrics(this);
    }

    /** Returns the labels given, in order. */
    public Map<String, String> labels() {
      return Collections.unmodifiableMap(labels);
    }
  }

  /**
   * Returns why {@code name} cannot be a label of {@link Builder#label} or a Pushgateway grouping
   * key, or null if it can.
   */
  public static String labelProblem(String name) {
    if (!LABEL_NAME.matcher(name).matches()) {
      return "'" + name + "' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)";
    }
    if (name.startsWith("__")) {
      return "label names starting with __ are Prometheus's own: '" + name + "'";
    }
    if (RESERVED_LABELS.contains(name)) {
      return "'" + name + "' is a label image-audit or Prometheus sets itself";
    }
    return null;
  }

  /**
   * Returns the largest {@code image_audit_last_success_timestamp_seconds} in a metrics file
   * image-audit wrote before, or empty if the file is absent, unreadable or holds none: a run that
   * does not complete carries it on, so an alert on its age keeps counting from the last success.
   */
  public static OptionalDouble lastSuccessIn(Path metricsFile) {
    String text;
    try (InputStream in = Files.newInputStream(metricsFile)) {
      text = new String(in.readNBytes(OLD_FILE_LIMIT), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return OptionalDouble.empty();
    } catch (IOException | RuntimeException e) {
      // Not ours to fail on: without it the run just starts the history afresh.
      return OptionalDouble.empty();
    }
    OptionalDouble best = OptionalDouble.empty();
    for (String line : (Iterable<String>) text.lines()::iterator) {
      if (!line.startsWith(LAST_SUCCESS)) {
        continue;
      }
      String rest = line.substring(LAST_SUCCESS.length());
      if (rest.startsWith("{")) {
        int close = rest.lastIndexOf('}');
        if (close < 0) {
          continue;
        }
        rest = rest.substring(close + 1);
      } else if (!rest.startsWith(" ")) {
        continue; // another metric whose name starts the same
      }
      String[] fields = rest.strip().split("\\s+");
      try {
        double value = Double.parseDouble(fields[0]);
        if (Double.isFinite(value) && value > 0 && (best.isEmpty() || value > best.getAsDouble())) {
          best = OptionalDouble.of(value);
        }
      } catch (NumberFormatException e) {
        // Not a sample line.
      }
    }
    return best;
  }

  /**
   * Counts {@code entry} once: its format and decisions, its flags and bytes read, or its skip
   * reason or error kind. Call it once per entry of the run, from one thread at a time; {@link
   * ReportSet} does, for every entry it writes.
   */
  public void count(AuditEntry entry) {
    totals.lazySet(0, totals.get(0) + 1);
    if (entry instanceof AuditEntry.Image image) {
      int format = image.format().ordinal() * DECISIONS;
      raise(images, format + image.partition().decision().ordinal());
      raise(crosvm, format + image.disk().decision().ordinal());
      for (Flag flag : image.flags()) {
        raise(flagged, flag.ordinal());
      }
      totals.lazySet(1, totals.get(1) + image.bytesRead());
    } else if (entry instanceof AuditEntry.Skipped skip) {
      raise(skipped, skip.reason().ordinal());
    } else if (entry instanceof AuditEntry.Failed failure) {
      raise(errors, failure.kind().ordinal());
    }
  }

  // One writer: a plain read and an ordered write, no compare-and-set loop.
  private static void raise(AtomicLongArray values, int i) {
    values.lazySet(i, values.get(i) + 1);
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
   * Records the finished run: its duration, throughput, completeness, config findings, and, if
   * it completed, the last success. Recording the same run again changes nothing.
   */
  public void recordRun(AuditReport report) {
    Objects.requireNonNull(report, "report");
    record(report.startedAt(), report.finishedAt(), report.configs(), report.complete(), false,
        report.summary().files());
  }

  /** Records the run that started with {@code start} and ended with {@code end}, as {@link #recordRun(AuditReport)}. */
  public void recordRun(RunStart start, RunEnd end) {
    record(start.startedAt(), end.finishedAt(), end.configs(), end.complete(), end.interrupted() != null,
        end.summary().files());
  }

  /** Records a run; {@code run} is accepted for callers that name it, and no longer needed. */
  void recordRun(Object run, RunStart start, RunEnd end) {
    Objects.requireNonNull(run, "run");
    recordRun(start, end);
  }

  private void record(
      Instant started, Instant finished, List<VmConfigAudit> configs, boolean complete, boolean interrupted,
      long files) {
    long[] findings = new long[configFindings.length()];
    for (VmConfigAudit config : configs) {
      for (VmConfigAudit.Finding finding : config.findings()) {
        findings[finding.rule().ordinal()]++;
      }
    }
    for (int i = 0; i < findings.length; i++) {
      configFindings.set(i, findings[i]);
    }
    double seconds = Math.max(0, Duration.between(started, finished).toNanos() / 1e9);
    double finishedSeconds = finished.toEpochMilli() / 1000.0;
    lastRun = new LastRun(finishedSeconds, seconds, complete, interrupted, seconds > 0 ? files / seconds : 0);
    if (complete) {
      lastSuccess = finishedSeconds;
      registerSuccessGauge();
    }
  }

  /** Records the run's verdict: its series becomes 1, the others 0. */
  public void recordVerdict(RunVerdict verdict) {
    Objects.requireNonNull(verdict, "verdict");
    for (RunVerdict v : RunVerdict.values()) {
      verdicts.set(v.ordinal(), v == verdict ? 1 : 0);
    }
  }

  /** Returns every series in the Prometheus text format 0.0.4, as metrics.prom holds them. */
  public String text() {
    return PrometheusText.text(registry);
  }

  /** Returns the registry the meters live in. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
