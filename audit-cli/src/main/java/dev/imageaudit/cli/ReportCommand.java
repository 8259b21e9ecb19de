package dev.imageaudit.cli;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.report.AuditMetrics;
import dev.imageaudit.report.ReportReader;
import dev.imageaudit.report.ReportReplay;
import dev.imageaudit.report.Policy;
import dev.imageaudit.report.Provenance;
import dev.imageaudit.report.PolicyGate;
import dev.imageaudit.report.ReportSet;
import dev.imageaudit.report.RunJudgement;
import java.time.Clock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code image-audit report}: renders results already audited (a scan's report.jsonl, or the Spark
 * job's folder of parts) into the same output set {@code scan} writes, through the same writers,
 * and exits as {@code scan} would have.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Renders audit results already written (a report.jsonl, a folder holding one, or a folder"
          + " of part-*.jsonl files with _SUMMARY.json as the Spark job writes them) into"
          + " report.jsonl, report.json, report.html and metrics.prom, exactly as scan writes them"
          + " for the same entries. Several sources make one report, in the order given. Exits as"
          + " scan would (an interrupted run's results exit 3: incomplete).",
      ""
    })
final class ReportCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "SOURCE",
      arity = "1..*",
      description = "A report.jsonl file, or a folder holding report.jsonl or part-*.jsonl and _SUMMARY.json.")
  private List<String> sources = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      defaultValue = "image-audit-report",
      description = "Where the reports go (default: ${DEFAULT-VALUE}); not one of the sources.")
  private String output;

  @Option(
      names = "--fail-on",
      paramLabel = "FLAG",
      split = ",",
      defaultValue = ScanCommand.DEFAULT_FAIL_ON,
      description = {
        "Flags that make the exit code 1; 'none' for never (default: ${DEFAULT-VALUE}).",
        "Flags: ${COMPLETION-CANDIDATES}"
      },
      completionCandidates = ScanCommand.FlagIds.class)
  private List<String> failOn = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = {
        "A policy, as scan --policy takes it: the results are judged by it as scan would judge"
            + " them. A sha256 waiver matches only entries that carry details.headSha256 (a scan"
            + " with that policy records it; the Spark job does not)."
      })
  private String policyFile;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no summary.")
  private boolean quiet;

  private final PrintWriter out;
  private final PrintWriter err;

  ReportCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Set<Flag> gate = ScanCommand.parseFailOn(spec, failOn);
    Policy policy = ScanCommand.policy(spec, policyFile, gate);
    gate = policy.failOn();
    List<Path> paths = new ArrayList<>();
    for (String source : sources) {
      paths.add(path(source, "SOURCE"));
    }
    Path outputDir = path(output, "--output");
    for (Path source : paths) {
      if (source.toAbsolutePath().normalize().equals(outputDir.toAbsolutePath().normalize())) {
        // The output folder is replaced whole: rendering a folder into itself would read what it replaces.
        throw new ParameterException(
            spec.commandLine(), "--output must not be a source: " + Terminal.safe(output));
      }
    }

    RunTally tally = new RunTally(gate);
    ReportSet reports;
    try {
      reports =
          ReportSet.create(
              outputDir, AuditMetrics.create(), PolicyGate.of(policy, Clock.systemUTC()),
              provenance(paths));
    } catch (IOException e) {
      return cannotWrite(e, outputDir);
    }
    ReportSet.Written written;
    RunEnd end;
    try (reports) {
      end = ReportReplay.replay(paths, RunSinks.tee(reports, tally));
      written = reports.commit();
    } catch (ReportReader.ReportFormatException e) {
      err.println("image-audit: cannot read results: " + Terminal.safe(e.getMessage()));
      err.flush();
      return ExitCodes.INCOMPLETE;
    } catch (UncheckedIOException e) {
      return cannotWrite(e.getCause(), outputDir);
    } catch (IOException e) {
      return cannotWrite(e, outputDir);
    } catch (RuntimeException | Error e) {
      return Fatal.report(err, e);
    }
    RunJudgement judgement = reports.verdict();
    int exitCode = end.interrupted() != null ? ExitCodes.INCOMPLETE : ExitCodes.of(end, judgement);
    if (!quiet) {
      Summary.print(out, tally, gate, outputDir, written, exitCode, judgement);
    }
    if (end.interrupted() != null) {
      err.printf(
          "image-audit: the results are of a run interrupted by %s: incomplete (see %s)%n",
          Terminal.safe(end.interrupted()), Terminal.safe(written.json().toString()));
    } else if (!end.complete()) {
      err.printf(
          "image-audit: audit incomplete: %s could not be audited (see %s)%n",
          Summary.incompleteWhat(end), Terminal.safe(written.json().toString()));
    }
    err.flush();
    return exitCode;
  }

  private int cannotWrite(IOException e, Path outputDir) {
    err.println(
        "image-audit: cannot write report to "
            + Terminal.safe(output)
            + ": "
            + Terminal.safe(ScanCommand.reason(e, outputDir)));
    err.flush();
    return ExitCodes.FATAL;
  }

  private Path path(String value, String what) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid " + what + " '" + Terminal.safe(value) + "': " + e.getReason());
    }
  }

  /**
   * Names this rendering for its reports: the host and user that ran {@code report}, the sources'
   * absolute paths and the command line (the audit itself may have run elsewhere: a scan, a Spark
   * job).
   */
  private Provenance provenance(List<Path> sources) {
    List<String> absolute = new ArrayList<>();
    for (Path source : sources) {
      absolute.add(source.toAbsolutePath().normalize().toString());
    }
    return ScanCommand.provenance(spec, absolute);
  }
}
