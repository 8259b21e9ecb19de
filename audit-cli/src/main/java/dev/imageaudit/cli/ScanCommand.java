package dev.imageaudit.cli;

import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.StopSignal;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.report.AuditMetrics;
import dev.imageaudit.report.MetricsExport;
import dev.imageaudit.report.Policy;
import dev.imageaudit.report.PolicyException;
import dev.imageaudit.report.PolicyGate;
import dev.imageaudit.report.Provenance;
import dev.imageaudit.report.ReportChanges;
import dev.imageaudit.report.ReportFormat;
import dev.imageaudit.report.ReportReader;
import dev.imageaudit.report.ReportSet;
import dev.imageaudit.report.RunFolders;
import dev.imageaudit.report.RunJudgement;
import java.time.Clock;
import java.time.Instant;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import reactor.core.Exceptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code image-audit scan}: audits the inputs, writes the three report files, prints a summary. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Audits disk images: names each image's format from its bytes, judges whether AVF's virtmgr"
          + " accepts it as a partition image, checks AVF VM configs (--vm-config), and writes"
          + " report.jsonl, report.json, report.html and metrics.prom into the output folder (--format"
          + " chooses). The summary goes to"
          + " stdout, diagnostics to stderr.",
      ""
    })
final class ScanCommand implements Callable<Integer> {

