package dev.imageaudit.report;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The Prometheus text exposition format 0.0.4, as node_exporter's textfile collector reads it.
 * Not OpenMetrics: that collector rejects OpenMetrics' {@code # EOF} line.
 */
final class PrometheusText {

  /** The content type that selects format 0.0.4 among the registry's writers. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  /** Writes every meter of {@code registry} to {@code out} in format 0.0.4 (UTF-8). */
  static void write(PrometheusMeterRegistry registry, OutputStream out) throws IOException {
    registry.scrape(out, CONTENT_TYPE);
  }

  /** Returns every meter of {@code registry} in format 0.0.4. */
  static String text(PrometheusMeterRegistry registry) {
    return registry.scrape(CONTENT_TYPE);
  }
}
