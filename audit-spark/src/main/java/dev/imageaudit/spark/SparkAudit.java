package dev.imageaudit.spark;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.audit.OrderedAudit;
import dev.imageaudit.core.internal.source.WalkItem;
import dev.imageaudit.core.internal.source.Walker;
import dev.imageaudit.report.JsonLinesDecoder;
import dev.imageaudit.report.JsonLinesEncoder;
import dev.imageaudit.report.Policy;
import dev.imageaudit.report.PolicyGate;
import dev.imageaudit.report.ReportReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.TaskCompletionListener;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import scala.Tuple2;

/**
 * The audit as a Spark job: lists the inputs in parallel, audits every path on the executors with
 * audit-core (the same walk, rules, caps, timeouts and error entries as {@code image-audit scan}),
 * and writes {@code part-NNNNN.jsonl} files in report.jsonl's exact entry format plus {@code
 * _SUMMARY.json} (report.jsonl's summary record) into any Hadoop file system URI. {@code
 * image-audit report DIR} renders them as scan would.
 *
 * <p>How it runs:
 *
 * <ol>
 *   <li>Listing. The driver walks each input to {@code --list-depth} levels (default 1: an input
 *       folder and its sub-folders); every folder deeper is a subtree, walked as a task of its own,
 *       in parallel. Each subtree's items are spliced back where it stood, so the driver holds the
 *       whole walk, in walk order, as small units (a few hundred bytes a path).
 *   <li>Auditing. The walk is cut into {@code --partitions} contiguous slices of equal path count
 *       (default: three per core of the cluster, and at most 50,000 paths a slice). Partition {@code
 *       i} audits its slice in order, {@code --io-threads} files at a time, and writes {@code
 *       part-i}: reading the parts in their numbers' order gives the whole walk in walk order.
 *   <li>Commit. Parts are written through Hadoop's {@code FileOutputCommitter}, algorithm 1: each
 *       task attempt writes into a folder of its own under {@code _temporary}; Spark's commit
 *       coordinator lets exactly one attempt per partition commit (rename its folder); the job
 *       commit moves the committed folders' files into the output and writes {@code _SUCCESS}. A
 *       failed, retried or speculative attempt is never committed, so no entry is written twice and
 *       none is lost. The driver then adds up the partitions' counts into {@code _SUMMARY.json},
 *       written last: a folder without it is a job that did not finish.
 * </ol>
 *
 * <p>Paths are opened on the executors, resolved from the driver's working directory (the report
 * names them as given): on a cluster, every host must mount the store at the same place. Links are
 * not followed (as scan's default).
 */
public final class SparkAudit {

  /** Most paths per partition when {@code --partitions} is not given. */
  static final int MAX_PATHS_PER_PARTITION = 50_000;

  private SparkAudit() {}

  /** The job's options, as parsed from its command line. */
  record Options(
      String output,
      String master,
      List<String> inputs,
      boolean nulSeparated,
      int partitions,
      int listDepth,
      int ioThreads,
      Duration fileTimeout)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * What a finished job wrote, and how long its phases took.
   *
   * @param partitions parts written
   * @param summary counts over every entry
   * @param listing time to list the inputs (driver and subtree tasks)
   * @param auditing time to audit, write and commit the parts and write _SUMMARY.json
   */
  record Result(int partitions, AuditSummary summary, Duration listing, Duration auditing) {}

