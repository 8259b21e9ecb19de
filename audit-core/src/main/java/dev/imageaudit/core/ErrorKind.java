package dev.imageaudit.core;

/** Why a path could not be audited; {@link #id()} is the name in reports and metrics. */
public enum ErrorKind {
  /** The path does not exist (an explicit input, or a file removed during the walk). */
  NOT_FOUND("not-found"),
  /** Permission denied opening a file or listing a directory. */
  ACCESS_DENIED("access-denied"),
  /** Any other input/output failure. */
  IO_ERROR("io-error"),
  /** A file descriptor given with {@code --fd} is not open. */
  BAD_FD("bad-fd"),
  /**
   * Reading the file did not finish within the run's file timeout ({@code --file-timeout}): a hung
   * network mount, a FUSE file that never answers. The run went on without it.
   */
  TIMEOUT("timeout"),
  /** A defect in image-audit itself; the run goes on and the path is reported with it. */
  INTERNAL("internal");

  private final String id;

  ErrorKind(String id) {
    this.id = id;
  }

  /** Returns the stable name used in reports and metrics. */
  public String id() {
    return id;
  }
}
