package dev.imageaudit.cli;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import java.util.Set;

/** The process exit codes of {@code image-audit}, as its {@code --help} footer lists them. */
final class ExitCodes {

  /** Nothing found: every image passed the {@code --fail-on} gate and the audit is complete. */
  static final int OK = 0;

  /**
   * An image carries a flag named by {@code --fail-on}, or a VM config has an error finding (unless
   * {@code --fail-on none}).
   */
  static final int FLAGGED = 1;

  /** The command line is wrong. */
  static final int USAGE = 2;

  /** Some paths or VM configs could not be read; wins over {@link #FLAGGED}. */
  static final int INCOMPLETE = 3;

  /**
   * The run could not finish: an output could not be written, or image-audit itself failed (an
   * {@link Error} such as {@link OutOfMemoryError}); the previous outputs are left as they were.
   */
  static final int FATAL = 4;

  /** The help footer: a picocli format string per line. */
  static final String[] FOOTER = {
    "  0  nothing found",
    "  1  an image carries a flag named by --fail-on, or a VM config has an error",
    "     finding (not with --fail-on none)",
    "  2  usage error",
    "  3  audit incomplete: some inputs or VM configs could not be read (wins over 1:",
    "     an incomplete audit vouches for nothing)",
    "  4  fatal: an output could not be written, or image-audit failed (out of",
    "     memory...); the previous outputs are left as they were",
    "  130, 143  interrupted by SIGINT, SIGTERM: outputs written with complete: false;",
    "     a second signal exits at once and leaves the previous outputs as they were",
  };

  /**
   * Returns the exit code a run that was not interrupted earns, whichever command ran it ({@code
   * scan} or {@code report}): {@link #INCOMPLETE} when it is not complete (an interrupted run
   * replayed by {@code report} included), else {@link #FLAGGED} when an image carries a {@code
   * --fail-on} flag or (with any gate) a VM config has an error finding, else {@link #OK}.
   */
  static int forRun(RunEnd end, RunTally tally, Set<Flag> gate) {
    if (!end.complete()) {
      return INCOMPLETE;
    }
    if (tally.matching() > 0 || (!gate.isEmpty() && Summary.brokenConfigs(end) > 0)) {
      return FLAGGED;
    }
    return OK;
  }

  /** The help footer of {@code image-audit diff}. */
  static final String[] DIFF_FOOTER = {
    "  0  NEW has no problem OLD did not have",
    "  1  NEW has problems OLD did not (a flag gained, a new image with flags, a path",
    "     no longer readable, a new VM config error)",
    "  2  usage error, or OLD or NEW is not a whole report",
    "  4  fatal: a report could not be read or --json written",
  };

  private ExitCodes() {}
}
