package dev.imageaudit.core.internal.audit;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.internal.source.WalkItem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Audits the walk's items on the I/O threads in batches and emits their entries in walk order.
 *
 * <p>Why batches: a scheduler hop per file costs a context switch and several syscalls, more than
 * reading a small file's head. A batch of {@link #BATCH} consecutive items is audited by one task on
 * one I/O thread; up to {@code concurrency} batches run at once, and {@code flatMapSequential}
 * puts their entries back in walk order, holding at most {@code concurrency} batches of entries.
 *
 * <p>Why per-file timeouts live here: a read on a hung mount never returns and cannot be
 * interrupted. When a file takes longer than the timeout, its entry becomes a {@code timeout}
 * error, the thread stuck in it is given up (it ends its task when the read returns), and the rest
 * of the batch goes on in a new task. At most {@code maxStuck} threads are ever given up; past that
 * the remaining files are reported as timeouts without being opened, so stuck threads never pass
 * {@code maxStuck + concurrency} and the run still ends.
 */
public final class OrderedAudit {

  /**
   * Items audited by one task on one thread. Each batch costs a task hop, a watchdog and its
   * Reactor plumbing: 128 rather than 32 took a 1m store's run to 0.86 of the wall time and 0.91
   * of the CPU (bench/RESULTS.md, 2026-12-03). Not larger: a stop lets the batches in hand finish,
   * and 128 files of a slow disk (10-15 ms a read) still end within two seconds. A walk that finds
   * files slowly closes its batches early ({@link #BATCH_WAIT}), so a slow mount's batches are small.
   */
  public static final int BATCH = 128;

  /** How often per timeout the watchdog looks at a batch's file in hand. */
  static final int CHECKS_PER_TIMEOUT = 10;

  /** The longest a found file waits for its batch to fill. */
  static final Duration BATCH_WAIT = Duration.ofMillis(20);

  private final Scheduler io;
  private final Scheduler timer;
  private final Duration fileTimeout;
  private final AuditObserver observer;
  private final int concurrency;
  private final int maxStuck;
  private final AtomicInteger stuck = new AtomicInteger();
  private final Function<WalkItem.Open, AuditEntry> auditor;
  private final Scheduler batchTimer;

  /**
   * @param io where files are opened and read; needs {@code 2 * concurrency + maxStuck} threads (a
   *     task may start while {@code maxStuck - 1} threads are stuck, and each of the {@code
   *     concurrency} tasks running then may get stuck too)
   * @param timer where timeouts are timed (a parallel scheduler, or a virtual-time one in tests)
   * @param fileTimeout how long one file may take
   * @param observer told of each entry on the thread that made it
   * @param concurrency batches audited at once
   * @param maxStuck most threads given up to reads that never returned
   */
  public OrderedAudit(
      Scheduler io, Scheduler timer, Duration fileTimeout, AuditObserver observer, int concurrency, int maxStuck) {
    this(io, timer, fileTimeout, observer, concurrency, maxStuck, Auditor::audit);
  }

  /** As above, auditing each file with {@code auditor} (tests: reads that never return; runs: a head hash). */
  public OrderedAudit(
      Scheduler io,
      Scheduler timer,
      Duration fileTimeout,
      AuditObserver observer,
      int concurrency,
      int maxStuck,
      Function<WalkItem.Open, AuditEntry> auditor) {
    this(io, timer, timer, fileTimeout, observer, concurrency, maxStuck, auditor);
  }

  /**
   * As above, closing partial batches on {@code batchTimer}: a test that moves {@code timer} by
   * virtual time keeps batching on real time, since moving a clock while files are read would make
   * them look overdue.
   */
  OrderedAudit(
      Scheduler io,
      Scheduler timer,
      Scheduler batchTimer,
      Duration fileTimeout,
      AuditObserver observer,
      int concurrency,
      int maxStuck,
      Function<WalkItem.Open, AuditEntry> auditor) {
    this.batchTimer = batchTimer;
    this.auditor = auditor;
    this.io = io;
    this.timer = timer;
    this.fileTimeout = fileTimeout;
    this.observer = observer;
    this.concurrency = concurrency;
    this.maxStuck = maxStuck;
  }

