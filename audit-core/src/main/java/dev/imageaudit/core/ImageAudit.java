package dev.imageaudit.core;

import dev.imageaudit.core.internal.Auditor;
import dev.imageaudit.core.internal.LoadedConfig;
import dev.imageaudit.core.internal.VmConfigRules;
import dev.imageaudit.core.internal.Walker;
import dev.imageaudit.core.internal.WalkItem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Audits disk images: one file synchronously with {@link #auditFile(Path)}, or whole stores as a
 * stream with {@link #scan} and as a sorted report with {@link #report}.
 *
 * <p>Every path a scan meets yields exactly one {@link AuditEntry}; a failure is an entry, never an
 * error signal, so one unreadable file never ends a run. Files are opened read-only and read within
 * fixed caps; paths named inside images (backing files, composite components) are never opened.
 */
public final class ImageAudit {

  /** Report order: by path, then by a descriptor's target. */
  public static final Comparator<AuditEntry> BY_PATH =
      Comparator.comparing(AuditEntry::path)
          .thenComparing(e -> e.target() == null ? "" : e.target());

  private static final String VERSION = loadVersion();

  private ImageAudit() {}

  /** Returns image-audit's version, for example {@code 0.1.0}. */
  public static String version() {
    return VERSION;
  }

  /**
   * Audits one file, block device or followed link on the calling thread, without Reactor.
   * Directories are not walked: a directory yields an {@code io-error} entry.
   */
  public static AuditEntry auditFile(Path path) {
    WalkItem item = Walker.classifyFile(path);
    if (item instanceof WalkItem.Open open) {
      return Auditor.audit(open);
    }
    return ((WalkItem.Done) item).entry();
  }

  /**
   * Returns the entries of an audit of {@code inputs} as they are ready, in no set order.
   *
   * <p>The walk runs on one thread of its own; files are opened and read on a bounded pool of
   * {@link ScanOptions#ioThreads()} threads, that many at once. Both are disposed when the flux
   * terminates or is cancelled. The flux never signals an error for a path: failures are {@link
   * AuditEntry.Failed} entries.
   */
  public static Flux<AuditEntry> scan(List<AuditInput> inputs, ScanOptions options) {
    return scan(inputs, options, config -> {});
  }

  private static Flux<AuditEntry> scan(
      List<AuditInput> inputs, ScanOptions options, Consumer<LoadedConfig> configSink) {
    List<AuditInput> copy = List.copyOf(inputs);
    return Flux.using(
        () -> new Pools(options.ioThreads()),
        pools ->
            Walker.walk(copy, options.followLinks(), configSink)
                .subscribeOn(pools.walk)
                .flatMap(item -> audit(item, pools.io, options.observer()), options.ioThreads()),
        Pools::dispose);
  }

  /**
   * Returns the report of an audit of {@code inputs}: every entry, sorted by {@link #BY_PATH},
   * with its summary, the judgement of each {@link AuditInput.VmConfig} (in the inputs' order), and
   * the run's start and end as {@link ScanOptions#clock()} tells them.
   */
  public static Mono<AuditReport> report(List<AuditInput> inputs, ScanOptions options) {
    List<String> names = inputs.stream().map(AuditInput::describe).toList();
    return Mono.defer(
        () -> {
          Instant startedAt = options.clock().instant();
          // Filled on the walk's thread; complete before the scan completes, so before the map below.
          List<LoadedConfig> configs = Collections.synchronizedList(new ArrayList<>());
          return scan(inputs, options, configs::add)
              .collectSortedList(BY_PATH)
              .map(
                  entries ->
                      new AuditReport(
                          VERSION,
                          startedAt,
                          options.clock().instant(),
                          names,
                          entries,
                          AuditSummary.of(entries),
                          judge(configs, entries)));
        });
  }

  private static List<VmConfigAudit> judge(List<LoadedConfig> configs, List<AuditEntry> entries) {
    Map<String, AuditEntry> byPath = new HashMap<>();
    for (AuditEntry entry : entries) {
      byPath.putIfAbsent(entry.path(), entry);
    }
    synchronized (configs) {
      return configs.stream().map(config -> VmConfigRules.judge(config, byPath)).toList();
    }
  }

  private static Mono<AuditEntry> audit(WalkItem item, Scheduler io, AuditObserver observer) {
    if (item instanceof WalkItem.Done done) {
      notify(observer, done.entry(), 0);
      return Mono.just(done.entry());
    }
    WalkItem.Open open = (WalkItem.Open) item;
    return Mono.fromCallable(
            () -> {
              long start = System.nanoTime();
              AuditEntry entry = Auditor.audit(open);
              long nanos = System.nanoTime() - start;
              notify(observer, entry, nanos);
              return entry;
            })
        .subscribeOn(io);
  }

  /** Tells the observer; an observer's defect must not replace or lose the entry it was told of. */
  private static void notify(AuditObserver observer, AuditEntry entry, long nanos) {
    try {
      observer.onEntry(entry, nanos);
    } catch (RuntimeException e) {
      java.util.logging.Logger.getLogger(ImageAudit.class.getName())
          .log(java.util.logging.Level.WARNING, "audit observer failed on " + entry.path(), e);
    }
  }

  /** The two thread pools of one scan; daemon threads, so a forgotten scan never holds the JVM. */
  private static final class Pools {
    final Scheduler walk = Schedulers.newSingle("image-audit-walk", true);
    final Scheduler io;

    Pools(int ioThreads) {
      io = Schedulers.newBoundedElastic(ioThreads, Integer.MAX_VALUE, "image-audit-io", 60, true);
    }

    void dispose() {
      walk.dispose();
      io.dispose();
    }
  }

  private static String loadVersion() {
    try (InputStream in = ImageAudit.class.getResourceAsStream("/image-audit.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
