package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.internal.source.WalkItem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The batched, ordered audit: walk order kept, a read that never returns becomes a timeout entry. */
class OrderedAuditTest {

  private final Scheduler io = Schedulers.newBoundedElastic(8, Integer.MAX_VALUE, "ordered-audit-test", 60, true);
  private final CountDownLatch release = new CountDownLatch(1);
  /** Batches close on real time while the timeouts run on virtual time. */
  private final Scheduler batchTimer = Schedulers.newSingle("ordered-audit-batches", true);

  @AfterEach
  void dispose() {
    release.countDown();
    io.dispose();
    batchTimer.dispose();
  }

  private static List<WalkItem> items(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> i % 7 == 3
            ? (WalkItem) new WalkItem.Done(new AuditEntry.Skipped("f" + i, null, SkipReason.FIFO))
            : new WalkItem.Open("f" + i, null, Path.of("f" + i), false, 0))
        .toList();
  }

  /** Stands in for a read: the entry names the file; "hang" files block until released. */
  private Function<WalkItem.Open, AuditEntry> auditor(String... hanging) {
    List<String> hang = List.of(hanging);
    return open -> {
      if (hang.contains(open.display())) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new AuditEntry.Failed(open.display(), null, ErrorKind.IO_ERROR, "read by the test");
    };
  }

  @Test
  void entriesComeInWalkOrderWhateverTheConcurrency() {
    List<WalkItem> walk = items(1000);
    List<String> expected = walk.stream().map(WalkItem::display).toList();
    for (int concurrency : new int[] {1, 2, 8}) {
      OrderedAudit audit =
          new OrderedAudit(io, Schedulers.parallel(), Duration.ofSeconds(30), AuditObserver.NONE, concurrency, 8, auditor());
      List<String> got = audit.entries(Flux.fromIterable(walk)).map(AuditEntry::path).collectList().block();
      assertThat(got).as("concurrency %d", concurrency).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void eachEntryIsMadeReadyOnceOnTheThreadThatAuditedIt() {
    List<WalkItem> walk = items(1000);
    Map<String, String> auditedOn = new ConcurrentHashMap<>();
    Map<String, String> readyOn = new ConcurrentHashMap<>();
    Map<String, Integer> readyCalls = new ConcurrentHashMap<>();
    Function<WalkItem.Open, AuditEntry> auditor = open -> {
      auditedOn.put(open.display(), Thread.currentThread().getName());
      return auditor().apply(open);
    };
    OrderedAudit audit =
        new OrderedAudit(io, Schedulers.parallel(), Duration.ofSeconds(30), AuditObserver.NONE, 4, 8, auditor);
    List<String> got = audit.entries(
            Flux.fromIterable(walk),
            entry -> {
              readyOn.put(entry.path(), Thread.currentThread().getName());
              readyCalls.merge(entry.path(), 1, Integer::sum);
              return "ready:" + entry.path();
            })
        .collectList()
        .block(Duration.ofSeconds(60));
    assertThat(got).containsExactlyElementsOf(walk.stream().map(item -> "ready:" + item.display()).toList());
    assertThat(readyCalls).hasSize(walk.size()).allSatisfy((path, calls) -> assertThat(calls).isOne());
    // Files read: made ready where they were read, not where they are handed on in order.
    assertThat(auditedOn).isNotEmpty();
    auditedOn.forEach((path, thread) -> assertThat(readyOn.get(path)).as(path).isEqualTo(thread));
  }

  @Test
  void aTimedOutFileIsMadeReadyToo() {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    List<WalkItem> walk = items(10);
    OrderedAudit audit =
        new OrderedAudit(io, time, batchTimer, Duration.ofSeconds(30), AuditObserver.NONE, 1, 4, auditor("f5"));
    StepVerifier.withVirtualTime(
            () -> audit.entries(Flux.fromIterable(walk), entry -> entry.path() + ":" + entry.getClass().getSimpleName()),
            () -> time,
            Long.MAX_VALUE)
        .expectNext("f0:Failed", "f1:Failed", "f2:Failed", "f3:Skipped", "f4:Failed")
        .expectNoEvent(Duration.ofSeconds(29))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("f5:Failed", "f6:Failed", "f7:Failed", "f8:Failed", "f9:Failed")
        .expectComplete()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void aReadThatNeverReturnsBecomesATimeoutAndTheRestGoesOn() {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    List<WalkItem> walk = items(10);
    OrderedAudit audit =
        new OrderedAudit(io, time, batchTimer, Duration.ofSeconds(30), AuditObserver.NONE, 1, 4, auditor("f5"));
    List<AuditEntry> got = new ArrayList<>();
    StepVerifier.withVirtualTime(() -> audit.entries(Flux.fromIterable(walk)), () -> time, Long.MAX_VALUE)
        .recordWith(() -> got)
        // f5 hangs on a real thread: nothing after it may come out before its timeout.
        .expectNextCount(5)
        .expectNoEvent(Duration.ofSeconds(29))
        .thenAwait(Duration.ofSeconds(1))
        // The rest is read in real time; the virtual clock stays still (moving it while a file is
        // being read would make that file look overdue).
        .expectNextCount(5)
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    assertThat(got).extracting(AuditEntry::path).containsExactlyElementsOf(walk.stream().map(WalkItem::display).toList());
    assertThat(got).filteredOn(e -> e instanceof AuditEntry.Failed f && f.kind() == ErrorKind.TIMEOUT)
        .extracting(AuditEntry::path).containsExactly("f5");
    assertThat(audit.stuckThreads()).isEqualTo(1);
    // When the hung read returns, its thread is no longer counted stuck.
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (audit.stuckThreads() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(audit.stuckThreads()).isZero();
  }

  @Test
  void stuckThreadsAreBoundedAndTheRunStillEnds() {
    List<WalkItem> walk = items(200);
    String[] hanging = walk.stream().map(WalkItem::display).filter(n -> !n.equals("f3")).toArray(String[]::new);
    // Real time with a short timeout: every file hangs, at most 2 threads may be given up.
    OrderedAudit audit = new OrderedAudit(
        io, Schedulers.parallel(), Duration.ofMillis(200), AuditObserver.NONE, 2, 2, auditor(hanging));
    List<AuditEntry> got = audit.entries(Flux.fromIterable(walk)).collectList().block(Duration.ofSeconds(60));
    assertThat(got).extracting(AuditEntry::path).containsExactlyElementsOf(walk.stream().map(WalkItem::display).toList());
    // maxStuck 2 + concurrency 2: the tasks running when the cap was reached may get stuck too.
    assertThat(audit.stuckThreads()).isLessThanOrEqualTo(4);
    assertThat(got).filteredOn(e -> e instanceof AuditEntry.Failed f && f.kind() == ErrorKind.TIMEOUT)
        .hasSize(200 - (int) walk.stream().filter(WalkItem.Done.class::isInstance).count());
    assertThat(got).filteredOn(e -> e instanceof AuditEntry.Failed f && f.message().contains("already stuck")).isNotEmpty();
  }
}
