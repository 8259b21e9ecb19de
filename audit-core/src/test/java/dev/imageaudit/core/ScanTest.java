package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** The pipeline end to end over a real directory tree: one entry per path, errors as values, order. */
class ScanTest {

  @TempDir Path dir;
  private Path store;

  @BeforeEach
  void buildStore() throws IOException {
    store = dir.resolve("store");
    Files.createDirectories(store.resolve("sub/deeper"));
    Files.write(store.resolve("a-raw.img"), new byte[1024]);
    Files.write(store.resolve("b.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xFB});
    Files.write(store.resolve("sub/c.img"), new byte[3]);
    Files.write(store.resolve("sub/deeper/d.img"), "composite_disk\u001d".getBytes(StandardCharsets.US_ASCII));
    Files.createSymbolicLink(store.resolve("link-to-a"), Path.of("a-raw.img"));
    Files.createSymbolicLink(store.resolve("sub/loop"), Path.of(".."));
    Files.createSymbolicLink(store.resolve("dangling"), Path.of("nowhere"));
    Files.createSymbolicLink(store.resolve("self"), Path.of("self"));
    mkfifo(store.resolve("pipe"));
  }

  @Test
  void everyPathMetYieldsExactlyOneEntry() {
    StepVerifier.create(ImageAudit.scan(List.of(new AuditInput.PathInput(store)), options(4, false)).map(AuditEntry::path))
        .recordWith(ArrayList::new)
        .thenConsumeWhile(p -> true)
        .consumeRecordedWith(
            paths ->
                assertThat(paths)
                    .containsExactlyInAnyOrder(
                        p("a-raw.img"), p("b.qcow2"), p("sub/c.img"), p("sub/deeper/d.img"),
                        p("link-to-a"), p("sub/loop"), p("dangling"), p("self"), p("pipe")))
        .expectComplete()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void linksAreSkippedAndAFifoIsNeverOpened() {
    Map<String, AuditEntry> byPath = scanByPath(options(4, false));
    assertThat(byPath.get(p("link-to-a"))).isEqualTo(new AuditEntry.Skipped(p("link-to-a"), null, SkipReason.SYMLINK));
    assertThat(byPath.get(p("sub/loop"))).isEqualTo(new AuditEntry.Skipped(p("sub/loop"), null, SkipReason.SYMLINK));
    assertThat(byPath.get(p("pipe"))).isEqualTo(new AuditEntry.Skipped(p("pipe"), null, SkipReason.FIFO));
    assertThat(((AuditEntry.Image) byPath.get(p("b.qcow2"))).partition().decision()).isEqualTo(Verdict.Decision.REJECTED);
    assertThat(((AuditEntry.Image) byPath.get(p("sub/deeper/d.img"))).format()).isEqualTo(ImageFormat.COMPOSITE);
    assertThat(((AuditEntry.Image) byPath.get(p("sub/c.img"))).format()).isEqualTo(ImageFormat.RAW);
  }

  @Test
  void followedLinksAreAuditedAndLoopsSkipped() {
    Map<String, AuditEntry> byPath = scanByPath(options(2, true));
    AuditEntry.Image linked = (AuditEntry.Image) byPath.get(p("link-to-a"));
    assertThat(linked.format()).isEqualTo(ImageFormat.RAW);
    assertThat(linked.fileSize()).isEqualTo(1024);
    assertThat(byPath.get(p("sub/loop"))).isEqualTo(new AuditEntry.Skipped(p("sub/loop"), null, SkipReason.SYMLINK_LOOP));
    assertThat(byPath.get(p("self"))).isEqualTo(new AuditEntry.Skipped(p("self"), null, SkipReason.SYMLINK_LOOP));
    assertThat(byPath.get(p("dangling"))).isEqualTo(new AuditEntry.Skipped(p("dangling"), null, SkipReason.DANGLING_SYMLINK));
    assertThat(byPath).hasSize(9);
  }

  @Test
  void failuresAreEntriesAndTheRunGoesOn() {
    Path missing = dir.resolve("missing.img");
    List<AuditInput> inputs =
        List.of(new AuditInput.PathInput(missing), new AuditInput.FdInput(987_654), new AuditInput.PathInput(store));
    StepVerifier.create(ImageAudit.report(inputs, options(3, false)))
        .assertNext(
            report -> {
              assertThat(report.entries()).hasSize(11);
              assertThat(report.complete()).isFalse();
              assertThat(report.summary().errors()).isEqualTo(2);
              assertThat(report.summary().errorsByKind()).containsEntry("not-found", 1L).containsEntry("bad-fd", 1L);
              assertThat(report.entries())
                  .filteredOn(e -> e instanceof AuditEntry.Failed)
                  .extracting(AuditEntry::path)
                  .containsExactlyInAnyOrder(missing.toString(), "fd:987654");
            })
        .verifyComplete();
  }

  @Test
  void reportOrderIsByPathWhateverTheConcurrency() {
    List<String> one = paths(ImageAudit.report(List.of(new AuditInput.PathInput(store)), options(1, false)).block());
    List<String> many = paths(ImageAudit.report(List.of(new AuditInput.PathInput(store)), options(16, false)).block());
    assertThat(one).isSorted().isEqualTo(many).hasSize(9);
  }

  @Test
  void reportCarriesTheClockAndTheInputs() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-29T03:00:00Z"), ZoneOffset.UTC);
    ScanOptions options = ScanOptions.builder().ioThreads(2).clock(clock).build();
    AuditReport report = ImageAudit.report(List.of(new AuditInput.PathInput(store)), options).block();
    assertThat(report.startedAt()).isEqualTo(clock.instant());
    assertThat(report.finishedAt()).isEqualTo(clock.instant());
    assertThat(report.inputs()).containsExactly(store.toString());
    assertThat(report.toolVersion()).isEqualTo(ImageAudit.version()).doesNotContain("${");
    assertThat(report.summary().byFormat()).containsEntry("raw", 2L).containsEntry("qcow2", 1L).containsEntry("composite", 1L);
    assertThat(report.summary().skippedByReason()).containsEntry("symlink", 4L).containsEntry("fifo", 1L);
    assertThat(report.summary().partition())
        .containsEntry(Verdict.Decision.ACCEPTED, 2L)
        .containsEntry(Verdict.Decision.REJECTED, 2L);
    assertThat(report.summary().flagged()).isEqualTo(2);
  }

  @Test
  void anOpenDescriptorIsAuditedThroughProcSelfFd() throws IOException {
    Path file = store.resolve("b.qcow2");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int fd = openDescriptorOf(file);
      AuditReport report = ImageAudit.report(List.of(new AuditInput.FdInput(fd)), options(1, false)).block();
      assertThat(report.inputs()).containsExactly("fd:" + fd);
      AuditEntry.Image image = (AuditEntry.Image) report.entries().get(0);
      assertThat(image.path()).isEqualTo("fd:" + fd);
      assertThat(image.target()).isEqualTo(file.toRealPath().toString());
      assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
      assertThat(channel.isOpen()).isTrue();
    }
  }

  @Test
  void pathListsAreReadLineByLineOrNulSeparated() throws IOException {
    Path odd = store.resolve("new\nline.img");
    Files.write(odd, new byte[8]);
    String lines = store.resolve("a-raw.img") + "\r\n\n" + store.resolve("sub") + "\n";
    String nul = store.resolve("a-raw.img") + "\0" + odd + "\0";
    AuditReport byLine = ImageAudit.report(
        List.of(new AuditInput.PathList("stdin", new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), false)),
        options(2, false)).block();
    assertThat(paths(byLine)).containsExactly(p("a-raw.img"), p("sub/c.img"), p("sub/deeper/d.img"), p("sub/loop"));
    AuditReport byNul = ImageAudit.report(
        List.of(new AuditInput.PathList("stdin", new ByteArrayInputStream(nul.getBytes(StandardCharsets.UTF_8)), true)),
        options(2, false)).block();
    assertThat(paths(byNul)).containsExactly(p("a-raw.img"), odd.toString());
    assertThat(byNul.entries()).allMatch(e -> e instanceof AuditEntry.Image);
  }

