package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.RunEnd;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ReportSetTest {

  static final List<String> OUTPUTS =
      List.of(".image-audit", "metrics.prom", "report.html", "report.json", "report.jsonl");

  @TempDir Path tmp;

  /** Writes {@code report} through a set into {@code dir}, exchanging folders with {@code exchange}. */
  static ReportSet.Written write(AuditReport report, Path dir, OutputFolder.Exchange exchange) throws IOException {
    try (ReportSet set = ReportSet.create(dir, AuditMetrics.create(), null, RunAggregates.Limits.DEFAULT, exchange)) {
      set.begin(Runs.start(report));
      for (AuditEntry entry : report.entries()) {
        set.entry(entry);
      }
      set.end(Runs.start(report), Runs.end(report));
      return set.commit();
    }
  }

  static ReportSet.Written write(AuditReport report, Path dir) throws IOException {
    return write(report, dir, Renames::exchange);
  }

  static AuditReport one(String name) {
    return Fixtures.report(List.of(Fixtures.raw(name, 1)), List.of(name));
  }

  @Test
  void streamsEveryOutputIntoAStagingFolderAndCommitsThemTogether() throws IOException {
    Path out = tmp.resolve("out");
    AuditReport report = Fixtures.report();
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      Path staging = set.stagingFolder();
      assertThat(staging.getParent()).isEqualTo(tmp.toRealPath());
      assertThat(staging.getFileName().toString()).startsWith(".out.new-");
      set.begin(Runs.start(report));
      for (AuditEntry entry : report.entries()) {
        set.entry(entry);
      }
      // Lines are written as entries arrive: nothing waits for the end but the buffer.
      assertThat(out).doesNotExist();
      assertThat(set.verdict()).as("no verdict before the end").isNull();
      set.end(Runs.start(report), Runs.end(report));
      assertThat(set.verdict().verdict()).isEqualTo(RunVerdict.INCOMPLETE);
      assertThat(out).doesNotExist();
      assertThat(ReportSetTest.names(staging)).containsExactlyElementsOf(OUTPUTS);

      ReportSet.Written written = set.commit();

      assertThat(written.folder()).isEqualTo(out);
      assertThat(written.jsonl()).isEqualTo(out.resolve("report.jsonl"));
      assertThat(staging).doesNotExist();
    }
    assertThat(names(tmp)).containsExactly("out");
    assertThat(names(out)).containsExactlyElementsOf(OUTPUTS);
    // The same bytes as the writers of a report held whole.
    assertThat(Files.readAllBytes(out.resolve("report.json"))).isEqualTo(JsonReportTest.json(report));
    assertThat(Files.readAllBytes(out.resolve("report.jsonl"))).isEqualTo(JsonReportTest.jsonLines(report));
    assertThat(Files.readString(out.resolve("report.html"))).isEqualTo(HostileNamesTest.html(report));
    assertThat(Files.readString(out.resolve(".image-audit"))).contains("image-audit");
  }

  @Test
  void entriesPreparedOnOtherThreadsWriteTheSameBytes() throws Exception {
    AuditReport report = Fixtures.report();
    Path out = tmp.resolve("out");
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      // Prepared all at once and out of order, as a run's I/O threads do; taken in order after.
      List<Future<ReportSet.Prepared>> prepared = new ArrayList<>();
      for (int i = report.entries().size() - 1; i >= 0; i--) {
        AuditEntry entry = report.entries().get(i);
        prepared.add(0, threads.submit(() -> set.prepare(entry)));
      }
      set.begin(Runs.start(report));
      for (int i = 0; i < report.entries().size(); i++) {
        set.entry(report.entries().get(i), prepared.get(i).get(30, TimeUnit.SECONDS));
      }
      set.end(Runs.start(report), Runs.end(report));
      set.commit();
    } finally {
      threads.shutdownNow();
    }
    assertThat(Files.readAllBytes(out.resolve("report.jsonl"))).isEqualTo(JsonReportTest.jsonLines(report));
    assertThat(Files.readAllBytes(out.resolve("report.json"))).isEqualTo(JsonReportTest.json(report));
  }

  @Test
  void reportJsonAndJsonLinesCarryTheSameImagesInTheSameOrderAsTheyArrived() throws IOException {
    Path out = tmp.resolve("out");
    SyntheticEntries.write(out, 2_000, null);
    JsonNode json = JsonReportTest.MAPPER.readTree(out.resolve("report.json").toFile());
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2_001);
    JsonNode images = json.get("images");
    assertThat(images.size()).isEqualTo(2_000);
    for (int i = 0; i < 2_000; i++) {
      assertThat(JsonReportTest.MAPPER.readTree(lines.get(i))).isEqualTo(images.get(i));
      assertThat(images.get(i).get("path").stringValue()).isEqualTo(SyntheticEntries.entry(i).path());
    }
    JsonNode summary = JsonReportTest.MAPPER.readTree(lines.get(2_000));
    assertThat(summary.get("record").stringValue()).isEqualTo("summary");
    assertThat(summary.get("summary")).isEqualTo(json.get("summary"));
    assertThat(summary.at("/summary/files").longValue()).isEqualTo(2_000);
    // report.json's line index stayed in the staging folder: it is no output.
    try (var names = Files.list(out)) {
      assertThat(names.map(p -> p.getFileName().toString())).doesNotContain(".report.jsonl.lines", ".report.jsonl.part");
    }
  }

  @Test
  void anInterruptedRunSaysSoInEveryOutput() throws IOException {
    Path out = tmp.resolve("out");
    SyntheticEntries.write(out, 100, "SIGINT");
    JsonNode json = JsonReportTest.MAPPER.readTree(out.resolve("report.json").toFile());
    assertThat(json.get("complete").booleanValue()).isFalse();
    assertThat(json.get("interrupted").stringValue()).isEqualTo("SIGINT");
    List<String> lines = Files.readAllLines(out.resolve("report.jsonl"));
    JsonNode summary = JsonReportTest.MAPPER.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("interrupted").stringValue()).isEqualTo("SIGINT");
    assertThat(summary.get("complete").booleanValue()).isFalse();
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("<span class=\"status interrupted\">INTERRUPTED (SIGINT)</span>")
        .contains("Stopped by SIGINT before the walk ended: this report covers the 100 paths met until then.");
    assertThat(Files.readString(out.resolve("metrics.prom")))
        .contains(
            "image_audit_run_complete 0.0",
            "image_audit_run_verdict{verdict=\"incomplete\"} 1.0",
            "image_audit_run_verdict{verdict=\"fail\"} 0.0",
            "image_audit_run_verdict{verdict=\"pass\"} 0.0");
  }

  @Test
  void theMetricsCarryTheVerdictOfEachRun() throws IOException {
    Path out = tmp.resolve("out");
    List<AuditEntry> images =
        Fixtures.entries().stream().filter(e -> e instanceof AuditEntry.Image).toList();
    assertThat(images).anyMatch(e -> ((AuditEntry.Image) e).flags().contains(dev.imageaudit.core.Flag.UNSUPPORTED_PARTITION_IMAGE));
    write(Fixtures.report(images, List.of("store")), out);
    assertThat(Files.readString(out.resolve("metrics.prom")))
        .contains(
            "image_audit_run_verdict{verdict=\"fail\"} 1.0",
            "image_audit_run_verdict{verdict=\"incomplete\"} 0.0",
            "image_audit_run_verdict{verdict=\"pass\"} 0.0");

    write(one("clean.img"), out);
    assertThat(Files.readString(out.resolve("metrics.prom")))
        .contains(
            "image_audit_run_verdict{verdict=\"pass\"} 1.0",
            "image_audit_run_verdict{verdict=\"fail\"} 0.0",
            "image_audit_run_verdict{verdict=\"incomplete\"} 0.0");
  }

  @Test
  void replacesThePreviousSetWholeEvenFilesAddedToIt() throws IOException {
    Path out = tmp.resolve("out");
    write(Fixtures.report(), out);
    Files.writeString(out.resolve("notes.txt"), "left here by hand");

    write(one("second.img"), out);

    assertThat(names(out)).containsExactlyElementsOf(OUTPUTS);
    assertThat(Files.readString(out.resolve("report.json"))).contains("second.img").doesNotContain("disk.qcow2");
    assertThat(names(tmp)).containsExactly("out");
  }

  @Test
  void withoutTheExchangeTheOldSetIsMovedAsideThenDeleted() throws IOException {
    Path out = tmp.resolve("out");
    write(Fixtures.report(), out, (a, b) -> false);
    write(one("second.img"), out, (a, b) -> false);

    assertThat(names(out)).containsExactlyElementsOf(OUTPUTS);
    assertThat(Files.readString(out.resolve("report.jsonl"))).contains("second.img").doesNotContain("disk.qcow2");
    assertThat(names(tmp)).containsExactly("out");
  }

  @Test
  void renameat2ExchangesTwoFoldersInOneStep() throws IOException {
    assumeTrue(Renames.available(), "renameat2 is Linux's; elsewhere the two-rename fallback is used");
    Path a = Files.createDirectory(tmp.resolve("a"));
    Path b = Files.createDirectory(tmp.resolve("b ü \u00e9"));
    Files.writeString(a.resolve("from-a"), "a");
    Files.writeString(b.resolve("from-b"), "b");

    boolean exchanged = Renames.exchange(a, b);

    // A file system without RENAME_EXCHANGE answers EINVAL: then nothing moved.
    assumeTrue(exchanged, "this file system cannot exchange");
    assertThat(names(a)).containsExactly("from-b");
    assertThat(names(b)).containsExactly("from-a");
    assertThatThrownBy(() -> Renames.exchange(tmp.resolve("missing"), a)).isInstanceOf(IOException.class);
  }

  @Test
  void readersNeverFindTheOutputsMissingWhileSetsAreSwapped() throws Exception {
    assumeTrue(Renames.available(), "only the exchange is gap-free");
    Path out = tmp.resolve("out");
    write(one("first.img"), out);
    assumeTrue(exchangeWorksHere(), "this file system cannot exchange");
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong looks = new AtomicLong();
    AtomicLong missing = new AtomicLong();
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              while (!done.get()) {
                looks.incrementAndGet();
                if (!Files.exists(out.resolve("report.json")) || !Files.exists(out.resolve("report.jsonl"))) {
                  missing.incrementAndGet();
                }
              }
            });
    try {
      for (int i = 0; i < 30; i++) {
        write(one("run-" + i + ".img"), out);
      }
    } finally {
      done.set(true);
      reader.get(30, TimeUnit.SECONDS);
    }
    assertThat(looks.get()).isPositive();
    assertThat(missing.get()).isZero();
    assertThat(Files.readString(out.resolve("report.json"))).contains("run-29.img");
    assertThat(names(tmp)).containsExactly("out");
  }

  private boolean exchangeWorksHere() throws IOException {
    Path a = Files.createDirectory(tmp.resolve(".probe-a"));
    Path b = Files.createDirectory(tmp.resolve(".probe-b"));
    try {
      return Renames.exchange(a, b);
    } finally {
      Files.delete(a);
      Files.delete(b);
    }
  }

  @Test
  void refusesAFolderItDidNotMakeBeforeWritingAnything() throws IOException {
    Path home = Files.createDirectory(tmp.resolve("home"));
    Files.writeString(home.resolve("thesis.tex"), "years of work");
    Files.writeString(home.resolve("report.json"), "{}");

    assertThatThrownBy(() -> ReportSet.create(home, AuditMetrics.create()))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("not empty and not made by image-audit")
        .hasMessageContaining(".image-audit");

    assertThat(names(tmp)).containsExactly("home");
    assertThat(names(home)).containsExactly("report.json", "thesis.tex");
  }

  @Test
  void refusesAFolderThatStoppedBeingItsDuringTheRun() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("out"));
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      SyntheticEntries.run(set, 10, null);
      Files.writeString(out.resolve("thesis.tex"), "years of work");
      assertThatThrownBy(set::commit).isInstanceOf(FileSystemException.class);
    }
    assertThat(names(tmp)).containsExactly("out");
    assertThat(names(out)).containsExactly("thesis.tex");
  }

  @Test
  void takesOverTheOutputsOfAnEarlierVersionWithoutTheMarker() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("out"));
    for (String name : List.of("report.json", "report.html", "metrics.prom", ".report.json.1x2y3z.tmp")) {
      Files.writeString(out.resolve(name), "old");
    }
    write(one("new.img"), out);
    assertThat(names(out)).containsExactlyElementsOf(OUTPUTS);
  }

  @Test
  void anOutputThatIsAFileIsRefused() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> ReportSet.create(file, AuditMetrics.create()))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("not a folder");
    assertThat(Files.readString(file)).isEqualTo("x");
    assertThat(names(tmp)).containsExactly("file");
  }

  @Test
  void aMountPointIsRefusedBeforeTheRunNotAfterIt() throws IOException {
    Path mount = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(mount) && !Files.getFileStore(mount).equals(Files.getFileStore(mount.getParent())),
        "no mount point to try at /dev/shm");
    assertThatThrownBy(() -> ReportSet.create(mount, AuditMetrics.create()))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("a mount point");
  }

  @Test
  void theRootFolderIsRefused() {
    assertThatThrownBy(() -> ReportSet.create(Path.of("/"), AuditMetrics.create()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aLinkToTheOutputFolderStaysALink() throws IOException {
    Path real = tmp.resolve("real");
    write(one("first.img"), real);
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);

    ReportSet.Written written = write(one("second.img"), link);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(written.json()).isEqualTo(link.resolve("report.json"));
    assertThat(Files.readString(real.resolve("report.json"))).contains("second.img");
    assertThat(names(tmp)).containsExactly("link", "real");
  }

  @Test
  void closingWithoutCommitDeletesEverythingAndKeepsThePreviousSet() throws IOException {
    Path out = tmp.resolve("out");
    write(one("first.img"), out);
    Path staging;
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      staging = set.stagingFolder();
      set.begin(SyntheticEntries.START);
      for (int i = 0; i < 500; i++) {
        set.entry(SyntheticEntries.entry(i));
      }
      // A second signal: no end, no commit.
    }
    assertThat(staging).doesNotExist();
    assertThat(names(tmp)).containsExactly("out");
    assertThat(Files.readString(out.resolve("report.json"))).contains("first.img");
  }

  @Test
  void closingFromAnotherThreadStopsTheRunsNextCall() throws IOException {
    Path out = tmp.resolve("out");
    ReportSet set = ReportSet.create(out, AuditMetrics.create());
    set.begin(SyntheticEntries.START);
    set.entry(SyntheticEntries.entry(0));
    CompletableFuture.runAsync(
            () -> {
              try {
                set.close();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .join();
    assertThatThrownBy(() -> set.entry(SyntheticEntries.entry(1))).isInstanceOf(InterruptedIOException.class);
    assertThatThrownBy(set::commit).isInstanceOf(InterruptedIOException.class);
    set.close();
    assertThat(names(tmp)).isEmpty();
  }

  @Test
  void aFailedOutputCannotBeCommittedAndLeavesNothing() throws IOException {
    Path out = tmp.resolve("out");
    write(one("first.img"), out);
    try (ReportSet set = ReportSet.create(out, AuditMetrics.create())) {
      set.begin(SyntheticEntries.START);
      set.entry(SyntheticEntries.entry(0));
      // The disk goes away under the run: report.json cannot be made at the end.
      Trees.delete(set.stagingFolder());
      RunEnd end = Runs.end(one("x"));
      assertThatThrownBy(() -> set.end(SyntheticEntries.START, end)).isInstanceOf(IOException.class);
      assertThatThrownBy(set::commit).isInstanceOf(IllegalStateException.class);
    }
    assertThat(names(tmp)).containsExactly("out");
    assertThat(Files.readString(out.resolve("report.json"))).contains("first.img");
  }

  @Test
  void callsOutOfOrderAreRefused() throws IOException {
    try (ReportSet set = ReportSet.create(tmp.resolve("out"), AuditMetrics.create())) {
      assertThatThrownBy(() -> set.entry(SyntheticEntries.entry(0))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(set::commit).isInstanceOf(IllegalStateException.class);
      set.begin(SyntheticEntries.START);
      assertThatThrownBy(() -> set.begin(SyntheticEntries.START)).isInstanceOf(IllegalStateException.class);
    }
    assertThat(names(tmp)).isEmpty();
  }

  @Test
  void stagingFoldersOfDeadRunsAreSweptAndLiveOnesKept() throws IOException {
    Path out = tmp.resolve("out");
    // Left by a run killed mid-way: its marker is not locked by anyone.
    Path dead = Files.createDirectory(tmp.resolve(".out.new-dead"));
    Files.writeString(dead.resolve(".image-audit"), "x");
    Files.writeString(dead.resolve("report.jsonl"), "half a line");
    Path deadOld = Files.createDirectory(tmp.resolve(".out.old-dead"));
    Files.writeString(deadOld.resolve(".image-audit"), "x");
    // Not known to be ours (no marker): left alone.
    Path unknown = Files.createDirectory(tmp.resolve(".out.new-unknown"));

    try (ReportSet live = ReportSet.create(out, AuditMetrics.create())) {
      try (ReportSet other = ReportSet.create(out, AuditMetrics.create())) {
        // The second set's sweep keeps the first one's staging folder: it is alive.
        assertThat(live.stagingFolder()).isDirectory();
        assertThat(other.stagingFolder()).isDirectory();
      }
      assertThat(dead).doesNotExist();
      assertThat(deadOld).doesNotExist();
      assertThat(unknown).isDirectory();
      assertThat(live.stagingFolder()).isDirectory();
    }
  }

  @Test
  void aMarkerLockedByAnotherHolderIsNotSwept() throws IOException {
    Path out = tmp.resolve("out");
    Path busy = Files.createDirectory(tmp.resolve(".out.new-busy"));
    try (FileChannel marker =
            FileChannel.open(busy.resolve(".image-audit"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = marker.lock()) {
      ReportSet.create(out, AuditMetrics.create()).close();
      assertThat(lock.isValid()).isTrue();
      assertThat(busy).isDirectory();
    }
  }

  @Test
  void metricsCountEveryEntryOnceAndRecordTheRun() throws IOException {
    Path out = tmp.resolve("out");
    AuditMetrics metrics = AuditMetrics.create();
    try (ReportSet set = ReportSet.create(out, metrics)) {
      SyntheticEntries.run(set, 2_000, null);
      set.commit();
    }
    // 2,000 entries: 11 raw, 4 qcow2 (3 + 1 dirty), 2 sparse, 1 composite, a skip and an error in each 20.
    assertThat(Files.readString(out.resolve("metrics.prom")))
        .contains(
            "image_audit_images{format=\"raw\",partition=\"accepted\"} 1100.0",
            "image_audit_images{format=\"qcow2\",partition=\"rejected\"} 400.0",
            "image_audit_images{format=\"vdi\",partition=\"accepted\"} 0.0",
            "image_audit_skipped{reason=\"symlink\"} 100.0",
            "image_audit_errors{kind=\"access-denied\"} 100.0",
            "image_audit_flagged{flag=\"backing-file\"} 300.0",
            "image_audit_files 2000.0",
            "image_audit_run_complete 0.0");
  }

  static List<String> names(Path dir) throws IOException {
    return ReportFilesTest.names(dir);
  }
}
