package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.AuditReport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The audit's Micrometer meters: fed entry by entry as an {@link AuditObserver} during a scan, and
 * once with {@link #recordRun} at the end. No meter is tagged with a path.
 */
public final class AuditMetrics implements AuditObserver {

  /** Returns metrics kept in a new Prometheus registry. */
  public static AuditMetrics create() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void onEntry(AuditEntry entry, long nanos) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Records the finished run: last-run timestamp, duration and completeness. */
  public void recordRun(AuditReport report) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Returns the registry the meters live in. */
  public PrometheusMeterRegistry registry() {
    throw new UnsupportedOperationException("TODO");
  }
}
