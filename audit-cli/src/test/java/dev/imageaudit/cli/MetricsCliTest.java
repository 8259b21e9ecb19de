package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The metrics options: labels, the metrics file, the push and what a failed push does. */
class MetricsCliTest {

  @TempDir Path tmp;

  @Test
  void theMetricsFileHoldsTheMetricsAloneWithTheLabelsOnEverySeries() throws IOException {
    Path out = tmp.resolve("out");
    Path textfile = Files.createDirectories(tmp.resolve("textfile")).resolve("image-audit-prod.prom");

    Cli.Result r =
        Cli.run("scan", "-o", out.toString(), "--metrics-file", textfile.toString(), "--metrics-label",
            "store=prod-images", "--metrics-label", "site=b", Cli.exampleStore().toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(r.out()).contains("Metrics also in " + textfile);
    String text = Files.readString(textfile);
    assertThat(text).isEqualTo(Files.readString(out.resolve("metrics.prom")));
    assertThat(text.lines().filter(l -> !l.startsWith("#")))
        .isNotEmpty()
        .allMatch(l -> l.contains("store=\"prod-images\"") && l.contains("site=\"b\""));
    assertThat(text).contains("image_audit_run_complete{site=\"b\",store=\"prod-images\"} 1.0")
        .contains("image_audit_last_success_timestamp_seconds{site=\"b\",store=\"prod-images\"}");
    // Only the metrics file in the textfile folder: no temporary file left beside it.
    try (var files = Files.list(textfile.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("image-audit-prod.prom");
    }
  }

  @Test
  void aRunThatDoesNotCompleteKeepsTheLastSuccessOfTheRunBefore() throws IOException {
    Path out = tmp.resolve("out");
    Path textfile = tmp.resolve("audit.prom");
    Path store = Files.createDirectories(tmp.resolve("store"));
    Cli.raw(store.resolve("a.img"));
    assertThat(Cli.run("scan", "-o", out.toString(), "--metrics-file", textfile.toString(), store.toString())
        .exitCode()).isZero();
    String success = line(Files.readString(textfile), "image_audit_last_success_timestamp_seconds ");

    Cli.Result failed =
        Cli.run("scan", "-o", out.toString(), "--metrics-file", textfile.toString(), store.toString(),
            tmp.resolve("gone.img").toString());

    assertThat(failed.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
    String text = Files.readString(textfile);
    assertThat(text).contains("image_audit_run_complete 0.0").contains(success);
    assertThat(line(text, "image_audit_last_run_timestamp_seconds "))
        .isNotEqualTo(line(text, "image_audit_last_success_timestamp_seconds ").replace("last_success", "last_run"));
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void badLabelsAndStrayPushOptionsAreUsageErrors() {
    String store = Cli.exampleStore().toString();
    String out = tmp.resolve("out").toString();
    for (List<String> args :
        List.of(
            List.of("--metrics-label", "store"),
            List.of("--metrics-label", "format=x"),
            List.of("--metrics-label", "bad-name=x"),
            List.of("--push-job", "x"),
            List.of("--push-optional"),
            List.of("--metrics-file", tmp.resolve("out/metrics-here.prom").toString()),
            List.of("--push-gateway", "http://user:secret@localhost:1"),
            List.of("--push-gateway", "ftp://localhost:1"))) {
      String[] argv =
          java.util.stream.Stream.concat(java.util.stream.Stream.of("scan", "-o", out), java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of(store)))
              .toArray(String[]::new);
      Cli.Result r = Cli.run(argv);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).doesNotContain("secret");
    }
  }

  @Test
  void aDownPushgatewayExits3AndTheReportSaysWhy() throws IOException {
    Path out = tmp.resolve("out");
    Path store = Files.createDirectories(tmp.resolve("store"));
    Cli.raw(store.resolve("a.img"));
    int port = freePort();

    Cli.Result r =
        Cli.run("scan", "-o", out.toString(), "--push-gateway", "http://127.0.0.1:" + port, "--push-timeout", "2s",
            store.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(r.err().lines().filter(l -> l.contains("push"))).hasSize(1);
    assertThat(r.err()).contains("image-audit: push to http://127.0.0.1:" + port + "/metrics/job/image-audit failed: ");
    JsonNode push = Cli.report(out).get("push");
    assertThat(push.get("url").stringValue()).isEqualTo("http://127.0.0.1:" + port + "/metrics/job/image-audit");
    assertThat(push.get("status").isNull()).isTrue();
    assertThat(push.get("error").stringValue()).startsWith("cannot connect");
    assertThat(Cli.report(out).get("complete").booleanValue()).isTrue();

    Cli.Result optional =
        Cli.run("scan", "-o", out.toString(), "--push-gateway", "http://127.0.0.1:" + port, "--push-optional",
            store.toString());
    assertThat(optional.exitCode()).as(optional.err()).isEqualTo(ExitCodes.OK);
    assertThat(optional.err()).contains("failed").contains("--push-optional");
  }

  @Test
  void pushesTheMetricsTextWithPutToTheGroupOfTheLabels() throws IOException {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
          + exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      Path out = tmp.resolve("out");
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/prefix/";
      Cli.Result r =
          Cli.run("scan", "-o", out.toString(), "--push-gateway", base, "--push-job", "nightly", "--metrics-label",
              "store=prod/images", Cli.exampleStore().toString());

      assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FLAGGED);
      assertThat(r.out()).contains("Metrics pushed to " + base + "metrics/job/nightly/store@base64/cHJvZC9pbWFnZXM=");
      assertThat(seen).hasSize(1);
      // A value with a slash goes base64url-encoded, as the Pushgateway reads it.
      assertThat(seen.get(0))
          .startsWith("PUT /prefix/metrics/job/nightly/store@base64/cHJvZC9pbWFnZXM= text/plain; version=0.0.4; charset=utf-8\n")
          .contains("image_audit_run_complete{store=\"prod/images\"} 1.0");
      JsonNode push = Cli.report(out).get("push");
      assertThat(push.get("status").intValue()).isEqualTo(200);
      assertThat(push.get("error").isNull()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
