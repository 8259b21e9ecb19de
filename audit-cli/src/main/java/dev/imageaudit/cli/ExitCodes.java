package dev.imageaudit.cli;


/** The process exit codes of {@code image-audit}, as its {@code --help} footer lists them. */
final class ExitCodes {

  /** Verdict pass: every image passed the {@code --fail-on} gate (or the policy) and the audit is complete. */
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

  /**
   * Returns a finished run's exit code from its verdict: the signal's code when interrupted, else
   * {@link #INCOMPLETE}, {@link #FLAGGED} or {@link #OK} for incomplete, fail and pass.
   */
  static int of(dev.imageaudit.core.RunEnd end, dev.imageaudit.report.RunJudgement judgement) {
    if (end.interrupted() != null) {
      return Signals.exitCode(end.interrupted());
    }
    return switch (judgement.verdict()) {
      case INCOMPLETE -> INCOMPLETE;
      case FAIL -> FLAGGED;
      case PASS -> OK;
    };
  }

  /** The help footer: a picocli format string per line. */
  static final String[] FOOTER = {
    "  0  nothing found (verdict pass)",
    "  1  an image carries a flag named by --fail-on, or a VM config has an error",
    "     finding (not with --fail-on none), not waived by --policy; or a waiver",
    "     expired (verdict fail)",
    "  2  usage error",
    "  3  audit incomplete: some inputs or VM configs could not be read (wins over 1:",
    "     an incomplete audit vouches for nothing) (verdict incomplete)",
    "  4  fatal: an output could not be written, or image-audit failed (out of",
    "     memory...); the previous outputs are left as they were",
    "  130, 143  interrupted by SIGINT, SIGTERM: outputs written with complete: false;",
    "     a second signal exits at once and leaves the previous outputs as they were",
  };

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
