package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.io.IOException;
import java.nio.file.Path;

/** Counts each entry into the run's metrics, then writes metrics.prom once the run is recorded. */
final class MetricsOutput implements Output {

  private final StagedFile file; // null: counted, not written
  private final AuditMetrics metrics;
  private final Object run;

  /**
   * @param run what identifies the run to {@link AuditMetrics#recordRun}, so a run recorded
   *     already (an {@link dev.imageaudit.core.AuditReport}) counts its config findings once; null
   *     for the run's end
   */
  MetricsOutput(Path path, AuditMetrics metrics, Object run) throws IOException {
    this.metrics = metrics;
    this.run = run;
    // No path: metrics.prom was not asked for, but the caller's registry still counts the run.
    file = path == null ? null : StagedFile.create(path);
  }

  @Override
  public void begin(RunStart start) {}

  @Override
  public void entry(AuditEntry entry) {
    metrics.count(entry);
  }

  @Override
  public void end(RunStart start, RunEnd end, RunJudgement judgement) throws IOException {
    metrics.recordVerdict(judgement.verdict());
    end(start, end);
  }

  @Override
  public void end(RunStart start, RunEnd end) throws IOException {
    metrics.recordRun(run == null ? end : run, start, end);
    if (file != null) {
      PrometheusText.write(metrics.registry(), file.out());
      file.finish();
    }
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