  @Test
  void theObserverSeesEveryEntryOnce() {
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    ScanOptions options = ScanOptions.builder().ioThreads(4).observer((e, nanos) -> seen.merge(e.path(), 1, Integer::sum)).build();
    AuditReport report = ImageAudit.report(List.of(new AuditInput.PathInput(store)), options).block();
    assertThat(seen).hasSize(report.entries().size()).allSatisfy((path, count) -> assertThat(count).isEqualTo(1));
  }

  @Test
  void aFailingObserverLosesNoEntry() {
    ScanOptions options = ScanOptions.builder().ioThreads(2).observer((e, nanos) -> {
      throw new IllegalStateException("observer defect");
    }).build();
    AuditReport report = ImageAudit.report(List.of(new AuditInput.PathInput(store)), options).block();
    assertThat(report.entries()).hasSize(9).noneMatch(e -> e instanceof AuditEntry.Failed);
  }

  @Test
  void threadsAreGoneWhenTheScanEnds() throws InterruptedException {
    ImageAudit.scan(List.of(new AuditInput.PathInput(store)), options(8, false)).blockLast();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("image-audit-")) {
        thread.join(Duration.ofSeconds(10).toMillis());
        assertThat(thread.isAlive()).as(thread.getName()).isFalse();
      }
    }
  }

  @Test
  void cancellingAScanDisposesItsThreadsToo() throws InterruptedException {
    StepVerifier.create(ImageAudit.scan(List.of(new AuditInput.PathInput(store)), options(2, false)), 1)
        .expectNextCount(1)
        .thenCancel()
        .verify(Duration.ofSeconds(30));
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("image-audit-")) {
        thread.join(Duration.ofSeconds(10).toMillis());
        assertThat(thread.isAlive()).as(thread.getName()).isFalse();
      }
    }
  }

  private Map<String, AuditEntry> scanByPath(ScanOptions options) {
    List<AuditEntry> entries =
        ImageAudit.scan(List.of(new AuditInput.PathInput(store)), options).collectList().block(Duration.ofSeconds(30));
    return entries.stream().collect(Collectors.toMap(AuditEntry::path, Function.identity()));
  }

  private String p(String relative) {
    return store + "/" + relative;
  }

  private static List<String> paths(AuditReport report) {
    return report.entries().stream().map(AuditEntry::path).toList();
  }

  private static ScanOptions options(int ioThreads, boolean followLinks) {
    return ScanOptions.builder().ioThreads(ioThreads).followLinks(followLinks).build();
  }

  static void mkfifo(Path path) throws IOException {
    try {
      Process process = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
      assertThat(process.waitFor()).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static int openDescriptorOf(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(real)) {
            return Integer.parseInt(fd.getFileName().toString());
          }
        } catch (IOException e) {
          // The listing's own descriptor is gone by now: not ours.
        }
      }
    }
    throw new AssertionError("no descriptor open on " + real);
  }
}