  static final String NONE = "none";
  static final String DEFAULT_FAIL_ON = "unsupported-partition-image";

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description =
          "Files, block devices and directories (walked recursively, in sorted order)."
              + " '-' reads a list of paths from stdin, one per line (see -0).")
  private List<String> paths = new ArrayList<>();

  @Option(
      names = {"-0", "--null"},
      description = "The path list on stdin ('-') is NUL-separated, as from find -print0.")
  private boolean nulSeparated;

  @Option(
      names = "--fd",
      paramLabel = "N",
      description =
          "Audit open file descriptor N, read through /proc/self/fd/N; reported as fd:N."
              + " Repeatable.")
  private List<Integer> fds = new ArrayList<>();

  @Option(
      names = "--vm-config",
      paramLabel = "FILE",
      description =
          "An AVF VM config (the JSON 'vm run' reads): audit every image it names (relative paths"
              + " resolve from FILE's folder) and check that crosvm can assemble its disks."
              + " A config with an error finding exits 1 unless --fail-on none. Repeatable.")
  private List<String> vmConfigs = new ArrayList<>();

  @Option(
      names = "--follow-links",
      description = "Follow symbolic links met by the walk (loops are detected and skipped).")
  private boolean followLinks;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      defaultValue = "image-audit-report",
      description =
          "Where the reports go (default: ${DEFAULT-VALUE}). Its last part may hold {date} (UTC"
              + " yyyy-MM-dd) and {time} (UTC HHmmss), filled in once when the run starts: a folder per run.")
  private String output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      split = ",",
      description =
          "Which files to write, repeatable or comma-separated: json (report.json), jsonl (report.jsonl),"
              + " html (report.html), prom (metrics.prom), sarif (report.sarif), junit (report.junit.xml),"
              + " csv (report.csv) (default: json,jsonl,html,prom).")
  private List<String> formats = new ArrayList<>();

  @Option(
      names = "--keep",
      paramLabel = "N",
      description =
          "With {date}/{time} in --output: after the run, delete all but the N newest run folders that"
              + " match the same pattern and that image-audit wrote (this one included).")
  private Integer keep;

  @Option(
      names = "--baseline",
      paramLabel = "OLD",
      description =
          "Compare this run with an earlier report (a report folder, report.json or report.jsonl) as"
              + " it streams: report.json, report.jsonl's summary record and report.html get a"
              + " 'changes' section (as image-audit diff computes it).")
  private String baseline;

  @Option(
      names = "--fail-on-new",
      description =
          "With --baseline: exit 1 only for problems the baseline lacked (an image that gained a"
              + " --fail-on flag, a new VM config error), not for those it already had.")
  private boolean failOnNew;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description =
          "Files opened and read at once, 1.."
              + ScanOptions.MAX_IO_THREADS
              + " (default: 4 per core, 4..64; here ${DEFAULT-VALUE}).")
  private int ioThreads = ScanOptions.defaultIoThreads();

  @Option(
      names = "--fail-on",
      paramLabel = "FLAG",
      split = ",",
      defaultValue = DEFAULT_FAIL_ON,
      description = {
        "Flags that make the exit code 1; 'none' for never (default: ${DEFAULT-VALUE}).",
        "Flags: ${COMPLETION-CANDIDATES}"
      },
      completionCandidates = FlagIds.class)
  private List<String> failOn = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = {
        "A policy (YAML, or JSON when FILE ends in .json; see docs/schema/policy.schema.json): the"
            + " flags and VM config rules that fail the run, and waivers (path, glob or SHA-256 of"
            + " the first 64 KiB; flag or rule; reason, owner, expiry date). An explicit --fail-on"
            + " adds its flags to the policy's failOn. An unknown key is a usage error."
      })
  private String policyFile;

  @Option(
      names = "--file-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long one file's reads may take (e.g. 500ms, 30s, 2m); past it the file is an error"
              + " of kind 'timeout' and the run goes on (default: ${DEFAULT-VALUE}).")
  private Duration fileTimeout;

  @Option(
      names = "--status-interval",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "When stderr is not a terminal (cron, systemd), print one status line this often"
              + " (default: ${DEFAULT-VALUE}). On a terminal a live line is shown instead.")
  private Duration statusInterval;

  @Mixin private MetricsOptions metricsOptions = new MetricsOptions();

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no summary and no progress or status lines.")
  private boolean quiet;

  private final PrintWriter out;
  private final PrintWriter err;
  private final InputStream in;
  private final boolean showProgress;
  private final AuditObserver testObserver;

  private final Clock clock;

  ScanCommand(PrintWriter out, PrintWriter err, InputStream in, boolean showProgress, AuditObserver testObserver) {
    this(out, err, in, showProgress, testObserver, Clock.systemUTC());
  }

  /** As the other constructor, with the clock waivers expire by (tests fix it). */
  ScanCommand(
      PrintWriter out, PrintWriter err, InputStream in, boolean showProgress, AuditObserver testObserver,
      Clock clock) {
    this.clock = clock;
    this.testObserver = testObserver;
    this.out = out;
    this.err = err;
    this.in = in;
    this.showProgress = showProgress;
  }

  @Override
  public Integer call() {
    if (ioThreads < 1 || ioThreads > ScanOptions.MAX_IO_THREADS) {
      throw new ParameterException(
          spec.commandLine(),
          "--io-threads must be 1.." + ScanOptions.MAX_IO_THREADS + ", not " + ioThreads);
    }
    Set<Flag> gate = parseFailOn();
    Policy policy = policy(spec, policyFile, gate);
    gate = policy.failOn();
    Set<ReportFormat> reportFormats = parseFormats();
    Path baselinePath = baselinePath();
    List<AuditInput> inputs = inputs();
    Path outputDir = outputDir();
    try {
      // Fail before a long audit, not after it, when the folder cannot even be made.
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      return cannotWrite(e, outputDir);
    }

    AuditMetrics metrics = metricsOptions.metrics(spec.commandLine(), outputDir);
    MetricsExport export;
    try {
      export = metricsOptions.export(spec.commandLine(), outputDir, System.getenv());
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--push-ca-cert: " + Terminal.safe(String.valueOf(e.getMessage())));
    }
    RunTally tally = new RunTally(gate);
    StopSignal stop = new StopSignal();
    Progress progress =
        quiet ? null : new Progress(err, System::nanoTime, showProgress ? Progress.Mode.LIVE : Progress.Mode.STATUS);
    // The metrics time each file here; ReportSet counts the entries.
    AuditObserver observer = both(both(metrics, progress == null ? AuditObserver.NONE : progress), testObserver);
    ScanOptions options =
        ScanOptions.builder()
            .ioThreads(ioThreads)
            .followLinks(followLinks)
            .observer(observer)
            .fileTimeout(fileTimeout)
            .stop(stop)
            .headSha256For(policy.headSha256Flags())
            .build();

    ReportSet reports;
    try {
      reports =
          ReportSet.builder(outputDir, metrics)
              .formats(reportFormats)
              .policy(PolicyGate.of(policy, clock))
              .provenance(provenance(inputs))
              .export(export)
              .baseline(baselinePath)
              .create();
    } catch (ReportReader.ReportFormatException e) {
      throw new ParameterException(spec.commandLine(), "--baseline: " + Terminal.safe(e.getMessage()));
    } catch (IOException e) {
      return cannotWrite(e, outputDir);
    }
    Runnable unstage = () -> {
      try {
        reports.close();
      } catch (IOException | RuntimeException e) {
        // Leaving at once: a staged folder that could not be removed is the only trace left.
      }
    };
    Signals signals = Signals.install(stop, unstage);
    Fatal.onHalt(unstage);
    ReportSet.Written written;
    RunEnd end;
    try (reports) {
      if (progress != null) {
        progress.start(showProgress ? Duration.ofSeconds(1) : statusInterval);
      }
      try {
        end = ImageAudit.run(inputs, options, RunSinks.tee(reports, tally)).block();
      } finally {
        if (progress != null) {
          progress.stop();
        }
      }
      written = reports.commit();
    } catch (UncheckedIOException e) {
      return cannotWrite(e.getCause(), outputDir);
    } catch (IOException e) {
      return cannotWrite(e, outputDir);
    } catch (RuntimeException e) {
      // block() wraps a sink's IOException: an output that cannot be written, not a defect.
      Throwable cause = Exceptions.unwrap(e);
      if (cause instanceof IOException io) {
        return cannotWrite(io, outputDir);
      }
      return Fatal.report(err, cause);
    } catch (Error e) {
      // Anything else is a defect or the JVM failing (OutOfMemoryError): one line, exit 4, and
      // the staged outputs are gone (try-with-resources), so the previous set stays whole.
      return Fatal.report(err, e);
    } finally {
      signals.restore();
      Fatal.onHalt(null);
    }

    if (keep != null) {
      pruneOldRuns(outputDir);
    }
    ReportChanges changes = reports.changes();
    RunJudgement judgement = reports.verdict();
    int exitCode;
    if (failOnNew && end.interrupted() == null && end.complete()) {
      // Only what the baseline lacked fails the run; incomplete still wins, as it does without.
      exitCode =
          changes.failingNew() > 0 || (!gate.isEmpty() && changes.newConfigErrors() > 0)
              ? ExitCodes.FLAGGED
              : ExitCodes.OK;
    } else {
      exitCode = ExitCodes.of(end, judgement);
    }
    exitCode = metricsOptions.afterPush(reports.push(), exitCode, err);
    if (!quiet) {
      if (changes != null) {
        out.printf("Since baseline %s:%n", Terminal.safe(baseline));
        DiffCommand.printCounts(out, changes);
        if (failOnNew) {
          out.printf(
              "--fail-on-new: %s gained a --fail-on flag; %d new VM config errors.%n",
              Summary.count(changes.failingNew(), "image"), changes.newConfigErrors());
        }
        out.println();
      }
      // The verdict is the summary's last line.
      metricsOptions.printWhere(out, export, reports.push());
      Summary.print(out, tally, gate, outputDir, written, exitCode, judgement);
    }
    if (end.interrupted() != null) {
      err.printf(
          "image-audit: interrupted by %s: the outputs say so (complete: false) (see %s)%n",
          end.interrupted(), Terminal.safe(mainReport(written).toString()));
      err.flush();
    } else if (!end.complete()) {
      err.printf(
          "image-audit: audit incomplete: %s could not be audited (see %s)%n",
          Summary.incompleteWhat(end),
          Terminal.safe(mainReport(written).toString()));
      err.flush();
    }
    return exitCode;
  }

  /**
   * Returns the run's policy: the --policy file's, with an explicit --fail-on's flags added; or the
   * quick form of --fail-on alone. Shared with {@code report}.
   */
  static Policy policy(CommandSpec spec, String policyFile, Set<Flag> failOnFlags) {
    if (policyFile == null) {
      return Policy.quick(failOnFlags);
    }
    boolean explicitFailOn = spec.commandLine().getParseResult().hasMatchedOption("--fail-on");
    if (explicitFailOn && failOnFlags.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--fail-on none cannot be combined with --policy: set failOn: [] in the policy");
    }
    Policy policy;
    try {
      policy = Policy.read(Path.of(policyFile));
    } catch (InvalidPathException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid --policy '" + Terminal.safe(policyFile) + "': " + e.getReason());
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(),
          "cannot read --policy " + Terminal.safe(policyFile) + ": " + Terminal.safe(reason(e, Path.of(policyFile))));
    } catch (PolicyException e) {
      throw new ParameterException(spec.commandLine(), "invalid policy: " + Terminal.safe(e.getMessage()));
    }
    return explicitFailOn ? policy.failingAlso(failOnFlags) : policy;
  }

  /** Names this run for its reports: host, user, absolute inputs, build, command line. */
  private Provenance provenance(List<AuditInput> inputs) {
    List<String> absolute = new ArrayList<>();
    for (AuditInput input : inputs) {
      if (input instanceof AuditInput.PathInput p) {
        absolute.add(p.path().toAbsolutePath().normalize().toString());
      } else if (input instanceof AuditInput.VmConfig c) {
        absolute.add(c.file().toAbsolutePath().normalize().toString());
      } else {
        absolute.add(input.describe());
      }
    }
    return provenance(spec, absolute);
  }

  /**
   * Names a command's run for its reports: this host and user, {@code absoluteInputs}, this build and
   * the command line {@code spec} parsed; shared with {@code report}.
   */
  static Provenance provenance(CommandSpec spec, List<String> absoluteInputs) {
    // The root's name, then what it parsed: "image-audit" and "scan ...", or "image-audit scan" and
    // "..." when the subcommand was built alone (Main#commandLineFor).
    List<String> commandLine = new ArrayList<>(List.of(spec.root().name().split(" ")));
    commandLine.addAll(spec.root().commandLine().getParseResult().originalArgs());
    return new Provenance(
        Provenance.hostName(), Provenance.userName(), absoluteInputs, ImageAudit.version(), BuildInfo.load().commit(),
        commandLine);
  }

  private static AuditObserver both(AuditObserver a, AuditObserver b) {
    return b == AuditObserver.NONE ? a : (entry, nanos) -> {
      a.onEntry(entry, nanos);
      b.onEntry(entry, nanos);
    };
  }

  private int cannotWrite(IOException e, Path outputDir) {
    err.println(
        "image-audit: cannot write report to "
            + Terminal.safe(output)
            + ": "
            + Terminal.safe(reason(e, outputDir)));
    err.flush();
    return ExitCodes.FATAL;
  }

  private Set<Flag> parseFailOn() {
    return parseFailOn(spec, failOn);
  }

  /** Validates --fail-on: known flag ids, or 'none' alone; shared with {@code report}. */
  static Set<Flag> parseFailOn(CommandSpec spec, List<String> failOn) {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    boolean none = false;
    for (String id : failOn) {
      String trimmed = id.trim();
      if (trimmed.equals(NONE)) {
        none = true;
        continue;
      }
      Flag flag =
          Flag.byId(trimmed)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "unknown flag for --fail-on: '"
                              + Terminal.safe(trimmed)
                              + "'; known flags: "
                              + String.join(", ", new FlagIds())
                              + ", or none"));
      flags.add(flag);
    }
    if (none && !flags.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--fail-on none cannot be combined with flags");
    }
    return flags;
  }

  /**
   * Builds the inputs in command-line order, each once: paths (and '-'), then descriptors, then VM
   * configs (which the audit reads first anyway).
   */
  private List<AuditInput> inputs() {
    if (paths.isEmpty() && fds.isEmpty() && vmConfigs.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "no input: give at least one PATH, '-' (paths on stdin), --fd N or --vm-config FILE");
    }
    boolean stdin = paths.contains("-");
    if (nulSeparated && !stdin) {
      throw new ParameterException(
          spec.commandLine(), "-0/--null applies to a path list on stdin: add '-' as a PATH");
    }
    // Keyed by kind and name: a file called "stdin" is not the stdin list.
    Map<String, AuditInput> unique = new LinkedHashMap<>();
    for (String p : paths) {
      AuditInput input;
      if (p.equals("-")) {
        input = new AuditInput.PathList("stdin", in, nulSeparated);
      } else {
        try {
          input = new AuditInput.PathInput(Path.of(p));
        } catch (InvalidPathException e) {
          throw new ParameterException(
              spec.commandLine(), "invalid path '" + Terminal.safe(p) + "': " + e.getReason());
        }
      }
      unique.putIfAbsent(input.getClass().getSimpleName() + ":" + input.describe(), input);
    }
    for (int fd : fds) {
      if (fd < 0) {
        throw new ParameterException(spec.commandLine(), "--fd must not be negative: " + fd);
      }
      AuditInput input = new AuditInput.FdInput(fd);
      unique.putIfAbsent("FdInput:" + input.describe(), input);
    }
    for (String config : vmConfigs) {
      AuditInput input;
      try {
        input = new AuditInput.VmConfig(Path.of(config));
      } catch (InvalidPathException e) {
        throw new ParameterException(
            spec.commandLine(), "invalid --vm-config '" + Terminal.safe(config) + "': " + e.getReason());
      }
      unique.putIfAbsent("VmConfig:" + input.describe(), input);
    }
    return List.copyOf(unique.values());
  }

  /** Validates --baseline and --fail-on-new; returns the baseline, or null. */
  private Path baselinePath() {
    if (failOnNew && baseline == null) {
      throw new ParameterException(spec.commandLine(), "--fail-on-new needs --baseline OLD: new since when?");
    }
    if (baseline == null) {
      return null;
    }
    Path path;
    try {
      path = Path.of(baseline);
    } catch (InvalidPathException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid --baseline '" + Terminal.safe(baseline) + "': " + e.getReason());
    }
    // Before the audit, not after it: a baseline that is not a whole report is a usage error.
    try (ReportReader reader = ReportReader.open(path)) {
      if (!reader.files().get(0).getFileName().toString().endsWith(".json")) {
        reader.peekSummary();
      }
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--baseline: " + Terminal.safe(String.valueOf(e.getMessage())));
    }
    return path;
  }

  /** The file a person should open to see why: report.json when written, else the first file. */
  private static Path mainReport(ReportSet.Written written) {
    return written.files().contains(written.json()) ? written.json() : written.files().get(0);
  }

  /** Deletes the older run folders beside this one (--keep); a failure is reported, never fatal. */
  private void pruneOldRuns(Path outputDir) {
    try {
      RunFolders.prune(output, outputDir, keep);
    } catch (IOException | RuntimeException e) {
      err.println(
          "image-audit: warning: could not delete older run folders beside "
              + Terminal.safe(outputDir.toString())
              + ": "
              + Terminal.safe(e instanceof IOException io ? reason(io, outputDir) : String.valueOf(e.getMessage())));
      err.flush();
    }
  }

  /** Validates --format: known ids; none given means the defaults. */
  private Set<ReportFormat> parseFormats() {
    if (formats.isEmpty()) {
      return ReportFormat.DEFAULTS;
    }
    Set<ReportFormat> chosen = EnumSet.noneOf(ReportFormat.class);
    for (String id : formats) {
      String trimmed = id.trim();
      chosen.add(
          ReportFormat.byId(trimmed)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "unknown --format '"
                              + Terminal.safe(trimmed)
                              + "'; known formats: "
                              + Arrays.stream(ReportFormat.values()).map(ReportFormat::id).collect(Collectors.joining(", ")))));
    }
    return chosen;
  }

  /** The output folder: --output with {date} and {time} filled in, once, from the run's start. */
  private Path outputDir() {
    if (keep != null && keep < 1) {
      throw new ParameterException(spec.commandLine(), "--keep must be at least 1, not " + keep);
    }
    if (keep != null && !RunFolders.hasPlaceholders(output)) {
      throw new ParameterException(
          spec.commandLine(), "--keep needs {date} or {time} in --output, so each run has a folder of its own");
    }
    try {
      RunFolders.check(output);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--output: " + Terminal.safe(e.getMessage()));
    }
    try {
      return Path.of(RunFolders.expand(output, Instant.now()));
    } catch (InvalidPathException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid --output '" + Terminal.safe(output) + "': " + e.getReason());
    }
  }

  /**
   * Returns why {@code e} happened, for a message that already names {@code dir}: the file the
   * exception is about is added only when it is not {@code dir} itself.
   */
  static String reason(IOException e, Path dir) {
    String why;
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      why = fse.getReason();
    } else if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      why = "no such file or directory";
    } else if (e instanceof FileAlreadyExistsException) {
      why = "a file is in the way";
    } else if (e instanceof NotDirectoryException) {
      why = "not a directory";
    } else if (e instanceof FileSystemException) {
      why = e.getClass().getSimpleName();
    } else {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String file = ((FileSystemException) e).getFile();
    if (file == null || sameFile(file, dir)) {
      return why;
    }
    return why + " (" + file + ")";
  }

  private static boolean sameFile(String file, Path dir) {
    try {
      return Path.of(file).toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize());
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** The ids --fail-on accepts, for help and error messages. */
  static final class FlagIds extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    FlagIds() {
      super(Arrays.stream(Flag.values()).map(Flag::id).collect(Collectors.toList()));
    }
  }
}
