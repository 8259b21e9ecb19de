package dev.imageaudit.cli;

import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.report.AuditMetrics;
import dev.imageaudit.report.MetricsExport;
import dev.imageaudit.report.MetricsPush;
import dev.imageaudit.report.Pushgateway;
import dev.imageaudit.report.ReportSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The scan's metrics options: labels on every series, a metrics file of their own, and a push to a
 * Pushgateway with its credentials from the environment (never from the command line, which {@code
 * ps} shows to every user).
 */
final class MetricsOptions {

  /** A bearer token for the Pushgateway. */
  static final String TOKEN_ENV = "IMAGE_AUDIT_PUSH_TOKEN";
  /** A user name for HTTP basic authentication at the Pushgateway (with {@link #PASSWORD_ENV}). */
  static final String USER_ENV = "IMAGE_AUDIT_PUSH_USER";
  /** The password for {@link #USER_ENV}. */
  static final String PASSWORD_ENV = "IMAGE_AUDIT_PUSH_PASSWORD";

  @Option(
      names = "--metrics-label",
      paramLabel = "KEY=VALUE",
      description =
          "A label on every metric, e.g. store=prod-images, so runs over different stores stay apart."
              + " Repeatable.")
  private List<String> labels = new ArrayList<>();

  @Option(
      names = "--metrics-file",
      paramLabel = "FILE",
      description =
          "Also write the metrics alone to FILE (e.g. node_exporter's textfile folder), replaced"
              + " atomically with the reports; outside the output folder.")
  private String metricsFile;

  @Option(
      names = "--push-gateway",
      paramLabel = "URL",
      description =
          "Push the metrics to this Prometheus Pushgateway at the end of every run (PUT: the group's"
              + " series are replaced). Credentials from the environment: "
              + TOKEN_ENV
              + " (bearer), or "
              + USER_ENV
              + " and "
              + PASSWORD_ENV
              + " (basic). A failed push exits 3 unless --push-optional.")
  private String pushGateway;

  @Option(
      names = "--push-job",
      paramLabel = "JOB",
      description = "The Pushgateway job (default: image-audit).")
  private String pushJob;

  @Option(
      names = "--push-grouping",
      paramLabel = "KEY=VALUE",
      description =
          "A grouping label of the pushed group, repeatable (default: the --metrics-label pairs).")
  private List<String> pushGrouping = new ArrayList<>();

  @Option(
      names = "--push-ca-cert",
      paramLabel = "PEM",
      description = "Trust only the CA certificates in this PEM file for an https Pushgateway.")
  private String pushCaCert;

  @Option(
      names = "--push-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long connecting and the push may each take (default: ${DEFAULT-VALUE}).")
  private Duration pushTimeout;

  @Option(
      names = "--push-optional",
      description = "A failed push is reported but does not change the exit code.")
  private boolean pushOptional;

  private Map<String, String> parsedLabels;

  /**
   * Returns the run's metrics: the labels given, this build's version and commit, and the last
   * success found in the previous metrics (the output folder's metrics.prom or the metrics file).
   */
  AuditMetrics metrics(CommandLine commandLine, Path outputDir) {
    AuditMetrics.Builder builder =
        AuditMetrics.builder().buildInfo(ImageAudit.version(), BuildInfo.load().commit());
    for (Map.Entry<String, String> label : labels(commandLine).entrySet()) {
      try {
        builder.label(label.getKey(), label.getValue());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(commandLine, "--metrics-label: " + Terminal.safe(e.getMessage()));
      }
    }
    OptionalDouble previous = AuditMetrics.lastSuccessIn(outputDir.resolve(ReportSet.METRICS));
    Path file = metricsFile(commandLine, outputDir);
    if (file != null) {
      previous = max(previous, AuditMetrics.lastSuccessIn(file));
    }
    return builder.previousSuccess(previous).build();
  }

