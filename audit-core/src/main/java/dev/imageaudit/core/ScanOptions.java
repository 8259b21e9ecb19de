package dev.imageaudit.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How an audit runs. Build with {@link #builder()}; {@link #defaults()} suits most stores.
 *
 * @param ioThreads threads that open and read files, and the number of files read at once
 * @param followLinks follow symbolic links met by the walk (with loop detection)
 * @param clock the clock for the report's timestamps
 * @param observer told of every entry as it is ready
 * @param fileTimeout how long one file's reads may take before its entry becomes a {@link
 *     ErrorKind#TIMEOUT} error and the run goes on without it
 * @param stop asks the run to stop taking new paths (SIGINT, SIGTERM)
 * @param headSha256For give each image carrying one of these flags a {@code headSha256} in its
 *     details: the SHA-256 of its first 64 KiB (one more read of at most 64 KiB per such image
 *     larger than the head already read; for policies that waive flags by content); empty: none
 */
public record ScanOptions(
    int ioThreads, boolean followLinks, Clock clock, AuditObserver observer, Duration fileTimeout, StopSignal stop,
    Set<Flag> headSha256For) {

  /** The options without a head hash, as before {@code headSha256} was added. */
  public ScanOptions(
      int ioThreads, boolean followLinks, Clock clock, AuditObserver observer, Duration fileTimeout, StopSignal stop) {
    this(ioThreads, followLinks, clock, observer, fileTimeout, stop, Set.of());
  }

  /** The most reading threads an audit uses, whatever it is asked. */
  public static final int MAX_IO_THREADS = 256;

  /** The default {@link #fileTimeout()}: long enough for any header read on a sane mount. */
  public static final Duration DEFAULT_FILE_TIMEOUT = Duration.ofSeconds(30);

  public ScanOptions {
    if (ioThreads < 1 || ioThreads > MAX_IO_THREADS) {
      throw new IllegalArgumentException("ioThreads must be 1.." + MAX_IO_THREADS + ": " + ioThreads);
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(observer, "observer");
    Objects.requireNonNull(fileTimeout, "fileTimeout");
    if (fileTimeout.isNegative() || fileTimeout.isZero()) {
      throw new IllegalArgumentException("fileTimeout must be positive: " + fileTimeout);
    }
    Objects.requireNonNull(stop, "stop");
    headSha256For = Set.copyOf(headSha256For);
  }

  /**
   * Returns the default number of reading threads: four per core, at least 4 and at most 64.
   * Reads of image headers are short and mostly wait on the disk, so more threads than cores pay.
   */
  public static int defaultIoThreads() {
    return Math.max(4, Math.min(64, 4 * Runtime.getRuntime().availableProcessors()));
  }

  /** Returns the default options. */
  public static ScanOptions defaults() {
    return builder().build();
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ScanOptions}. */
  public static final class Builder {
    private int ioThreads = defaultIoThreads();
    private boolean followLinks;
    private Clock clock = Clock.systemUTC();
    private AuditObserver observer = AuditObserver.NONE;
    private Duration fileTimeout = DEFAULT_FILE_TIMEOUT;
    private Set<Flag> headSha256For = Set.of();
    private StopSignal stop = new StopSignal();

    private Builder() {}

    /** Sets the number of reading threads. */
    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /** Sets whether the walk follows symbolic links. */
    public Builder followLinks(boolean followLinks) {
      this.followLinks = followLinks;
      return this;
    }

    /** Sets the clock for the report's timestamps. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Sets the observer told of every entry. */
    public Builder observer(AuditObserver observer) {
      this.observer = observer;
      return this;
    }

    /** Sets how long one file's reads may take. */
    public Builder fileTimeout(Duration fileTimeout) {
      this.fileTimeout = fileTimeout;
      return this;
    }

    /** Sets the signal that stops the run early. */
    public Builder stop(StopSignal stop) {
      this.stop = stop;
      return this;
    }

    /**
     * Hashes the first 64 KiB of each image carrying one of {@code flags} into its details'
     * {@code headSha256} (default: none). Hashing every image would cost a 64 KiB read and hash per
     * file; only the flags a content waiver names need it.
     */
    public Builder headSha256For(Set<Flag> flags) {
      this.headSha256For = flags;
      return this;
    }

    /** Returns the options. */
    public ScanOptions build() {
      return new ScanOptions(ioThreads, followLinks, clock, observer, fileTimeout, stop, headSha256For);
    }
  }
}
