package dev.imageaudit.spark;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.report.JsonLinesEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * Writes one partition's entries as {@code part-NNNNN.jsonl} (NNNNN: the partition's number, five
 * digits or more), each entry's line exactly as report.jsonl has it, and beside it {@code
 * _part-NNNNN.summary.json}: the partition's counts as a summary record, which the driver adds up
 * into {@code _SUMMARY.json}.
 *
 * <p>Both files are written into the task attempt's own folder that {@link FileOutputCommitter}
 * gives ({@code _temporary/...}); the committer renames a task's folder into the output only when
 * Spark lets that attempt commit, one attempt per partition, so a failed, retried or speculative
 * attempt never leaves a line in the output.
 */
public final class PartOutputFormat extends FileOutputFormat<NullWritable, AuditEntry> {

  /** Hadoop configuration key: the partition whose first attempt fails after its first entry (tests only). */
  static final String FAIL_FIRST_ATTEMPT = "imageaudit.test.fail-first-attempt-of-partition";
  /** How many attempts failed on purpose through {@link #FAIL_FIRST_ATTEMPT} in this JVM (tests only). */
  static final java.util.concurrent.atomic.AtomicInteger DELIBERATE_FAILURES =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Hadoop configuration key: the run's start, ISO-8601, for each partition's summary record. */
  static final String STARTED_AT = "imageaudit.started-at";

  /** Returns the part file's name for partition {@code partition}. */
  static String partName(int partition) {
    return String.format("part-%05d.jsonl", partition);
  }

  /** Returns the partition summary's name for partition {@code partition}. */
  static String tallyName(int partition) {
    return String.format("_part-%05d.summary.json", partition);
  }

  @Override
  public RecordWriter<NullWritable, AuditEntry> getRecordWriter(TaskAttemptContext context) throws IOException {
    Path work = ((FileOutputCommitter) getOutputCommitter(context)).getWorkPath();
    int partition = context.getTaskAttemptID().getTaskID().getId();
    int attempt = context.getTaskAttemptID().getId();
    Configuration conf = context.getConfiguration();
    FileSystem fs = work.getFileSystem(conf);
    boolean failAfterFirst = conf.getInt(FAIL_FIRST_ATTEMPT, -1) == partition && attempt == 0;
    Instant started = Instant.parse(conf.get(STARTED_AT, Instant.EPOCH.toString()));
    FSDataOutputStream out = fs.create(new Path(work, partName(partition)), false);
    return new PartWriter(out, fs, new Path(work, tallyName(partition)), started, failAfterFirst);
  }

  private static final class PartWriter extends RecordWriter<NullWritable, AuditEntry> {
    private final OutputStream out;
    private final JsonLinesEncoder encoder;
    private final FileSystem fs;
    private final Path tally;
    private final Instant started;
    private final boolean failAfterFirst;
    private final AuditSummary.Tally counts = new AuditSummary.Tally();

    PartWriter(OutputStream out, FileSystem fs, Path tally, Instant started, boolean failAfterFirst) {
      this.out = out;
      this.encoder = JsonLinesEncoder.to(out);
      this.fs = fs;
      this.tally = tally;
      this.started = started;
      this.failAfterFirst = failAfterFirst;
    }

    @Override
    public void write(NullWritable key, AuditEntry entry) throws IOException {
      encoder.entry(entry);
      counts.add(entry);
      if (failAfterFirst) {
        encoder.flush();
        out.flush();
        DELIBERATE_FAILURES.incrementAndGet();
        throw new IOException("test: the first attempt of this partition fails after writing an entry");
      }
    }

    @Override
    public void close(TaskAttemptContext context) throws IOException {
      encoder.close();
      out.close();
      RunEnd end = new RunEnd(Instant.now(), counts.summary(), List.of(), null);
      try (FSDataOutputStream summary = fs.create(tally, false)) {
        summary.write(JsonLinesEncoder.encode(new RunStart(ImageAudit.version(), started, List.of()), end));
      }
    }
  }
}