  /** A command line that is wrong; its message says how. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static final String USAGE =
      "usage: SparkAudit --output URI [--master M] [--partitions N] [--list-depth N] [--io-threads N]"
          + " [--file-timeout SECONDS] [--null] PATH...\n"
          + "  PATH     a folder or file to audit, or @FILE: a list of paths, one per line (NUL-separated with"
          + " --null); FILE may be any Hadoop URI\n"
          + "  --output the folder (any Hadoop URI) for part-NNNNN.jsonl and _SUMMARY.json; must not exist\n"
          + "  --master Spark's master (default: as spark-submit set it, else local[*])\n"
          + "Render the results with: image-audit report -o DIR OUTPUT";

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs the job the command line describes and returns the exit code: 0 done, 2 usage, 4 failed. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      err.println("image-audit-spark: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    SparkConf conf = new SparkConf().setAppName("image-audit");
    if (options.master() != null) {
      conf.setMaster(options.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      spark.setLogLevel("WARN");
      Result result = run(spark, options);
      AuditSummary s = result.summary();
      out.printf(
          "image-audit-spark: %d entries (%d flagged, %d skipped, %d errors) in %d parts in %s"
              + " (listed in %.1f s, audited in %.1f s)%n"
              + "render them with: image-audit report -o DIR %s%n",
          s.files(), s.flagged(), s.skipped(), s.errors(), result.partitions(), options.output(),
          result.listing().toMillis() / 1000.0, result.auditing().toMillis() / 1000.0, options.output());
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("image-audit-spark: failed: " + e);
      return 4;
    }
  }

  static Options parse(String[] args) throws UsageException {
    String output = null;
    String master = null;
    List<String> inputs = new ArrayList<>();
    boolean nul = false;
    int partitions = 0;
    int listDepth = 1;
    int ioThreads = 4;
    Duration timeout = ScanOptions.DEFAULT_FILE_TIMEOUT;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--output", "-o" -> output = value(args, ++i, a);
        case "--master" -> master = value(args, ++i, a);
        case "--partitions" -> partitions = positive(value(args, ++i, a), a);
        case "--list-depth" -> listDepth = positive(value(args, ++i, a), a);
        case "--io-threads" -> ioThreads = positive(value(args, ++i, a), a);
        case "--file-timeout" -> timeout = Duration.ofSeconds(positive(value(args, ++i, a), a));
        case "--null", "-0" -> nul = true;
        case "--" -> {
          for (i++; i < args.length; i++) {
            inputs.add(args[i]);
          }
        }
        default -> {
          if (a.startsWith("-") && a.length() > 1) {
            throw new UsageException("unknown option " + a);
          }
          inputs.add(a);
        }
      }
    }
    if (output == null) {
      throw new UsageException("--output is required");
    }
    if (inputs.isEmpty()) {
      throw new UsageException("no PATH given");
    }
    return new Options(output, master, inputs, nul, partitions, listDepth, ioThreads, timeout);
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String value, String option) throws UsageException {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new UsageException(option + " takes a whole number of at least 1, not '" + value + "'");
  }

  /** Runs the job on {@code spark}: lists, audits, commits, writes _SUMMARY.json. */
  static Result run(JavaSparkContext spark, Options options) throws IOException {
    Instant started = Instant.now();
    Configuration hadoop = new Configuration(spark.hadoopConfiguration());
    Path output = new Path(options.output());
    FileSystem outFs = output.getFileSystem(hadoop);
    if (outFs.exists(output)) {
      throw new IOException(options.output() + " exists: the job writes a new folder (remove it, or name another)");
    }

    long t0 = System.nanoTime();
    List<Unit> units = list(spark, options, hadoop);
    long t1 = System.nanoTime();
    int partitions = partitions(spark, options, units.size());

    hadoop.set("mapreduce.fileoutputcommitter.algorithm.version", "1");
    hadoop.set("mapreduce.output.fileoutputformat.outputdir", output.toString());
    hadoop.set(PartOutputFormat.STARTED_AT, started.toString());
    int ioThreads = options.ioThreads();
    Duration timeout = options.fileTimeout();
    JavaRDD<Unit> slices = spark.parallelize(units, partitions);
    slices
        .mapPartitions(slice -> audit(slice, ioThreads, timeout))
        .mapToPair(entry -> new Tuple2<>(NullWritable.get(), entry))
        .saveAsNewAPIHadoopFile(output.toString(), NullWritable.class, AuditEntry.class, PartOutputFormat.class, hadoop);

    AuditSummary summary = collectSummary(outFs, output, partitions);
    List<String> inputs = new ArrayList<>(options.inputs());
    RunStart start = new RunStart(ImageAudit.version(), started, inputs);
    RunEnd end = new RunEnd(Instant.now(), summary, List.of(), null);
    Path temp = new Path(output, "." + ReportReader.SUMMARY + ".tmp");
    try (FSDataOutputStream s = outFs.create(temp, true);
        JsonLinesEncoder encoder = JsonLinesEncoder.to(s, judgedParts(outFs, output, partitions))) {
      encoder.summary(start, end);
    }
    if (!outFs.rename(temp, new Path(output, ReportReader.SUMMARY))) {
      throw new IOException("cannot rename " + temp + " to " + ReportReader.SUMMARY);
    }
    return new Result(partitions, summary, Duration.ofNanos(t1 - t0), Duration.ofNanos(System.nanoTime() - t1));
  }

  /** Returns the number of partitions: as given, else 3 per core and at most 50,000 paths each. */
  static int partitions(JavaSparkContext spark, Options options, int paths) {
    if (options.partitions() > 0) {
      return options.partitions();
    }
    int byCores = 3 * spark.defaultParallelism();
    int bySize = (int) Math.ceil(paths / (double) MAX_PATHS_PER_PARTITION);
    return Math.max(1, Math.min(Math.max(byCores, bySize), Math.max(paths, 1)));
  }

