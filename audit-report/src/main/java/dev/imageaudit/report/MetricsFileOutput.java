package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The metrics alone, in a file of the caller's choosing (node_exporter's textfile folder): staged
 * under a temporary name beside it at the start (so a folder that cannot be written fails the run
 * before the audit, not after), written and synced at the end, and renamed over the target only
 * when the {@link ReportSet} commits, right after its folder swap. A run that is not committed
 * leaves the previous file as it was.
 */
final class MetricsFileOutput implements Output {

  private final Path target;
  private final AuditMetrics metrics;
  private final StagedFile file;
  private boolean renamed;

  MetricsFileOutput(Path target, AuditMetrics metrics) throws IOException {
    this.target = target;
    this.metrics = metrics;
    this.file = StagedFile.open(AtomicFiles.createTemp(target));
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    // Counted by the set's metrics output.
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    PrometheusText.write(metrics.registry(), file.out());
    file.finish();
  }

  /** Renames the finished file over the target and syncs its folder. */
  void commit() throws IOException {
    Files.move(file.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    renamed = true;
    OutputFolder.syncFolder(target.toAbsolutePath().getParent());
  }

  /** Closes the file and deletes the temporary one unless it was renamed; idempotent. */
  @Override
  public void close() throws IOException {
    file.close();
    if (!renamed) {
      Files.deleteIfExists(file.path());
    }
  }
}
