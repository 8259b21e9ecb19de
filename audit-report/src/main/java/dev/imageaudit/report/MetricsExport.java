package dev.imageaudit.report;

import java.nio.file.Path;

/**
 * Where a {@link ReportSet} sends the run's metrics besides its own metrics.prom.
 *
 * @param file a file to hold the metrics alone (node_exporter's textfile folder), replaced
 *     atomically when the set commits; null for none
 * @param pushgateway a Pushgateway to push them to at the end of the run, complete or not; null for none
 */
public record MetricsExport(Path file, Pushgateway pushgateway) {

  /** Nothing besides metrics.prom. */
  public static final MetricsExport NONE = new MetricsExport(null, null);
}