  /** Returns the entries of {@code walk}'s items, in the walk's order. */
  public Flux<AuditEntry> entries(Flux<WalkItem> walk) {
    return entries(walk, Function.identity());
  }

  /**
   * Returns what {@code ready} makes of each of the entries of {@code walk}'s items, in the walk's
   * order. {@code ready} runs once per entry, right after the observer, on the thread that made the
   * entry (mostly an I/O thread), concurrently for entries of different batches.
   */
  public <T> Flux<T> entries(Flux<WalkItem> walk, Function<? super AuditEntry, ? extends T> ready) {
    // A batch closes after BATCH files or BATCH_WAIT: a walk that stalls (a path list fed slowly, a
    // directory read on a slow mount) must not hold the files it has already found. Each batch's
    // entries are prefetched whole, so a finished task never waits on the batches before it.
    return walk.bufferTimeout(BATCH, BATCH_WAIT, batchTimer, true)
        .flatMapSequential(items -> batch(items, ready), concurrency, BATCH);
  }

  /** Returns the number of threads currently stuck in reads that timed out. */
  public int stuckThreads() {
    return stuck.get();
  }

  /** Audits {@code items} in order on one I/O thread, with a timeout per file; each entry then made ready by {@code ready}. */
  private <T> Flux<T> batch(List<WalkItem> items, Function<? super AuditEntry, ? extends T> ready) {
    if (items.isEmpty()) {
      return Flux.empty();
    }
    if (items.stream().allMatch(WalkItem.Done.class::isInstance)) {
      // Skips and walk errors: nothing to read, no hop needed.
      return Flux.fromIterable(items).map(item -> ready.apply(told(((WalkItem.Done) item).entry(), 0)));
    }
    if (stuck.get() >= maxStuck) {
      // Too many threads are already stuck: do not feed the hung mount more of them.
      return notRead(items, ready);
    }
    return Flux.defer(
        () -> {
          AtomicInteger delivered = new AtomicInteger();
          Task<T> task = new Task<>(items, ready);
          Flux<T> primary =
              Flux.create(
                  sink -> {
                    task.sink = sink;
                    sink.onDispose(task::cancel);
                    try {
                      io.schedule(task);
                    } catch (RuntimeException rejected) {
                      sink.error(rejected);
                    }
                  },
                  FluxSink.OverflowStrategy.BUFFER);
          // One watchdog per batch, not a timer per file: it looks at the file in hand every
          // CHECKS_PER_TIMEOUT-th of the timeout, so a timeout fires at most that much late.
          Duration period = fileTimeout.dividedBy(CHECKS_PER_TIMEOUT);
          Mono<Long> overdue =
              Flux.interval(period, period, timer).filter(tick -> task.overdue()).next();
          return primary
              .takeUntilOther(overdue.doOnNext(tick -> task.timedOut = true))
              .doOnNext(entry -> delivered.incrementAndGet())
              // A watchdog tick can mark the batch timed out just as its last file completes it: then every
              // entry was delivered and nothing is left to report as a timeout.
              .concatWith(Flux.defer(() -> task.timedOut && delivered.get() < items.size()
                  ? timedOut(items, delivered.get(), task, ready)
                  : Flux.empty()));
        });
  }

  /** The file at {@code index} timed out: report it, give its thread up, go on with the rest. */
  private <T> Flux<T> timedOut(
      List<WalkItem> items, int index, Task<T> task, Function<? super AuditEntry, ? extends T> ready) {
    task.abandon();
    AuditEntry timeout = timeoutEntry(items.get(index),
        "no answer within " + fileTimeout.toMillis() + " ms; the read was given up");
    List<WalkItem> rest = List.copyOf(items.subList(index + 1, items.size()));
    return Flux.concat(Mono.fromSupplier(() -> ready.apply(told(timeout, fileTimeout.toNanos()))), batch(rest, ready));
  }

