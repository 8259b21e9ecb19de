package dev.imageaudit.report;

import java.util.Objects;

/**
 * How a run's push to a Pushgateway went, as report.json's {@code push} object says it.
 *
 * @param url where the metrics were put (never with credentials: they come from the environment)
 * @param status the HTTP status the Pushgateway answered, or 0 if there was no answer
 * @param error why the push failed, or null if it succeeded
 */
public record MetricsPush(String url, int status, String error) {

  /** Checks that there is a url. */
  public MetricsPush {
    Objects.requireNonNull(url, "url");
  }

  /** Returns true if the Pushgateway took the metrics (a 2xx answer). */
  public boolean ok() {
    return error == null;
  }
}
