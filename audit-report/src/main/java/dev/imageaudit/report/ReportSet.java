package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.PreparingRunSink;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import dev.imageaudit.core.Flag;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
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
 *       registry written at the end;
 *   <li>{@code report.sarif}, {@code report.junit.xml}, {@code report.csv} when asked for ({@link
 *       ReportFormat}, {@link #builder}): SARIF results and CSV rows as entries arrive, JUnit from
 *       bounded per-rule lists at the end ({@link SarifOutput}, {@link JunitOutput}, {@link CsvOutput}).
 * </ul>
 *
 * <p>Whichever formats are written, they are staged together and replace the previous set together.
 *
 * <p>The output folder belongs to image-audit and is replaced whole: see {@link OutputFolder} for
 * which folders it will replace (absent, empty, or marked with a {@code .image-audit} file) and
 * how (an atomic {@code renameat2} exchange on Linux). Every file is synced to the disk before the
 * swap, and the folders after it.
 *
 * <p>Use: {@link #create}, then pass it as the {@link dev.imageaudit.core.RunSink} of a run; when the run ended, {@link
 * #commit()}; in any case {@link #close()} (try-with-resources). {@code begin}, {@code entry} and
 * {@code end} are called one at a time as {@link dev.imageaudit.core.RunSink} promises, {@code prepare}
 * from any thread at any time ({@link PreparingRunSink}); {@link #close()} may be called
 * from another thread at any time (a second signal): it stops the set, and the run's next call to
 * it fails.
 */
public final class ReportSet implements PreparingRunSink<ReportSet.Prepared>, AutoCloseable {

  /** The report as JSON Lines: one entry per line, then the summary record. */
  public static final String JSONL = "report.jsonl";
  /** The report as one JSON document. */
  public static final String JSON = "report.json";
  /** The report as a page for people. */
  public static final String HTML = "report.html";
  /** The Prometheus text file. */
  public static final String METRICS = "metrics.prom";

  /** report.jsonl's name while it is only report.json's source, deleted before the commit. */
  private static final String JSONL_PART = ".report.jsonl.part";

  /** The length of each of report.jsonl's entry lines, for report.json; deleted before the commit. */
  private static final String JSONL_LINES = ".report.jsonl.lines";

  /**
   * Where a committed set's outputs are, under the output folder as the caller named it.
   *
   * @param folder the output folder
   * @param jsonl the JSON Lines report
   * @param json the JSON report
   * @param html the HTML report
   * @param metrics the Prometheus text file
   * @param files every file written, in {@link ReportFormat} order
   */
  public record Written(Path folder, Path jsonl, Path json, Path html, Path metrics, List<Path> files) {
    public Written {
      files = List.copyOf(files);
    }
  }

  /**
   * What a set writes besides where: which formats, the policy that judges the run (SARIF's result
   * levels and JUnit's failures follow its flags), the baseline, who made the run and where else the
   * metrics go.
   *
   * @param formats the files to write; report.json alone still needs report.jsonl, which is then
   *     written as a part and deleted before the commit
   * @param gate the policy gate, a fresh one: it counts this run's entries
   * @param baseline a report to compare the run with ({@link ReportChanges}), or null
   * @param provenance who made the run, or null
   * @param export where else the metrics go
   */
  record Settings(
      Set<ReportFormat> formats, PolicyGate gate, Path baseline, Provenance provenance, MetricsExport export) {

    Settings {
      if (formats.isEmpty()) {
        throw new IllegalArgumentException("at least one format");
      }
      formats = Collections.unmodifiableSet(EnumSet.copyOf(formats));
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(export, "export");
    }

    /** The default formats and policy, without baseline, provenance or export. */
    static Settings defaults() {
      return new Settings(ReportFormat.DEFAULTS, defaultGate(), null, null, MetricsExport.NONE);
    }

    /** As {@link #defaults()}, writing {@code formats}, failing on {@code failOn}. */
    static Settings of(Set<ReportFormat> formats, Set<Flag> failOn) {
      return of(formats, failOn, null);
    }

    /** As {@link #of(Set, Set)}, compared with {@code baseline} (null: none). */
    static Settings of(Set<ReportFormat> formats, Set<Flag> failOn, Path baseline) {
      return new Settings(
          formats, PolicyGate.of(Policy.quick(failOn), Clock.systemUTC()), baseline, null, MetricsExport.NONE);
    }

    /** The flags that fail the run. */
    Set<Flag> failOn() {
      return gate.policy().failOn();
    }

    private static PolicyGate defaultGate() {
      return PolicyGate.of(Policy.DEFAULT, Clock.systemUTC());
    }
  }

  /** Builds a {@link ReportSet}: {@link ReportSet#builder}, optional settings, {@link #create()}. */
  public static final class Builder {
    private final Path outputDir;
    private final AuditMetrics metrics;
    private Set<ReportFormat> formats = ReportFormat.DEFAULTS;
    private PolicyGate gate;
    private Path baseline;
    private Provenance provenance;
    private MetricsExport export = MetricsExport.NONE;

    private Builder(Path outputDir, AuditMetrics metrics) {
      this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
      this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The files to write (default {@link ReportFormat#DEFAULTS}); not empty. */
    public Builder formats(Set<ReportFormat> formats) {
      this.formats = Objects.requireNonNull(formats, "formats");
      return this;
    }

    /**
     * The flags that fail the run, as {@code --fail-on} gives them (default
     * unsupported-partition-image); empty for none. Replaces any {@link #policy}.
     */
    public Builder failOn(Set<Flag> failOn) {
      this.gate = PolicyGate.of(Policy.quick(Objects.requireNonNull(failOn, "failOn")), Clock.systemUTC());
      return this;
    }

    /** The policy that judges the run: a fresh gate, which counts this run's entries. */
    public Builder policy(PolicyGate gate) {
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * A report to compare the run with as it streams (a report folder, report.json or
     * report.jsonl): its {@code changes} go into report.json, report.jsonl's summary record and
     * report.html, and {@link ReportSet#changes()}.
     */
    public Builder baseline(Path baseline) {
      this.baseline = baseline;
      return this;
    }

    /** Who made the run, named in the reports (null: nobody is named). */
    public Builder provenance(Provenance provenance) {
      this.provenance = provenance;
      return this;
    }

    /**
     * Where else the metrics go: a file of their own, made atomically at {@link #commit()}, and a
     * Pushgateway, pushed to at {@link #end} (whether the run is complete, incomplete or
     * interrupted) before report.json is written, which records how the push went in its {@code
     * push} object (see {@link #push()}).
     */
    public Builder export(MetricsExport export) {
      this.export = Objects.requireNonNull(export, "export");
      return this;
    }

    /**
     * Stages the set as {@link ReportSet#create(Path, AuditMetrics)} does.
     *
     * @throws ReportReader.ReportFormatException if the baseline is not a report
     * @throws IOException as {@link ReportSet#create(Path, AuditMetrics)} does, or if no file can be
     *     made beside the export's file
     */
    public ReportSet create() throws IOException {
      return ReportSet.create(
          outputDir, metrics, null, RunAggregates.Limits.DEFAULT, Renames::exchange,
          new Settings(formats, gate == null ? Settings.defaultGate() : gate, baseline, provenance, export));
    }
  }

  /** Returns a builder for a set written into {@code outputDir}, counting into {@code metrics}. */
  public static Builder builder(Path outputDir, AuditMetrics metrics) {
    return new Builder(outputDir, metrics);
  }

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
  private BaselineOutput baseline;
  private final Settings settings;
  /** Whether report.jsonl's lines are written (for report.jsonl or report.json): then entries are encoded ahead. */
  private final boolean linesWritten;
  private final Object lock = new Object();
  // Set first thing by close(), read on every entry: a set being closed takes no more.
  private volatile boolean closing;
  private State state = State.CREATED;

  private ReportSet(
      OutputFolder folder, OutputFolder.Staging staging, List<Output> outputs, AuditMetrics metrics,
      Settings settings) {
    this.settings = settings;
    this.linesWritten = writesLines(settings.formats());
    this.gate = settings.gate();
    this.folder = folder;
    this.staging = staging;
    this.outputs = outputs;
    this.metrics = metrics;
    this.export = settings.export();
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
    return builder(outputDir, metrics).create();
  }

  /** As {@link #create(Path, AuditMetrics)}, exporting the metrics as {@link Builder#export} says. */
  public static ReportSet create(Path outputDir, AuditMetrics metrics, MetricsExport export) throws IOException {
    return builder(outputDir, metrics).export(export).create();
  }

  /**
   * As {@link #create(Path, AuditMetrics)}, judging the run by {@code gate} (a fresh one: it counts
   * this run's entries) and naming {@code provenance} in the reports.
   */
  public static ReportSet create(Path outputDir, AuditMetrics metrics, PolicyGate gate, Provenance provenance)
      throws IOException {
    return builder(outputDir, metrics).policy(gate).provenance(provenance).create();
  }

  /**
   * As {@link #create(Path, AuditMetrics)}, with {@code run} identifying the run to {@link
   * AuditMetrics#recordRun} (null: the run's end), the HTML's limits and the folder exchange.
   */
  static ReportSet create(
      Path outputDir, AuditMetrics metrics, Object run, RunAggregates.Limits limits, OutputFolder.Exchange exchange)
      throws IOException {
    return create(outputDir, metrics, run, limits, exchange, Settings.defaults());
  }

  /** As above, writing what {@code settings} names. */
  static ReportSet create(
      Path outputDir,
      AuditMetrics metrics,
      Object run,
      RunAggregates.Limits limits,
      OutputFolder.Exchange exchange,
      Settings settings)
      throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    OutputFolder folder = OutputFolder.of(outputDir, exchange);
    OutputFolder.Staging staging = folder.stage();
    Path dir = staging.dir();
    Set<ReportFormat> formats = settings.formats();
    Provenance provenance = settings.provenance();
    MetricsExport export = settings.export();
    List<Output> outputs = new ArrayList<>(formats.size() + 2);
    ReportSet set = new ReportSet(folder, staging, outputs, metrics, settings);
    try {
      // The baseline first: its changes are whole before the outputs that show them end.
      Supplier<ReportChanges> changes = () -> null;
      if (settings.baseline() != null) {
        BaselineOutput baseline = new BaselineOutput(settings.baseline(), settings.failOn());
        outputs.add(baseline);
        changes = baseline::changes;
        set.baseline = baseline;
      }
      // report.jsonl next: report.json copies its lines at the end.
      Path jsonl = dir.resolve(formats.contains(ReportFormat.JSONL) ? JSONL : JSONL_PART);
      Path lineIndex = formats.contains(ReportFormat.JSON) ? dir.resolve(JSONL_LINES) : null;
      if (writesLines(formats)) {
        outputs.add(new JsonLinesOutput(jsonl, formats.contains(ReportFormat.JSONL), lineIndex, provenance, changes));
      }
      if (formats.contains(ReportFormat.JSON)) {
        outputs.add(new JsonReportOutput(
            dir.resolve(JSON), jsonl, lineIndex, () -> set.closing, provenance, () -> set.push, changes));
      }
      if (formats.contains(ReportFormat.HTML)) {
        outputs.add(new HtmlOutput(dir.resolve(HTML), limits, provenance, changes));
      }
      // The metrics are counted whether metrics.prom is written or not: the caller's registry needs them.
      outputs.add(new MetricsOutput(formats.contains(ReportFormat.PROM) ? dir.resolve(METRICS) : null, metrics, run));
      if (export.file() != null) {
        set.metricsFile = new MetricsFileOutput(export.file(), metrics);
        outputs.add(set.metricsFile);
      }
      if (formats.contains(ReportFormat.SARIF)) {
        outputs.add(new SarifOutput(dir.resolve(ReportFormat.SARIF.fileName()), settings.failOn()));
      }
      if (formats.contains(ReportFormat.JUNIT)) {
        outputs.add(new JunitOutput(dir.resolve(ReportFormat.JUNIT.fileName()), settings.failOn()));
      }
      if (formats.contains(ReportFormat.CSV)) {
        outputs.add(new CsvOutput(dir.resolve(ReportFormat.CSV.fileName())));
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

  /**
   * Returns what changed since the baseline once the run {@link #end ended}; null without a
   * baseline or before the end.
   */
  public ReportChanges changes() {
    return baseline == null ? null : baseline.changes();
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

  /**
   * What a set makes of one entry before its turn: the policy's decision on it and, when report.jsonl
   * or report.json is written, its JSON line. Opaque to callers; see {@link PreparingRunSink}.
   */
  public static final class Prepared {
    final EntryPolicy policy;
    /** The entry's report.jsonl line, newline included; null when neither JSON report is written. */
    final byte[] line;

    Prepared(EntryPolicy policy, byte[] line) {
      this.policy = policy;
      this.line = line;
    }
  }

  /**
   * Decides the policy on {@code entry} and encodes its JSON line: the part of an entry's writing
   * that needs no other entry, so a run does it on the thread that audited the entry. Thread-safe.
   */
  @Override
  public Prepared prepare(AuditEntry entry) {
    EntryPolicy policy = gate.decide(entry);
    return new Prepared(policy, linesWritten ? JsonLinesOutput.line(entry, policy) : null);
  }

  /** True when {@code formats} need report.jsonl's lines: for report.jsonl itself, or as report.json's source. */
  private static boolean writesLines(Set<ReportFormat> formats) {
    return formats.contains(ReportFormat.JSONL) || formats.contains(ReportFormat.JSON);
  }

  @Override
  public void entry(AuditEntry entry, Prepared prepared) throws IOException {
    // No lock: RunSink's calls never overlap, and this is the one call per entry.
    if (closing) {
      throw new InterruptedIOException("the report set was closed");
    }
    if (state != State.BEGUN) {
      throw new IllegalStateException("entry() is for a begun set, not a " + name(state) + " one");
    }
    gate.count(prepared.policy);
    each(Phase.ENTRY, null, entry, prepared, null);
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
      // report.json was asked for without report.jsonl: its source lines go now.
      Files.deleteIfExists(staging.dir().resolve(JSONL_PART));
      Files.deleteIfExists(staging.dir().resolve(JSONL_LINES));
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
      List<Path> files = new ArrayList<>();
      for (ReportFormat format : settings.formats()) {
        files.add(dir.resolve(format.fileName()));
      }
      return new Written(dir, dir.resolve(JSONL), dir.resolve(JSON), dir.resolve(HTML), dir.resolve(METRICS), files);
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
  private void each(Phase phase, RunStart start, AuditEntry entry, Prepared prepared, RunEnd end)
      throws IOException {
    try {
      for (int i = 0; i < outputs.size(); i++) {
        Output output = outputs.get(i);
        switch (phase) {
          case BEGIN -> output.begin(start);
          case ENTRY -> output.entry(entry, prepared);
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