  /** Reports {@code items} without reading them, because {@code maxStuck} reads never returned. */
  private <T> Flux<T> notRead(List<WalkItem> items, Function<? super AuditEntry, ? extends T> ready) {
    return Flux.fromIterable(items)
        .map(item -> ready.apply(told(item instanceof WalkItem.Done done
            ? done.entry()
            : timeoutEntry(item, "not read: " + maxStuck + " reads are already stuck"), 0)));
  }

  private static AuditEntry timeoutEntry(WalkItem item, String message) {
    WalkItem.Open open = item instanceof WalkItem.Open o ? o : null;
    return new AuditEntry.Failed(item.display(), open == null ? null : open.target(), ErrorKind.TIMEOUT, message,
        open == null ? null : open.pathBytes());
  }

  private AuditEntry told(AuditEntry entry, long nanos) {
    try {
      observer.onEntry(entry, nanos);
    } catch (RuntimeException e) {
      // An observer's defect must not replace or lose the entry it was told of.
      Logger.getLogger(OrderedAudit.class.getName()).log(Level.WARNING, "audit observer failed on " + entry.path(), e);
    }
    return entry;
  }

  /** One batch's work on one I/O thread. */
  private final class Task<T> implements Runnable {
    final List<WalkItem> items;
    final Function<? super AuditEntry, ? extends T> ready;
    volatile FluxSink<T> sink;
    /** When the file in hand was started, on the timer's clock; MAX_VALUE while none is. */
    private volatile long fileStartNanos = Long.MAX_VALUE;
    volatile boolean timedOut;
    private volatile boolean cancelled;
    private boolean abandoned;
    private boolean finished;

    Task(List<WalkItem> items, Function<? super AuditEntry, ? extends T> ready) {
      this.items = items;
      this.ready = ready;
    }

    void cancel() {
      cancelled = true;
    }

    /** True when the file in hand has taken longer than the timeout. */
    boolean overdue() {
      long start = fileStartNanos;
      return start != Long.MAX_VALUE && timer.now(TimeUnit.NANOSECONDS) - start >= fileTimeout.toNanos();
    }

    /** Called when this task's current file timed out: the thread is counted stuck until it returns. */
    synchronized void abandon() {
      cancelled = true;
      if (!abandoned && !finished) {
        abandoned = true;
        stuck.incrementAndGet();
      }
    }

    @Override
    public void run() {
      try {
        for (WalkItem item : items) {
          if (cancelled) {
            return;
          }
          fileStartNanos = timer.now(TimeUnit.NANOSECONDS);
          AuditEntry entry;
          long nanos = 0;
          if (item instanceof WalkItem.Done done) {
            entry = done.entry();
          } else {
            long start = System.nanoTime();
            WalkItem.Open open = (WalkItem.Open) item;
            entry = auditor.apply(open);
            if (open.pathBytes() != null) {
              entry = entry.withPathBytes(open.pathBytes());
            }
            nanos = System.nanoTime() - start;
          }
          if (cancelled) {
            return;
          }
          sink.next(ready.apply(told(entry, nanos)));
        }
        fileStartNanos = Long.MAX_VALUE;
        // Before the batch says it is done: a caller that sees the last batch end sees no folder held.
        FolderHandle.release();
        sink.complete();
      } catch (RuntimeException | Error e) {
        // Auditor turns every per-file failure into an entry: what gets here is fatal (an Error).
        sink.error(e);
      } finally {
        // The folder the batch's files were opened in (when the batch ended early): none outlives it.
        FolderHandle.release();
        synchronized (this) {
          finished = true;
          if (abandoned) {
            stuck.decrementAndGet();
          }
        }
      }
    }
  }
}
