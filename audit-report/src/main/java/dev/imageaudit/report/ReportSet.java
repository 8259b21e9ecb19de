package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes one run's outputs as the run streams by, into a staging folder beside the output folder,
 * and puts them in place of the previous outputs all at once on {@link #commit()}; closed without
 * a commit, it deletes what it wrote and leaves the previous outputs as they were.
 *
 * <p>The outputs, each written in constant memory whatever the number of entries:
 *
 * <ul>
 *   <li>{@value #JSONL}: each entry's line as it arrives, then a summary record ({@link
 *       JsonLinesReport});
 *   <li>{@value #JSON}: written at the end, its images copied line by line from report.jsonl
 *       (which therefore comes first) ({@link JsonReport});
 *   <li>{@value #HTML}: rendered at the end from bounded aggregates ({@link HtmlReport});
 *   <li>{@value #METRICS}: each entry counted into the {@link AuditMetrics} as it arrives, the
 *       registry written at the end.
 * </ul>
 *
 * <p>The output folder belongs to image-audit and is replaced whole: see {@link OutputFolder} for
 * which folders it will replace (absent, empty, or marked with a {@code .image-audit} file) and
 * how (an atomic {@code renameat2} exchange on Linux). Every file is synced to the disk before the
 * swap, and the folders after it.
 *
 * <p>Use: {@link #create}, then pass it as the {@link RunSink} of a run; when the run ended, {@link
 * #commit()}; in any case {@link #close()} (try-with-resources). {@code begin}, {@code entry} and
 * {@code end} are called one at a time as {@link RunSink} promises; {@link #close()} may be called
 * from another thread at any time (a second signal): it stops the set, and the run's next call to
 * it fails.
 */
public final class ReportSet implements RunSink, AutoCloseable {

  /** The report as JSON Lines: one entry per line, then the summary record. */
  public static final String JSONL = "report.jsonl";
  /** The report as one JSON document. */
  public static final String JSON = "report.json";
  /** The report as a page for people. */
  public static final String HTML = "report.html";
  /** The Prometheus text file. */
  public static final String METRICS = "metrics.prom";

  /**
   * Where a committed set's outputs are, under the output folder as the caller named it.
   *
   * @param folder the output folder
   * @param jsonl the JSON Lines report
   * @param json the JSON report
   * @param html the HTML report
   * @param metrics the Prometheus text file
   */
  public record Written(Path folder, Path jsonl, Path json, Path html, Path metrics) {}

  private enum State { CREATED, BEGUN, ENDED, COMMITTED, FAILED, CLOSED }

  private final OutputFolder folder;
  private final OutputFolder.Staging staging;
  private final List<Output> outputs;
  private final PolicyGate gate;
  private volatile RunJudgement judgement;
  private final AuditMetrics metrics;
  private final MetricsExport export;
  private MetricsFileOutput metricsFile;
  // Written by end() before report.json, which reports it; read by the caller after the run.
  private volatile MetricsPush push;
  private final Object lock = new Object();
  // Set first thing by close(), read on every entry: a set being closed takes no more.
  private volatile boolean closing;
  private State state = State.CREATED;

  private ReportSet(
      OutputFolder folder, OutputFolder.Staging staging, List<Output> outputs, PolicyGate gate, AuditMetrics metrics,
      MetricsExport export) {
    this.gate = gate;
    this.folder = folder;
    this.staging = staging;
    this.outputs = outputs;
    this.metrics = metrics;
    this.export = export;
  }

  /**
   * Makes a staging folder beside {@code outputDir} (named {@code .NAME.new-RANDOM}) and opens
   * every output in it; {@code outputDir} and its parents are made if needed, at commit.
   *
   * @param outputDir the output folder: absent, empty, or one image-audit wrote
   * @param metrics where each entry is counted and the run recorded; written to {@value #METRICS}
   * @throws IOException if {@code outputDir} is a folder image-audit may not replace (not empty and
   *     no {@code .image-audit} file in it), not a folder, or the staging folder cannot be made
   */
  public static ReportSet create(Path outputDir, AuditMetrics metrics) throws IOException {
    return create(outputDir, metrics, MetricsExport.NONE);
  }

  /**
   * As {@link #create(Path, AuditMetrics)}, and sends the metrics where {@code export} says too: a
   * file of their own, made atomically at {@link #commit()}, and a Pushgateway, pushed to at {@link
   * #end} (whether the run is complete, incomplete or interrupted) before report.json is written,
   * which records how the push went in its {@code push} object (see {@link #push()}).
   *
   * @throws IOException as {@link #create(Path, AuditMetrics)} does, or if no file can be made
   *     beside {@code export.file()}
   */
  public static ReportSet create(Path outputDir, AuditMetrics metrics, MetricsExport export) throws IOException {
    return create(outputDir, metrics, null, RunAggregates.Limits.DEFAULT, Renames::exchange, export);
  }

  /**
   * As {@link #create(Path, AuditMetrics)}, judging the run by {@code gate} (a fresh one: it counts
   * this run's entries) and naming {@code provenance} in the reports.
   */
  public static ReportSet create(Path outputDir, AuditMetrics metrics, PolicyGate gate, Provenance provenance)
      throws IOException {
    return create(outputDir, metrics, gate, provenance, MetricsExport.NONE);
  }

  /** As {@link #create(Path, AuditMetrics, PolicyGate, Provenance)}, exporting as {@link #create(Path, AuditMetrics, MetricsExport)} does. */
  public static ReportSet create(
      Path outputDir, AuditMetrics metrics, PolicyGate gate, Provenance provenance, MetricsExport export)
      throws IOException {
    return create(
        outputDir, metrics, null, RunAggregates.Limits.DEFAULT, Renames::exchange, gate, provenance, export);
  }

  /**
   * As {@link #create(Path, AuditMetrics)}, with {@code run} identifying the run to {@link
   * AuditMetrics#recordRun} (null: the run's end), the HTML's limits and the folder exchange.
   */
  static ReportSet create(
      Path outputDir, AuditMetrics metrics, Object run, RunAggregates.Limits limits, OutputFolder.Exchange exchange)
      throws IOException {
    return create(outputDir, metrics, run, limits, exchange, MetricsExport.NONE);
  }

  static ReportSet create(
      Path outputDir,
      AuditMetrics metrics,
      Object run,
      RunAggregates.Limits limits,
      OutputFolder.Exchange exchange,
      MetricsExport export)
      throws IOException {
    return create(
        outputDir, metrics, run, limits, exchange, PolicyGate.of(Policy.DEFAULT, java.time.Clock.systemUTC()), null,
        export);
  }

  static ReportSet create(
      Path outputDir, AuditMetrics metrics, Object run, RunAggregates.Limits limits, OutputFolder.Exchange exchange,
      PolicyGate gate, Provenance provenance)
      throws IOException {
    return create(outputDir, metrics, run, limits, exchange, gate, provenance, MetricsExport.NONE);
  }

  static ReportSet create(
      Path outputDir, AuditMetrics metrics, Object run, RunAggregates.Limits limits, OutputFolder.Exchange exchange,
      PolicyGate gate, Provenance provenance, MetricsExport export)
      throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(export, "export");
    OutputFolder folder = OutputFolder.of(outputDir, exchange);
    OutputFolder.Staging staging = folder.stage();
    Path dir = staging.dir();
    List<Output> outputs = new ArrayList<>(4);
    ReportSet set = new ReportSet(folder, staging, outputs, gate, metrics, export);
    try {
      outputs.add(new JsonLinesOutput(dir.resolve(JSONL), provenance));
      outputs.add(
          new JsonReportOutput(dir.resolve(JSON), dir.resolve(JSONL), () -> set.closing, provenance, () -> set.push));
      outputs.add(new HtmlOutput(dir.resolve(HTML), limits, provenance));
      outputs.add(new MetricsOutput(dir.resolve(METRICS), metrics, run));
      if (export.file() != null) {
        set.metricsFile = new MetricsFileOutput(export.file(), metrics);
        outputs.add(set.metricsFile);
      }
    } catch (IOException | RuntimeException | Error e) {
      set.closeQuietly(e);
      throw e;
    }
    return set;
  }

  /** Returns how the push to the Pushgateway went, once {@link #end} ran; null without a Pushgateway. */
  public MetricsPush push() {
    return push;
  }

  /** Returns the staging folder the outputs are written into until {@link #commit()}. */
  Path stagingFolder() {
    return staging.dir();
  }

  @Override
  public void begin(RunStart start) throws IOException {
    Objects.requireNonNull(start, "start");
    synchronized (lock) {
      expect(State.CREATED);
      state = State.BEGUN;
      each(Phase.BEGIN, start, null, null, null);
    }
  }

  @Override
  public void entry(AuditEntry entry) throws IOException {
    // No lock: RunSink's calls never overlap, and this is the one call per entry.
    if (closing) {
      throw new InterruptedIOException("the report set was closed");
    }
    if (state != State.BEGUN) {
      throw new IllegalStateException("entry() is for a begun set, not a " + name(state) + " one");
    }
    each(Phase.ENTRY, null, entry, gate.judge(entry), null);
  }

  /**
   * Returns the run's verdict and its reasons, once {@link #end} ran; null before.
   */
  public RunJudgement verdict() {
    return judgement;
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (export.pushgateway() != null && !closing && state == State.BEGUN) {
      // Before report.json, which says how the push went (the metrics output records the run again:
      // the same values). Outside the lock: close() from a second signal must not wait for the network.
      metrics.recordRun(start, end);
      push = export.pushgateway().push(metrics);
    }
    synchronized (lock) {
      if (closing) {
        throw new InterruptedIOException("the report set was closed");
      }
      expect(State.BEGUN);
      judgement = gate.judge(end);
      each(Phase.END, start, null, null, end);
      // The files are synced; now their names in the staging folder.
      OutputFolder.syncFolder(staging.dir());
      state = State.ENDED;
    }
  }

  /**
   * Puts this run's outputs in place of the output folder's previous ones, all in one step, and
   * deletes the previous ones. Readers see the whole old set or the whole new one, never a mix;
   * only where the atomic exchange is not available (not Linux, or a file system without it) is
   * the folder missing for the moment between two renames.
   *
   * @return where the outputs are now
   * @throws IOException if the outputs cannot be put in place: the previous ones are then untouched
   * @throws IllegalStateException if the run did not {@link #end} here, or the set was committed or closed
   */
  public Written commit() throws IOException {
    synchronized (lock) {
      if (closing) {
        throw new InterruptedIOException("the report set was closed");
      }
      expect(State.ENDED);
      try {
        folder.replaceWith(staging);
      } catch (IOException | RuntimeException | Error e) {
        state = State.FAILED;
        throw e;
      }
      state = State.COMMITTED;
      if (metricsFile != null) {
        // After the folder: a metrics file never describes reports that are not in place.
        metricsFile.commit();
      }
      try {
        staging.close();
      } catch (IOException e) {
        // Only the marker's lock, which closing released anyway: the outputs are in place.
      }
      Path dir = folder.given();
      return new Written(dir, dir.resolve(JSONL), dir.resolve(JSON), dir.resolve(HTML), dir.resolve(METRICS));
    }
  }

  /**
   * Deletes the staging folder and everything written into it, unless {@link #commit()} succeeded;
   * the output folder is never touched here. Idempotent; may be called from any thread, at any time.
   *
   * @throws IOException if the staging folder could not be deleted (the next run sweeps it)
   */
  @Override
  public void close() throws IOException {
    closing = true;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      boolean committed = state == State.COMMITTED;
      state = State.CLOSED;
      IOException failure = null;
      for (Output output : outputs) {
        try {
          output.close();
        } catch (IOException e) {
          failure = add(failure, e);
        }
      }
      if (!committed) {
        try {
          Trees.delete(staging.dir());
        } catch (IOException e) {
          failure = add(failure, e);
        }
      }
      try {
        staging.close();
      } catch (IOException e) {
        failure = add(failure, e);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  private void closeQuietly(Throwable cause) {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static IOException add(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private void expect(State expected) {
    if (state != expected) {
      throw new IllegalStateException(
          "the report set is " + name(state) + ", not " + name(expected));
    }
  }

  private static String name(State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private enum Phase { BEGIN, ENTRY, END }

  /**
   * Passes one call of the run to every output; a failure marks the set failed, so it can no longer
   * be committed. A plain loop, no lambda: it runs once per entry.
   */
  private void each(Phase phase, RunStart start, AuditEntry entry, EntryPolicy policy, RunEnd end)
      throws IOException {
    try {
      for (int i = 0; i < outputs.size(); i++) {
        Output output = outputs.get(i);
        switch (phase) {
          case BEGIN -> output.begin(start);
          case ENTRY -> output.entry(entry, policy);
          case END -> output.end(start, end, judgement);
        }
      }
    } catch (IOException | Error e) {
      state = State.FAILED;
      throw e;
    } catch (RuntimeException e) {
      state = State.FAILED;
      // Jackson and Mustache wrap an I/O failure in an unchecked exception; RunSink says IOException.
      throw IoErrors.unwrap(e);
    }
  }
}
