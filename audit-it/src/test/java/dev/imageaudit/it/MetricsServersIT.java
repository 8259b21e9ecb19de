package dev.imageaudit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The path metrics take in production, with Debian's servers: scans push to a real Pushgateway and
 * write a textfile that a real node_exporter reads; a real Prometheus scrapes both, loads the
 * example alert rules, and answers every dashboard and alert expression through its HTTP API.
 *
 * <p>The tests build on each other, in order: nothing pushed yet (the absent alert), a first store,
 * a second store, more rejected partitions, runs that do not complete, then the example files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsServersIT {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Path GRAFANA = Scan.repo().resolve("examples/grafana");
  static final Duration SCRAPED = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static Path textfiles;
  static Server pushgateway;
  static Server nodeExporter;
  static Server prometheus;
  /** A moment after Prometheus scraped both targets and before anything was pushed or written. */
  static double beforeAnyRun;

  @BeforeAll
  static void startServers() throws Exception {
    Server.require("/usr/bin/prometheus", "prometheus");
    Server.require("/usr/bin/prometheus-pushgateway", "prometheus-pushgateway");
    Server.require("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter");
    Server.require("/usr/bin/promtool", "prometheus");
    textfiles = Files.createDirectories(tmp.resolve("textfile"));
    pushgateway =
        Server.start("pushgateway", tmp, "/-/ready", "/usr/bin/prometheus-pushgateway",
            "--web.listen-address=127.0.0.1:PORT",
            // Debian's default keeps pushed groups in /var/lib/prometheus: a test keeps them only in memory.
            "--persistence.file=");
    nodeExporter =
        Server.start("node_exporter", tmp, "/metrics", "/usr/bin/prometheus-node-exporter",
            "--web.listen-address=127.0.0.1:PORT", "--collector.disable-defaults", "--collector.textfile",
            "--collector.textfile.directory=" + textfiles);
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + GRAFANA.resolve("alerts.yml"),
        "scrape_configs:",
        "  - job_name: pushgateway",
        "    honor_labels: true",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + pushgateway.port + "']",
        "  - job_name: node",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + nodeExporter.port + "']",
        ""));
    prometheus =
        Server.start("prometheus", tmp, "/-/ready", "/usr/bin/prometheus", "--config.file=" + config,
            "--storage.tsdb.path=" + Files.createDirectories(tmp.resolve("tsdb")),
            "--web.listen-address=127.0.0.1:PORT");
    // Both targets scraped once at least: an empty answer now means no data, not no scrape yet.
    awaitData("up{job=\"pushgateway\"} == 1 and on() up{job=\"node\"} == 1");
    beforeAnyRun = System.currentTimeMillis() / 1000.0;
  }

  @AfterAll
  static void stopServers() {
    for (Server server : new Server[] {prometheus, nodeExporter, pushgateway}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  @Order(1)
  void beforeAnyRunTheAbsentAlertsExpressionHasData() {
    assertThat(query("image_audit_last_run_timestamp_seconds", beforeAnyRun)).isEmpty();
    assertThat(query("absent(image_audit_last_run_timestamp_seconds)", beforeAnyRun)).hasSize(1);
  }

  @Test
  @Order(2)
  void aScanPushesToThePushgatewayWritesTheTextfileAndPrometheusScrapesBoth() throws Exception {
    Path store = tmp.resolve("alpha");
    Scan.raw(store.resolve("system.img"), 4096);
    Scan.qcow2(store.resolve("vm.qcow2"));

    Scan.Result r = scan("alpha", store);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1); // the qcow2 image is flagged
    JsonNode push = report("alpha").get("push");
    assertThat(push.get("status").intValue()).isEqualTo(200);
    assertThat(push.get("url").stringValue()).isEqualTo(pushgateway.url() + "/metrics/job/image-audit/store/alpha");
    // Pushed: honor_labels keeps the job the push named.
    assertThat(awaitData("image_audit_run_complete{job=\"image-audit\",store=\"alpha\"}").get(0).get("value").get(1).stringValue())
        .isEqualTo("1");
    assertThat(awaitData("image_audit_images{job=\"image-audit\",store=\"alpha\",format=\"qcow2\",partition=\"rejected\"} == 1"))
        .hasSize(1);
    // The textfile, read by node_exporter without an error.
    String scraped = nodeExporter.get("/metrics").orElseThrow().body();
    assertThat(scraped)
        .contains("image_audit_run_complete{store=\"alpha\"} 1")
        .contains("node_textfile_scrape_error 0");
    assertThat(awaitData("image_audit_images{job=\"node\",store=\"alpha\",format=\"raw\",partition=\"accepted\"} == 1"))
        .hasSize(1);
  }

  @Test
  @Order(3)
  void aSecondStoreHasTheSameSeriesInItsOwnGroup() throws Exception {
    Path store = tmp.resolve("beta");
    Scan.raw(store.resolve("only.img"), 512);

    Scan.Result r = scan("beta", store);

    assertThat(r.exitCode()).as(r.err()).isZero();
    awaitData("image_audit_run_complete{job=\"image-audit\",store=\"beta\"} == 1");
    awaitData("image_audit_run_complete{job=\"node\",store=\"beta\"} == 1");
    // Both groups kept: a push replaced only its own store's group.
    assertThat(query("image_audit_run_complete{job=\"image-audit\",store=\"alpha\"}", now())).hasSize(1);
    for (String job : List.of("image-audit", "node")) {
      Map<String, String> alpha = seriesCounts(job, "alpha");
      assertThat(alpha).containsKeys("image_audit_images", "image_audit_crosvm_images", "image_audit_flagged",
          "image_audit_errors", "image_audit_skipped", "image_audit_config_findings", "image_audit_build_info",
          "image_audit_last_success_timestamp_seconds", "image_audit_files_per_second");
      assertThat(seriesCounts(job, "beta")).as(job).isEqualTo(alpha);
    }
  }

  /** Series per metric name for one store, from Prometheus. */
  private static Map<String, String> seriesCounts(String job, String store) {
    Map<String, String> counts = new TreeMap<>();
    for (JsonNode sample : query("count by (__name__) ({job=\"" + job + "\",store=\"" + store + "\"})", now())) {
      counts.put(sample.get("metric").get("__name__").stringValue(), sample.get("value").get(1).stringValue());
    }
    return counts;
  }

  @Test
  @Order(4)
  void moreRejectedPartitionsThanADayAgoHaveTheAlertsExpressionReturnData() throws Exception {
    Path store = tmp.resolve("alpha");
    Scan.qcow2(store.resolve("second.qcow2"));

    assertThat(scan("alpha", store).exitCode()).isEqualTo(1);

    awaitData("image_audit_images{job=\"image-audit\",store=\"alpha\",format=\"qcow2\",partition=\"rejected\"} == 2");
    assertThat(awaitData(rule("ImageAuditNewRejectedPartitions")))
        .anySatisfy(s -> assertThat(s.get("metric").get("format").stringValue()).isEqualTo("qcow2"));
  }

  @Test
  @Order(5)
  void aRunThatDoesNotCompleteKeepsTheLastSuccessAndTheStaleAndIncompleteAlertsHaveData() throws Exception {
    Path store = tmp.resolve("gamma");
    Scan.raw(store.resolve("a.img"), 512);
    // A success two days old, as an earlier run left it in the textfile.
    double twoDaysAgo = Math.floor(System.currentTimeMillis() / 1000.0) - 2 * 86400;
    Files.writeString(textfiles.resolve("gamma.prom"),
        "# TYPE image_audit_last_success_timestamp_seconds gauge\n"
            + "image_audit_last_success_timestamp_seconds{store=\"gamma\"} " + twoDaysAgo + "\n");

    Scan.Result r = scan("gamma", store, store.resolve("gone.img").toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(report("gamma").get("complete").booleanValue()).isFalse();
    for (String job : List.of("image-audit", "node")) {
      awaitData("image_audit_run_complete{job=\"" + job + "\",store=\"gamma\"} == 0");
      assertThat(query("image_audit_last_success_timestamp_seconds{job=\"" + job + "\",store=\"gamma\"}", now())
              .get(0).get("value").get(1).stringValue())
          .isEqualTo(Long.toString((long) twoDaysAgo));
    }
    assertThat(query(rule("ImageAuditStale"), now()))
        .anySatisfy(s -> assertThat(s.get("metric").get("store").stringValue()).isEqualTo("gamma"));
    assertThat(query(rule("ImageAuditIncomplete"), now()))
        .anySatisfy(s -> assertThat(s.get("metric").get("store").stringValue()).isEqualTo("gamma"));

    // A store whose runs never completed is stale too.
    Path delta = tmp.resolve("delta");
    Scan.raw(delta.resolve("a.img"), 512);
    assertThat(scan("delta", delta, delta.resolve("gone.img").toString()).exitCode()).isEqualTo(3);
    awaitData("image_audit_run_complete{job=\"image-audit\",store=\"delta\"} == 0");
    assertThat(query(rule("ImageAuditStale"), now()))
        .anySatisfy(s -> assertThat(s.get("metric").get("store").stringValue()).isEqualTo("delta"));
  }

  @Test
  @Order(6)
  void everyAlertRuleIsLoadedHealthyAndItsExpressionHasData() throws Exception {
    JsonNode groups = JSON.readTree(prometheus.get("/api/v1/rules").orElseThrow().body()).get("data").get("groups");
    List<String> loaded = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.get("rules")) {
        assertThat(rule.get("health").stringValue()).as(rule.get("name").stringValue()).isEqualTo("ok");
        loaded.add(rule.get("name").stringValue());
      }
    }
    JsonNode rules = new YAMLMapper().readTree(GRAFANA.resolve("alerts.yml").toFile()).get("groups").get(0).get("rules");
    assertThat(loaded).hasSize(rules.size()).hasSizeGreaterThanOrEqualTo(4);
    for (JsonNode rule : rules) {
      String name = rule.get("alert").stringValue();
      assertThat(rule.get("for").stringValue()).as(name + " for:").isNotEmpty();
      assertThat(rule.get("labels").get("severity").stringValue()).as(name).isIn("warning", "critical");
      assertThat(rule.get("annotations").get("runbook_url").stringValue())
          .as(name)
          .endsWith("README.md#" + name.toLowerCase(java.util.Locale.ROOT));
      // The absent rule has data before any run; every other one in the states the tests above made.
      double at = rule.get("expr").stringValue().startsWith("absent(") ? beforeAnyRun : now();
      assertThat(query(rule.get("expr").stringValue(), at)).as(name + ": " + rule.get("expr").stringValue()).isNotEmpty();
    }
    // Every runbook the rules point to is a README heading.
    String readme = Files.readString(Scan.repo().resolve("README.md"));
    for (JsonNode rule : rules) {
      assertThat(readme).contains("#### " + rule.get("alert").stringValue() + "\n");
    }
  }

  @Test
  @Order(7)
  void everyDashboardExpressionHasDataAndNamesTheDatasourceInput() throws Exception {
    JsonNode dashboard = JSON.readTree(GRAFANA.resolve("image-audit-dashboard.json").toFile());
    assertThat(dashboard.get("__inputs").get(0).get("name").stringValue()).isEqualTo("DS_PROMETHEUS");
    assertThat(dashboard.get("__inputs").get(0).get("pluginId").stringValue()).isEqualTo("prometheus");
    JsonNode store = dashboard.get("templating").get("list").get(0);
    assertThat(store.get("name").stringValue()).isEqualTo("store");
    String variable = store.get("query").get("query").stringValue();
    assertThat(variable).startsWith("label_values(").endsWith(", store)");
    String metric = variable.substring("label_values(".length(), variable.indexOf(','));
    assertThat(query("count by (store) (" + metric + ")", now())).hasSizeGreaterThanOrEqualTo(4);
    int targets = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      String title = panel.get("title").stringValue();
      assertThat(panel.get("datasource").get("uid").stringValue()).as(title).isEqualTo("${DS_PROMETHEUS}");
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.get("refId").stringValue()).as(title).isNotEmpty();
        assertThat(target.get("datasource").get("uid").stringValue()).as(title).isEqualTo("${DS_PROMETHEUS}");
        String expr = target.get("expr").stringValue().replace("$store", ".*");
        assertThat(query(expr, now())).as(title + ": " + expr).isNotEmpty();
        targets++;
      }
    }
    assertThat(targets).isGreaterThanOrEqualTo(10);
  }

  @Test
  @Order(8)
  void promtoolUnitTestsCoverEveryAlert() throws Exception {
    Process p = new ProcessBuilder("/usr/bin/promtool", "test", "rules", "alerts-test.yml")
        .directory(GRAFANA.toFile()).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(said).isZero();
    assertThat(said).contains("SUCCESS");
    String tests = Files.readString(GRAFANA.resolve("alerts-test.yml"));
    for (JsonNode rule : new YAMLMapper().readTree(GRAFANA.resolve("alerts.yml").toFile()).get("groups").get(0).get("rules")) {
      String name = rule.get("alert").stringValue();
      // Each alert is expected to fire somewhere (exp_alerts with labels), not only to stay quiet.
      assertThat(tests).as(name).containsPattern("alertname: " + name + "\\n\\s+exp_alerts:\\n\\s+- exp_labels:");
    }
  }

  @Test
  @Order(9)
  void aDownPushgatewayExits3AndTheReportsAreStillWritten() throws Exception {
    Path store = tmp.resolve("epsilon");
    Scan.raw(store.resolve("a.img"), 512);
    int nobody = Server.freePort();

    Scan.Result r =
        Scan.run(tmp, Map.of(), "--quiet", "--output", tmp.resolve("out-epsilon").toString(), "--metrics-label",
            "store=epsilon", "--push-gateway", "http://127.0.0.1:" + nobody, "--push-timeout", "2s", store.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.err().lines()).hasSize(1).allMatch(l -> l.startsWith("image-audit: push to http://127.0.0.1:" + nobody));
    JsonNode report = JSON.readTree(tmp.resolve("out-epsilon/report.json").toFile());
    assertThat(report.get("complete").booleanValue()).isTrue();
    assertThat(report.get("push").get("error").stringValue()).startsWith("cannot connect");
    assertThat(tmp.resolve("out-epsilon/metrics.prom")).isNotEmptyFile();
  }

  private static Scan.Result scan(String store, Path path, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--quiet", "--output", tmp.resolve("out-" + store).toString(),
        "--metrics-label", "store=" + store, "--metrics-file", textfiles.resolve(store + ".prom").toString(),
        "--push-gateway", pushgateway.url(), path.toString()));
    args.addAll(List.of(more));
    return Scan.run(tmp, Map.of(), args.toArray(String[]::new));
  }

  private static JsonNode report(String store) throws IOException {
    return JSON.readTree(tmp.resolve("out-" + store + "/report.json").toFile());
  }

  private static String rule(String alert) throws IOException {
    for (JsonNode rule : new YAMLMapper().readTree(GRAFANA.resolve("alerts.yml").toFile()).get("groups").get(0).get("rules")) {
      if (rule.get("alert").stringValue().equals(alert)) {
        return rule.get("expr").stringValue();
      }
    }
    throw new AssertionError("no alert " + alert + " in alerts.yml");
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Waits until {@code expr} has data in Prometheus, and returns it. */
  static List<JsonNode> awaitData(String expr) {
    return Server.await("data for " + expr, SCRAPED, () -> {
      List<JsonNode> result = query(expr, now());
      return result.isEmpty() ? Optional.empty() : Optional.of(result);
    });
  }

  /** Runs an instant query through Prometheus's HTTP API; fails if Prometheus says it is not a valid query. */
  static List<JsonNode> query(String expr, double at) {
    String path = "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time=" + at;
    String body = prometheus.get(path).orElseThrow(() -> new AssertionError("Prometheus did not answer")).body();
    JsonNode answer = JSON.readTree(body);
    assertThat(answer.get("status").stringValue()).as(expr + ": " + body).isEqualTo("success");
    List<JsonNode> result = new ArrayList<>();
    JsonNode data = answer.get("data");
    if (data.get("resultType").stringValue().equals("scalar")) {
      result.add(data.get("result"));
    } else {
      data.get("result").forEach(result::add);
    }
    return result;
  }
}
