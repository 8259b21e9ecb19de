package dev.imageaudit.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push's credentials and TLS, against a small HTTP server on loopback that records what it is
 * sent: the Authorization header goes out, and no output of the run (stdout, stderr, report.json,
 * metrics.prom) holds the secret.
 */
class PushAuthIT {

  static final String TOKEN = "tok-s3cr3t-0451";
  static final String PASSWORD = "pw-s3cr3t-8817";

  @TempDir Path tmp;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private String start(HttpServer created, int status) throws IOException {
    server = created;
    server.createContext("/", (HttpExchange exchange) -> {
      try (InputStream body = exchange.getRequestBody()) {
        body.readAllBytes();
      }
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
      byte[] answer = (status == 200 ? "" : "no entry").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private Path store() throws IOException {
    return Scan.raw(tmp.resolve("store/a.img"), 512).getParent();
  }

  private List<String> outputs(Scan.Result r) throws IOException {
    List<String> all = new ArrayList<>(List.of(r.out(), r.err()));
    all.add(Files.readString(tmp.resolve("out/report.json")));
    all.add(Files.readString(tmp.resolve("out/metrics.prom")));
    return all;
  }

  @Test
  void aBearerTokenFromTheEnvironmentIsSentAndNeverWrittenOut() throws Exception {
    String url = start(loopback(), 200);

    Scan.Result r =
        Scan.run(tmp, Map.of("IMAGE_AUDIT_PUSH_TOKEN", TOKEN), "-o", tmp.resolve("out").toString(),
            "--push-gateway", url, "--metrics-label", "store=s", store().toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(authorizations).containsExactly("Bearer " + TOKEN);
    assertThat(paths).containsExactly("PUT /metrics/job/image-audit/store/s");
    assertThat(outputs(r)).noneMatch(s -> s.contains("s3cr3t"));
  }

  @Test
  void basicAuthIsSentAndARefusedPushExits3WithoutShowingThePassword() throws Exception {
    String url = start(loopback(), 401);

    Scan.Result r =
        Scan.run(tmp, Map.of("IMAGE_AUDIT_PUSH_USER", "auditor", "IMAGE_AUDIT_PUSH_PASSWORD", PASSWORD), "-o",
            tmp.resolve("out").toString(), "--push-gateway", url, store().toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    String basic = Base64.getEncoder().encodeToString(("auditor:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(authorizations).containsExactly("Basic " + basic);
    assertThat(r.err().lines().filter(l -> l.contains("push")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("HTTP 401: no entry"));
    assertThat(outputs(r)).noneMatch(s -> s.contains("s3cr3t") || s.contains(basic));
  }

  @Test
  void credentialsInTheUrlOrTwoKindsAtOnceAreRefusedWithoutEcho() throws Exception {
    Scan.Result inUrl =
        Scan.run(tmp, Map.of(), "-o", tmp.resolve("out").toString(), "--push-gateway",
            "http://auditor:" + PASSWORD + "@127.0.0.1:9", store().toString());
    assertThat(inUrl.exitCode()).isEqualTo(2);
    assertThat(inUrl.err()).contains("IMAGE_AUDIT_PUSH_TOKEN").doesNotContain("s3cr3t");

    Scan.Result both =
        Scan.run(tmp, Map.of("IMAGE_AUDIT_PUSH_TOKEN", TOKEN, "IMAGE_AUDIT_PUSH_USER", "a",
            "IMAGE_AUDIT_PUSH_PASSWORD", PASSWORD), "-o", tmp.resolve("out").toString(), "--push-gateway",
            "http://127.0.0.1:9", store().toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).doesNotContain("s3cr3t");
  }

  @Test
  void httpsWithTheCaGivenIsTrustedAndWithoutItRefused() throws Exception {
    Path keystore = tmp.resolve("server.p12");
    Path ca = tmp.resolve("ca.pem");
    keytool("-genkeypair", "-alias", "pushgateway", "-keyalg", "EC", "-dname", "CN=localhost", "-ext",
        "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "pushgateway", "-file", ca.toString(), "-keystore", keystore.toString(),
        "-storepass", "changeit");
    String url = start(https(keystore), 200);

    Scan.Result trusted =
        Scan.run(tmp, Map.of(), "-o", tmp.resolve("out").toString(), "--push-gateway", url, "--push-ca-cert",
            ca.toString(), store().toString());
    assertThat(trusted.exitCode()).as(trusted.err()).isZero();
    assertThat(paths).containsExactly("PUT /metrics/job/image-audit");

    Scan.Result untrusted =
        Scan.run(tmp, Map.of(), "-o", tmp.resolve("out").toString(), "--push-gateway", url, store().toString());
    assertThat(untrusted.exitCode()).isEqualTo(3);
    assertThat(untrusted.err()).contains("push to " + url + "/metrics/job/image-audit failed");
    assertThat(paths).hasSize(1);
  }

  private static HttpServer loopback() throws IOException {
    return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
  }

  private static HttpsServer https(Path keystore) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return server;
  }

  private void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(said).isZero();
  }
}
