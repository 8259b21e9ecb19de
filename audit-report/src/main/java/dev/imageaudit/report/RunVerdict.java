package dev.imageaudit.report;

/** A run's verdict under its {@link Policy}; {@link #id()} is its name in every report. */
public enum RunVerdict {
  /** Complete, and nothing the policy fails on (unwaived) was found. */
  PASS("pass"),
  /** Complete, and something the policy fails on was found, or a waiver expired. */
  FAIL("fail"),
  /** Some paths or VM configs could not be read, or the run was interrupted: it vouches for nothing. */
  INCOMPLETE("incomplete");

  private final String id;

  RunVerdict(String id) {
    this.id = id;
  }

  /** Returns the stable lower-case name: {@code pass}, {@code fail}, {@code incomplete}. */
  public String id() {
    return id;
  }
}
