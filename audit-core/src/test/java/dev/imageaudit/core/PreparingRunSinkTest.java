package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink's preparation of each entry: once per entry, on the thread that audited it, before the
 * entry's turn, and what it made is what the entry's turn gets.
 */
class PreparingRunSinkTest {

  @TempDir Path dir;
  private Path store;
  private List<AuditInput> inputs;

  @BeforeEach
  void buildStore() throws IOException {
    store = dir.resolve("store");
    for (int d = 0; d < 6; d++) {
      Path folder = Files.createDirectories(store.resolve("d" + d));
      for (int f = 0; f < 300; f++) {
        Files.write(folder.resolve(String.format("f%03d.img", f)), new byte[f % 3 == 0 ? 0 : 512 * f]);
      }
    }
    Files.createSymbolicLink(store.resolve("link"), Path.of("d0"));
    inputs = List.of(new AuditInput.PathInput(store));
  }

  /** Records what it was told, and where; fails the test's assertions, never the run. */
  private static final class Recording implements PreparingRunSink<Recording.Made> {
    record Made(AuditEntry entry, String thread) {}

    final Map<String, AtomicInteger> prepared = new ConcurrentHashMap<>();
    final List<AuditEntry> taken = new ArrayList<>();
    final List<String> wrongPreparation = new ArrayList<>();
    final List<String> threadsPreparing = new ArrayList<>();
    volatile boolean begun;
    volatile boolean ended;

    @Override
    public void begin(RunStart start) {
      begun = true;
    }

    @Override
    public Made prepare(AuditEntry entry) {
      prepared.computeIfAbsent(entry.path(), p -> new AtomicInteger()).incrementAndGet();
      return new Made(entry, Thread.currentThread().getName());
    }

    @Override
    public void entry(AuditEntry entry, Made made) {
      if (made == null || made.entry() != entry || !begun || ended) {
        wrongPreparation.add(entry.path());
      } else if (entry instanceof AuditEntry.Image) {
        threadsPreparing.add(made.thread());
      }
      taken.add(entry);
    }

    @Override
    public void end(RunStart start, RunEnd end) {
      ended = true;
    }
  }

  @Test
  void eachEntryIsPreparedOnceWhereItWasAuditedAndTakenInWalkOrder() {
    Recording sink = new Recording();
    RunEnd end = ImageAudit.run(inputs, ScanOptions.builder().ioThreads(4).build(), sink).block(Duration.ofSeconds(60));

    List<String> walkOrder = ImageAudit.scan(inputs, ScanOptions.builder().ioThreads(1).build())
        .map(AuditEntry::path).collectList().block(Duration.ofSeconds(60));
    assertThat(sink.taken).extracting(AuditEntry::path).containsExactlyElementsOf(walkOrder);
    assertThat(end.summary().files()).isEqualTo(walkOrder.size());
    assertThat(sink.prepared).hasSize(walkOrder.size()).allSatisfy((path, calls) -> assertThat(calls.get()).as(path).isOne());
    assertThat(sink.wrongPreparation).isEmpty();
    assertThat(sink.ended).isTrue();
    // Every file read was prepared on an I/O thread, and more than one of them shared the work.
    assertThat(sink.threadsPreparing).hasSize(6 * 300).allSatisfy(t -> assertThat(t).startsWith("image-audit-io"));
    assertThat(sink.threadsPreparing.stream().distinct().count()).isGreaterThan(1);
  }

  @Test
  void aPlainSinkStillTakesEveryEntry() {
    List<AuditEntry> taken = new ArrayList<>();
    RunSink plain = new RunSink() {
      @Override
      public void begin(RunStart start) {}

      @Override
      public void entry(AuditEntry entry) {
        taken.add(entry);
      }

      @Override
      public void end(RunStart start, RunEnd end) {}
    };
    ImageAudit.run(inputs, ScanOptions.builder().ioThreads(4).build(), plain).block(Duration.ofSeconds(60));
    assertThat(taken).hasSize(6 * 300 + 1);
  }

  @Test
  void anEntryTakenWithoutARunIsPreparedOnTheCallingThread() throws IOException {
    Recording sink = new Recording();
    sink.begin(null);
    AuditEntry skipped = new AuditEntry.Skipped("x", null, SkipReason.FIFO);
    sink.entry(skipped);
    assertThat(sink.prepared).containsOnlyKeys("x");
    assertThat(sink.taken).containsExactly(skipped);
    assertThat(sink.wrongPreparation).isEmpty();
  }
}