  /** The whole walk, in walk order: the first levels here, deeper subtrees as tasks. */
  static List<Unit> list(JavaSparkContext spark, Options options, Configuration hadoop) throws IOException {
    List<AuditInput> inputs = new ArrayList<>();
    List<InputStream> lists = new ArrayList<>();
    try {
      for (String input : options.inputs()) {
        if (input.startsWith("@")) {
          Path list = new Path(input.substring(1));
          InputStream in = list.getFileSystem(hadoop).open(list);
          lists.add(in);
          inputs.add(new AuditInput.PathList(input, in, options.nulSeparated()));
        } else {
          inputs.add(new AuditInput.PathInput(java.nio.file.Path.of(input)));
        }
      }
      // Object: a unit, or a subtree whose units replace it once listed.
      List<Object> walk = new ArrayList<>();
      List<Walker.Subtree> subtrees = new ArrayList<>();
      Walker.splitWalk(
          inputs,
          options.listDepth(),
          item -> walk.add(Unit.of(item)),
          subtree -> {
            walk.add(subtree);
            subtrees.add(subtree);
          });
      if (subtrees.isEmpty()) {
        List<Unit> units = new ArrayList<>(walk.size());
        walk.forEach(u -> units.add((Unit) u));
        return units;
      }
      int slices = Math.min(subtrees.size(), 4 * spark.defaultParallelism());
      List<List<Unit>> listed =
          spark.parallelize(subtrees, slices).map(SparkAudit::listSubtree).collect();
      List<Unit> units = new ArrayList<>();
      Iterator<List<Unit>> next = listed.iterator();
      for (Object u : walk) {
        if (u instanceof Walker.Subtree) {
          units.addAll(next.next());
        } else {
          units.add((Unit) u);
        }
      }
      return units;
    } finally {
      for (InputStream in : lists) {
        in.close();
      }
    }
  }

  private static List<Unit> listSubtree(Walker.Subtree subtree) {
    List<Unit> units = new ArrayList<>();
    for (WalkItem item : Walker.walkSubtree(subtree).toIterable(256)) {
      units.add(Unit.of(item));
    }
    return units;
  }

  /** Audits one slice in order, as scan does: files in batches on I/O threads, each with the timeout. */
  private static Iterator<AuditEntry> audit(Iterator<Unit> slice, int ioThreads, Duration timeout) {
    Scheduler io = Schedulers.newBoundedElastic(3 * ioThreads, Integer.MAX_VALUE, "image-audit-io", 60, true);
    TaskContext task = TaskContext.get();
    if (task != null) {
      // A failed or killed attempt stops reading its slice, so its I/O threads go too.
      task.addTaskCompletionListener((TaskCompletionListener) context -> io.dispose());
    }
    Flux<WalkItem> items = Flux.fromIterable(() -> slice).map(Unit::item);
    Iterator<AuditEntry> entries =
        new OrderedAudit(io, Schedulers.parallel(), timeout, AuditObserver.NONE, ioThreads, ioThreads)
            .entries(items)
            .doFinally(signal -> io.dispose())
            .toIterable(256)
            .iterator();
    return entries;
  }

  /**
   * Returns a policy gate that has judged every committed part's entries, read back one line at a
   * time, so that {@code _SUMMARY.json}'s verdict is the one {@code image-audit report} gives under
   * the default policy. The driver streams the parts (constant memory); a policy file applies when
   * {@code image-audit report} renders them.
   */
  private static PolicyGate judgedParts(FileSystem fs, Path output, int partitions) throws IOException {
    PolicyGate gate = PolicyGate.of(Policy.DEFAULT, Clock.systemUTC());
    for (int p = 0; p < partitions; p++) {
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(fs.open(new Path(output, PartOutputFormat.partName(p))), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          gate.judge(JsonLinesDecoder.decodeEntry(line));
        }
      }
    }
    return gate;
  }

  /** Adds up the committed partitions' counts, and checks that every partition was committed once. */
  static AuditSummary collectSummary(FileSystem fs, Path output, int partitions) throws IOException {
    long files = 0;
    long flagged = 0;
    long errors = 0;
    long skipped = 0;
    Map<String, Long> byFormat = new TreeMap<>();
    Map<Verdict.Decision, Long> partition = new EnumMap<>(Verdict.Decision.class);
    Map<Verdict.Decision, Long> disk = new EnumMap<>(Verdict.Decision.class);
    Map<String, Long> errorsByKind = new TreeMap<>();
    Map<String, Long> skippedByReason = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      Path tally = new Path(output, PartOutputFormat.tallyName(p));
      if (!fs.exists(new Path(output, PartOutputFormat.partName(p))) || !fs.exists(tally)) {
        throw new IOException("partition " + p + " was not committed");
      }
      byte[] bytes;
      try (InputStream in = fs.open(tally)) {
        bytes = in.readAllBytes();
      }
      AuditSummary s = ((JsonLinesDecoder.SummaryLine) JsonLinesDecoder.decode(bytes, 0, bytes.length)).end().summary();
      files += s.files();
      flagged += s.flagged();
      errors += s.errors();
      skipped += s.skipped();
      s.byFormat().forEach((k, v) -> byFormat.merge(k, v, Long::sum));
      s.partition().forEach((k, v) -> partition.merge(k, v, Long::sum));
      s.disk().forEach((k, v) -> disk.merge(k, v, Long::sum));
      s.errorsByKind().forEach((k, v) -> errorsByKind.merge(k, v, Long::sum));
      s.skippedByReason().forEach((k, v) -> skippedByReason.merge(k, v, Long::sum));
      fs.delete(tally, false);
    }
    FileStatus[] extra = fs.globStatus(new Path(output, "part-*"));
    if (extra != null && extra.length != partitions) {
      throw new IOException(extra.length + " part files for " + partitions + " partitions");
    }
    return new AuditSummary(files, byFormat, partition, disk, flagged, errors, errorsByKind, skipped, skippedByReason);
  }
}
