package dev.imageaudit.report;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Puts a run's metrics into a Prometheus Pushgateway group with HTTP PUT, which replaces the whole
 * group (job and grouping key): the group then holds exactly this run's series, as a textfile
 * would. The body is the same Prometheus text format 0.0.4 as metrics.prom.
 *
 * <p>Why the JDK's HTTP client and not a library: Micrometer 1.17's Prometheus registry is built on
 * the Prometheus Java client 1.x, whose {@code prometheus-metrics-exporter-pushgateway} fixes its
 * connect and read timeouts at 10 s and takes only {@code host:port} (no path prefix behind a
 * proxy), and Micrometer's own push support targets the retired simpleclient. One PUT of a text
 * body needs neither: {@link HttpClient} gives a timeout per push, a custom CA and the headers.
 *
 * <p>Credentials are given here as values, never read from arguments by this class: the command
 * line takes them from the environment, and neither the URL in {@link MetricsPush} nor any error
 * message holds them.
 */
public final class Pushgateway {

  private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.~-]+");
  private static final int ERROR_BODY_LIMIT = 200;

  private final URI groupUri;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient client;

  private Pushgateway(Builder b) throws IOException {
    this.groupUri = groupUri(b.base, b.job, b.grouping);
    this.authorization = b.authorization;
    this.timeout = b.timeout;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    if (b.caCert != null) {
      http.sslContext(sslContext(b.caCert));
    }
    this.client = http.build();
  }

  /**
   * Returns a builder for pushes to the Pushgateway at {@code base} (e.g. {@code
   * http://pushgateway:9091}, or with a path prefix behind a proxy).
   *
   * @throws IllegalArgumentException if {@code base} is not an http or https URL with a host, or
   *     holds credentials, a query or a fragment
   */
  public static Builder builder(String base) {
    return new Builder(base);
  }

  /** Builds a {@link Pushgateway}. */
  public static final class Builder {
    private final URI base;
    private String job = "image-audit";
    private final Map<String, String> grouping = new LinkedHashMap<>();
    private String authorization;
    private Path caCert;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(String base) {
      URI uri;
      try {
        uri = new URI(Objects.requireNonNull(base, "base"));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URL: " + e.getReason());
      }
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http:// or https:// URL with a host");
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "credentials do not go in the URL (ps shows it): set IMAGE_AUDIT_PUSH_TOKEN, or IMAGE_AUDIT_PUSH_USER"
                + " and IMAGE_AUDIT_PUSH_PASSWORD");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException("a Pushgateway URL has no query or fragment");
      }
      this.base = uri;
    }

    /** Sets the {@code job} of the group (default {@code image-audit}). */
    public Builder job(String job) {
      if (Objects.requireNonNull(job, "job").isEmpty()) {
        throw new IllegalArgumentException("the job must not be empty");
      }
      this.job = job;
      return this;
    }

    /**
     * Adds a grouping label: the group is job plus these, and a push replaces only its own group.
     *
     * @throws IllegalArgumentException if {@code name} is not a label name, is {@code job}, or was given already
     */
    public Builder grouping(String name, String value) {
      Objects.requireNonNull(value, "value");
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.startsWith("__") || name.equals("job")) {
        throw new IllegalArgumentException("'" + name + "' cannot be a grouping label");
      }
      if (grouping.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("grouping label '" + name + "' given twice");
      }
      return this;
    }

    /** Sends {@code Authorization: Bearer TOKEN}. */
    public Builder bearerToken(String token) {
      this.authorization = "Bearer " + Objects.requireNonNull(token, "token");
      return this;
    }

    /** Sends HTTP basic authentication. */
    public Builder basicAuth(String user, String password) {
      String pair = Objects.requireNonNull(user, "user") + ":" + Objects.requireNonNull(password, "password");
      this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Trusts the certificates in this PEM file (and only them) for an https Pushgateway. */
    public Builder caCert(Path pem) {
      this.caCert = Objects.requireNonNull(pem, "pem");
      return this;
    }

    /** Bounds connecting and the whole exchange, each (default 10 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Returns the client.
     *
     * @throws IOException if the CA certificate file cannot be read or holds no certificate
     */
    public Pushgateway build() throws IOException {
      return new Pushgateway(this);
    }
  }

  /** Returns the URL of the group pushes replace: {@code BASE/metrics/job/JOB/NAME/VALUE...}. */
  public URI groupUri() {
    return groupUri;
  }

  /**
   * Puts {@code metrics}' series in place of the group's; never throws for a failed push: the
   * result says what happened.
   */
  public MetricsPush push(AuditMetrics metrics) {
    String url = groupUri.toString();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(groupUri)
            .timeout(timeout)
            .header("Content-Type", PrometheusText.CONTENT_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(metrics.text(), StandardCharsets.UTF_8));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        byte[] head = body.readNBytes(ERROR_BODY_LIMIT);
        if (status / 100 == 2) {
          return new MetricsPush(url, status, null);
        }
        String said = Display.visible(new String(head, StandardCharsets.UTF_8).strip());
        return new MetricsPush(url, status, "HTTP " + status + (said.isEmpty() ? "" : ": " + said));
      }
    } catch (HttpTimeoutException e) {
      return new MetricsPush(url, 0, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new MetricsPush(url, 0, describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MetricsPush(url, 0, "interrupted");
    }
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      // The JDK's client says no more than ConnectException over a ClosedChannelException.
      return "cannot connect (refused, unreachable or not listening)"
          + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + Display.visible(e.getMessage()));
    }
    Throwable t = e;
    // The JDK wraps the socket's own reason (Connection refused) in a ConnectException without one.
    while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    String kind = t.getClass().getSimpleName();
    return Display.visible(message == null || message.isBlank() ? kind : kind + ": " + message);
  }

  private static URI groupUri(URI base, String job, Map<String, String> grouping) {
    StringBuilder path = new StringBuilder(base.getRawPath() == null ? "" : base.getRawPath());
    while (path.length() > 0 && path.charAt(path.length() - 1) == '/') {
      path.setLength(path.length() - 1);
    }
    path.append("/metrics");
    segment(path, "job", job);
    grouping.forEach((name, value) -> segment(path, name, value));
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path);
  }

  /**
   * Adds {@code /NAME/VALUE}, or {@code /NAME@base64/BASE64URL} for a value that is empty or has
   * characters a path segment would need escaped (the Pushgateway's own encoding for them).
   */
  private static void segment(StringBuilder path, String name, String value) {
    if (PLAIN_VALUE.matcher(value).matches()) {
      path.append('/').append(name).append('/').append(value);
    } else {
      String encoded = Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
      path.append('/').append(name).append("@base64/").append(encoded.isEmpty() ? "=" : encoded);
    }
  }

  private static SSLContext sslContext(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IOException(pem + " holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + pem + " as CA certificates: " + e.getMessage(), e);
    }
  }
}
