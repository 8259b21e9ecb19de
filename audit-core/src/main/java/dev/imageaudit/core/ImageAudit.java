package dev.imageaudit.core;

import com.sun.jna.Platform;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.audit.OrderedAudit;
import dev.imageaudit.core.internal.avf.VmConfigRules;
import dev.imageaudit.core.internal.source.LinuxFiles;
import dev.imageaudit.core.internal.source.LoadedConfig;
import dev.imageaudit.core.internal.source.WalkItem;
import dev.imageaudit.core.internal.source.Walker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Audits disk images: one file synchronously with {@link #auditFile(Path)}, or whole stores as a
 * stream in walk order with {@link #scan}, into a streaming {@link RunSink} with {@link #run}, or as
 * an in-memory report with {@link #report}.
 *
 * <p>Every path a scan meets yields exactly one {@link AuditEntry}; a failure is an entry, never an
 * error signal, so one unreadable file never ends a run. Files are opened read-only and read within
 * fixed caps; paths named inside images (backing files, composite components) are never opened.
 */
public final class ImageAudit {

  private static final String VERSION = loadVersion();

  private ImageAudit() {}

  /** Returns image-audit's version, for example {@code 0.1.0}. */
  public static String version() {
    return VERSION;
  }

  /**
   * Returns how this process reads files: {@code native (JNA, <platform>)} when it opens and reads
   * them with Linux system calls (one {@code statx}, one {@code pread} per small file), else {@code
   * Java NIO} and why the native calls could not be loaded. The answers are the same either way; the
   * native reads are faster and never block on a FIFO swapped in for a file.
   */
  public static String fileReads() {
    return LinuxFiles.AVAILABLE
        ? "native (JNA, " + Platform.RESOURCE_PREFIX + ")"
        : "Java NIO (native reads unavailable: " + LinuxFiles.UNAVAILABLE_BECAUSE + ")";
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
   * Returns the entries of an audit of {@code inputs} in walk order, each as soon as it and every
   * entry before it are ready.
   *
   * <p>Walk order: inputs in the order given (VM configs first), each directory's entries sorted by
   * the bytes of their names, a directory's whole subtree before its next sibling. This differs from
   * a plain string sort of whole paths: {@code a/z} comes before {@code a-b}, because the walk meets
   * {@code a} before {@code a-b} and finishes it first. The order is the same whatever the number
   * of threads.
   *
   * <p>The walk runs on one thread of its own; files are opened and read on {@link
   * ScanOptions#ioThreads()} threads, in batches. Both are disposed when the flux terminates or is
   * cancelled. The flux never signals an error for a path: failures are {@link AuditEntry.Failed}
   * entries; it signals an error only for a fatal fault (an {@link Error}).
   */
  public static Flux<AuditEntry> scan(List<AuditInput> inputs, ScanOptions options) {
    return scan(inputs, options, config -> {}, new AtomicBoolean(), Function.identity());
  }

  /** As {@link #scan(List, ScanOptions)}, each entry made ready by {@code ready} on the thread that audited it. */
  private static <T> Flux<T> scan(
      List<AuditInput> inputs,
      ScanOptions options,
      Consumer<LoadedConfig> configSink,
      AtomicBoolean cutShort,
      Function<? super AuditEntry, ? extends T> ready) {
    List<AuditInput> copy = List.copyOf(inputs);
    return Flux.using(
        () -> new Pools(options.ioThreads()),
        pools ->
            new OrderedAudit(
                    pools.io,
                    Schedulers.parallel(),
                    options.fileTimeout(),
                    options.observer(),
                    options.ioThreads(),
                    Pools.maxStuck(options.ioThreads()),
                    options.headSha256For().isEmpty() ? Auditor::audit : open -> Auditor.audit(open, options.headSha256For()))
                .entries(
                    Walker.walk(copy, options.followLinks(), configSink, options.stop(), cutShort)
                        .subscribeOn(pools.walk)
                        // A walk blocked in a directory read or a path list must not hold a stop up.
                        .takeUntilOther(
                            options.stop().whenStopped()
                                .doOnNext(why -> cutShort.set(true))
                                // Never finish the run on the caller of stop() (a signal handler).
                                .publishOn(pools.io)),
                    ready),
        Pools::dispose,
        // Not eager: the pools are disposed only after the terminal signal went downstream, since
        // disposing interrupts the thread that delivers it (a sink's last writes run there).
        false);
  }

  /**
   * Runs an audit of {@code inputs} into {@code sink}: {@link RunSink#begin}, every entry in walk
   * order (see {@link #scan}), then {@link RunSink#end} with the counts and the VM configs judged.
   * Nothing per entry is kept here but the entries of paths a VM config names, so a run of any size
   * takes constant memory beyond what the sink keeps.
   *
   * <p>The returned mono completes with the run's end once the sink was told of it, or signals the
   * exception of a sink (an output that cannot be written) or a fatal {@link Error}.
   */
  public static Mono<RunEnd> run(List<AuditInput> inputs, ScanOptions options, RunSink sink) {
    if (sink instanceof PreparingRunSink<?> preparing) {
      return runPrepared(inputs, options, preparing);
    }
    return runPrepared(inputs, options, unprepared(sink));
  }

  /** An entry and what its sink prepared of it on the thread that audited it. */
  private record Ready<P>(AuditEntry entry, P prepared) {}

  private static <P> Mono<RunEnd> runPrepared(List<AuditInput> inputs, ScanOptions options, PreparingRunSink<P> sink) {
    List<String> names = inputs.stream().map(AuditInput::describe).toList();
    return Mono.defer(
        () -> {
          RunStart start = new RunStart(VERSION, options.clock().instant(), names);
          uncheck(() -> sink.begin(start));
          // Filled on the walk's thread before any file a config names is yielded.
          List<LoadedConfig> configs = Collections.synchronizedList(new ArrayList<>());
          Set<String> named = ConcurrentHashMap.newKeySet();
          Map<String, AuditEntry> namedEntries = new HashMap<>();
          AuditSummary.Tally tally = new AuditSummary.Tally();
          AtomicBoolean cutShort = new AtomicBoolean();
          Consumer<LoadedConfig> configSink =
              config -> {
                configs.add(config);
                config.namedPaths().forEach(p -> named.add(p.display()));
              };
          return scan(inputs, options, configSink, cutShort, entry -> new Ready<>(entry, sink.prepare(entry)))
              .doOnNext(
                  ready -> {
                    AuditEntry entry = ready.entry();
                    tally.add(entry);
                    // Most runs name no config: no hash of every path then.
                    if (!named.isEmpty() && named.contains(entry.path())) {
                      namedEntries.putIfAbsent(entry.path(), entry);
                    }
                    // Not uncheck(() -> ...): a lambda capturing the entry, once per file.
                    try {
                      sink.entry(entry, ready.prepared());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .then(
                  Mono.fromCallable(
                      () -> {
                        RunEnd end =
                            new RunEnd(
                                options.clock().instant(),
                                tally.summary(),
                                judge(configs, namedEntries),
                                cutShort.get() ? options.stop().reason() : null);
                        sink.end(start, end);
                        return end;
                      }));
        });
  }

  /**
   * Returns the report of an audit of {@code inputs}: every entry in walk order (see {@link #scan}),
   * with its summary, the judgement of each {@link AuditInput.VmConfig} (in the inputs' order), and
   * the run's start and end as {@link ScanOptions#clock()} tells them. It holds every entry in
   * memory: for large stores use {@link #run} with a streaming sink.
   */
  public static Mono<AuditReport> report(List<AuditInput> inputs, ScanOptions options) {
    return Mono.defer(
        () -> {
          List<AuditEntry> entries = new ArrayList<>();
          RunStart[] started = new RunStart[1];
          RunSink collect =
              new RunSink() {
                @Override
                public void begin(RunStart start) {
                  started[0] = start;
                }

                @Override
                public void entry(AuditEntry entry) {
                  entries.add(entry);
                }

                @Override
                public void end(RunStart start, RunEnd end) {}
              };
          return run(inputs, options, collect)
              .map(
                  end ->
                      new AuditReport(
                          VERSION,
                          started[0].startedAt(),
                          end.finishedAt(),
                          started[0].inputs(),
                          entries,
                          end.summary(),
                          end.configs()));
        });
  }

  /** {@code sink} as a preparing sink that prepares nothing. */
  private static PreparingRunSink<Void> unprepared(RunSink sink) {
    return new PreparingRunSink<>() {
      @Override
      public Void prepare(AuditEntry entry) {
        return null;
      }

      @Override
      public void entry(AuditEntry entry, Void prepared) throws IOException {
        sink.entry(entry);
      }

      @Override
      public void begin(RunStart start) throws IOException {
        sink.begin(start);
      }

      @Override
      public void end(RunStart start, RunEnd end) throws IOException {
        sink.end(start, end);
      }
    };
  }

  private static List<VmConfigAudit> judge(List<LoadedConfig> configs, Map<String, AuditEntry> byPath) {
    synchronized (configs) {
      return configs.stream().map(config -> VmConfigRules.judge(config, byPath)).toList();
    }
  }

  /** An I/O step of a sink; its checked exception ends the run. */
  @FunctionalInterface
  private interface IoStep {
    void run() throws IOException;
  }

  private static void uncheck(IoStep step) {
    try {
      step.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The thread pools of one scan; daemon threads, so a forgotten scan never holds the JVM. The walk
   * reads directories, so it runs on a pool that allows blocking (a bounded elastic pool of one
   * thread), never on a non-blocking one.
   */
  private static final class Pools {
    final Scheduler walk = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "image-audit-walk", 60, true);
    final Scheduler io;

    Pools(int ioThreads) {
      io = Schedulers.newBoundedElastic(
          2 * ioThreads + maxStuck(ioThreads), Integer.MAX_VALUE, "image-audit-io", 60, true);
    }

    /** Threads that may be given up to reads that never return: as many as read at once. */
    static int maxStuck(int ioThreads) {
      return ioThreads;
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