  /**
   * Returns where the metrics go besides metrics.prom.
   *
   * @throws ParameterException for a bad URL, grouping label or credentials in the environment
   * @throws IOException if the CA certificate file cannot be read
   */
  MetricsExport export(CommandLine commandLine, Path outputDir, Map<String, String> env) throws IOException {
    Path file = metricsFile(commandLine, outputDir);
    if (pushGateway == null) {
      if (pushJob != null || !pushGrouping.isEmpty() || pushCaCert != null || pushOptional) {
        throw new ParameterException(commandLine, "--push-job, --push-grouping, --push-ca-cert and --push-optional need --push-gateway");
      }
      return new MetricsExport(file, null);
    }
    Pushgateway.Builder push;
    try {
      push = Pushgateway.builder(pushGateway).timeout(pushTimeout);
      if (pushJob != null) {
        push.job(pushJob);
      }
      Map<String, String> grouping = pushGrouping.isEmpty() ? labels(commandLine) : pairs(commandLine, "--push-grouping", pushGrouping);
      for (Map.Entry<String, String> g : grouping.entrySet()) {
        String label = labels(commandLine).get(g.getKey());
        if (label != null && !label.equals(g.getValue())) {
          throw new ParameterException(
              commandLine,
              "--push-grouping " + Terminal.safe(g.getKey()) + " differs from --metrics-label " + Terminal.safe(g.getKey())
                  + ": the Pushgateway refuses such a push");
        }
        push.grouping(g.getKey(), g.getValue());
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine, "--push-gateway: " + Terminal.safe(e.getMessage()));
    }
    String token = env.get(TOKEN_ENV);
    String user = env.get(USER_ENV);
    String password = env.get(PASSWORD_ENV);
    if (token != null && user != null) {
      throw new ParameterException(commandLine, TOKEN_ENV + " and " + USER_ENV + " are both set: keep one");
    }
    if ((user == null) != (password == null)) {
      throw new ParameterException(commandLine, USER_ENV + " and " + PASSWORD_ENV + " go together");
    }
    if (token != null) {
      push.bearerToken(token);
    } else if (user != null) {
      push.basicAuth(user, password);
    }
    if (pushCaCert != null) {
      push.caCert(path(commandLine, "--push-ca-cert", pushCaCert));
    }
    return new MetricsExport(file, push.build());
  }

  /**
   * Tells of a failed push on {@code err} in one line and returns the exit code it makes: {@code
   * exitCode}, raised to {@link ExitCodes#INCOMPLETE} unless --push-optional.
   */
  int afterPush(MetricsPush push, int exitCode, PrintWriter err) {
    if (push == null || push.ok()) {
      return exitCode;
    }
    err.println(
        "image-audit: push to "
            + Terminal.safe(push.url())
            + " failed: "
            + Terminal.safe(push.error())
            + (pushOptional ? " (--push-optional: the exit code is unchanged)" : ""));
    err.flush();
    return pushOptional ? exitCode : Math.max(exitCode, ExitCodes.INCOMPLETE);
  }

  /** After the summary: where else the metrics went (the metrics file, the Pushgateway that took them). */
  void printWhere(PrintWriter out, MetricsExport export, MetricsPush push) {
    if (export.file() != null) {
      out.printf("Metrics also in %s%n", Terminal.safe(export.file().toString()));
    }
    if (push != null && push.ok()) {
      out.printf("Metrics pushed to %s%n", Terminal.safe(push.url()));
    }
    out.flush();
  }

  private Map<String, String> labels(CommandLine commandLine) {
    if (parsedLabels == null) {
      parsedLabels = pairs(commandLine, "--metrics-label", labels);
    }
    return parsedLabels;
  }

  private Path metricsFile(CommandLine commandLine, Path outputDir) {
    if (metricsFile == null) {
      return null;
    }
    Path file = path(commandLine, "--metrics-file", metricsFile);
    Path absolute = file.toAbsolutePath().normalize();
    if (absolute.startsWith(outputDir.toAbsolutePath().normalize())) {
      throw new ParameterException(
          commandLine, "--metrics-file must be outside the output folder, which each run replaces whole");
    }
    if (file.getFileName() == null) {
      throw new ParameterException(commandLine, "--metrics-file names no file");
    }
    return file;
  }

  private static Path path(CommandLine commandLine, String option, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ParameterException(commandLine, "invalid " + option + " '" + Terminal.safe(value) + "': " + e.getReason());
    }
  }

  private static Map<String, String> pairs(CommandLine commandLine, String option, List<String> given) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : given) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(commandLine, option + " takes KEY=VALUE, not '" + Terminal.safe(pair) + "'");
      }
      if (pairs.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
        throw new ParameterException(commandLine, option + " " + Terminal.safe(pair.substring(0, eq)) + " given twice");
      }
    }
    return pairs;
  }

  private static OptionalDouble max(OptionalDouble a, OptionalDouble b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return OptionalDouble.of(Math.max(a.getAsDouble(), b.getAsDouble()));
  }
}
