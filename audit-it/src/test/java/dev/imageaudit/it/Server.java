package dev.imageaudit.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import reactor.core.publisher.Mono;

/**
 * A real server (Prometheus, the Pushgateway, node_exporter) run as a process on a free loopback
 * port, its output in a log file; {@link #start} returns once it answers its readiness URL.
 */
final class Server implements AutoCloseable {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  final int port;

  private Server(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Skips the calling tests when {@code binary} is missing and CI is unset; under CI=true a missing
   * binary fails them (CI installs the Debian packages).
   */
  static void require(String binary, String debianPackage) {
    if (Files.isExecutable(Path.of(binary))) {
      return;
    }
    String why = binary + " is missing (Debian package " + debianPackage + "; .ci/run installs it)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + ": under CI=true these tests must run");
    }
    Assumptions.abort(why + ": skipping, as CI is unset");
  }

  /**
   * Starts {@code command} (with {@code PORT} in its arguments replaced by a free loopback port) and
   * waits until {@code ready} (a path on that port) answers 200.
   */
  static Server start(String name, Path dir, String ready, String... command) throws IOException {
    int port = freePort();
    List<String> args = new ArrayList<>();
    for (String arg : command) {
      args.add(arg.replace("PORT", Integer.toString(port)));
    }
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Server server = new Server(name, process, log, port);
    try {
      await(name + " ready at " + ready, Duration.ofSeconds(60), () -> {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited " + process.exitValue() + ": " + server.log());
        }
        return server.get(ready).filter(r -> r.statusCode() == 200).map(r -> true);
      });
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Returns http://127.0.0.1:PORT. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** GETs {@code path}; empty if the server did not answer. */
  Optional<HttpResponse<String>> get(String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build();
      return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Returns the server's output so far, for failure messages. */
  String log() {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Polls {@code probe} every 100 ms until it gives a value, and returns it; fails after {@code
   * timeout} naming {@code what}. Polling, not sleeping: each round asks the real condition.
   */
  static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
    return Mono.fromCallable(probe::get)
        .flatMap(Mono::justOrEmpty)
        .repeatWhenEmpty(rounds -> rounds.delayElements(Duration.ofMillis(100)))
        .timeout(timeout, Mono.error(() -> new AssertionError("gave up waiting " + timeout.toSeconds() + " s for " + what)))
        .block();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " on " + url();
  }
}
