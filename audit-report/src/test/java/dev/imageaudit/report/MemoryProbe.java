package dev.imageaudit.report;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.RunEnd;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Run in a child JVM by {@link ReportSetMemoryTest}: feeds a {@link ReportSet} with {@code
 * args[0]} synthetic entries into the folder {@code args[1]} and prints one line, {@code
 * entries=N maxHeapAfterGc=BYTES checkpoints=BYTES nanos=N cpuNanos=N}: the most heap in use after
 * a full collection (told by the JVM's GC notifications: those forced every {@link #CHECKPOINT}
 * entries and any the JVM ran itself, the end of the run included), the most after the forced ones
 * alone, and the run's wall and CPU time. Only full collections count: after a young one the old
 * generation still holds the garbage it was given, which says nothing about what is live.
 */
public final class MemoryProbe {

  static final int CHECKPOINT = 50_000;

  private MemoryProbe() {}

  public static void main(String[] args) throws Exception {
    long count = Long.parseLong(args[0]);
    Path out = Path.of(args[1]);
    AtomicLong afterGc = new AtomicLong();
    // The collectors also report non-heap pools (metaspace, code cache): only the heap counts.
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                  if (!info.getGcAction().contains("major")) {
                    return;
                  }
                  long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                      .filter(pool -> heapPools.contains(pool.getKey()))
                      .mapToLong(pool -> pool.getValue().getUsed())
                      .sum();
                  afterGc.accumulateAndGet(used, Math::max);
                }
              },
              null,
              null);
    }
    long checkpoints = 0;
    long started = System.nanoTime();
    long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    AuditSummary.Tally tally = new AuditSummary.Tally();
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      set.begin(SyntheticEntries.START);
      for (long i = 0; i < count; i++) {
        AuditEntry entry = SyntheticEntries.entry(i);
        tally.add(entry);
        set.entry(entry);
        if ((i + 1) % CHECKPOINT == 0) {
          checkpoints = Math.max(checkpoints, liveHeap());
        }
      }
      set.end(SyntheticEntries.START, new RunEnd(SyntheticEntries.FINISHED, tally.summary(), List.of(), null));
      checkpoints = Math.max(checkpoints, liveHeap());
      set.commit();
    }
    long nanos = System.nanoTime() - started;
    long cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted;
    // Notifications are delivered on another thread: one more collection, then read.
    checkpoints = Math.max(checkpoints, liveHeap());
    System.out.println(
        "entries=" + count + " maxHeapAfterGc=" + afterGc.get() + " checkpoints=" + checkpoints + " nanos=" + nanos
            + " cpuNanos=" + cpuNanos);
  }

  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
