package dev.imageaudit.cli;

import dev.imageaudit.core.ImageAudit;
import java.util.List;

/**
 * Initializes, on a daemon thread of its own, the classes a scan needs soon after its command line
 * is parsed, while the main thread builds and parses that command line.
 *
 * <p>Why: a short run is mostly start-up, and start-up ran on one thread at a time (picocli reading
 * its annotations, then the metrics registry, Reactor, JNA's binding of the C library, the JSON
 * factory, the HTML template), with the second core only partly busy compiling. Done here, their
 * static initializers overlap with picocli's work: an empty store's run took 0.89 of the wall time
 * for the same CPU (bench/RESULTS.md). Class initialization is once per class and thread-safe, so
 * whichever thread comes first does it and the other waits for it or finds it done.
 */
final class WarmUp {

  /**
   * The classes, in the order the scan first needs them. Longer lists were measured and were no
   * faster: the later classes are needed after the main thread would have reached them anyway.
   */
  static final List<String> SCAN_CLASSES =
      List.of(
          "reactor.core.publisher.Flux",
          "reactor.core.scheduler.Schedulers",
          "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
          "dev.imageaudit.report.JsonSupport",
          "dev.imageaudit.report.HtmlReport");

  private WarmUp() {}

  /** Starts the warm-up when {@code args} name the scan command; returns at once. */
  static void start(String[] args) {
    if (args.length == 0 || !args[0].equals("scan")) {
      return;
    }
    Thread thread = new Thread(WarmUp::run, "image-audit-warm-up");
    thread.setDaemon(true); // never keeps the process alive
    thread.start();
  }

  private static void run() {
    ImageAudit.fileReads(); // binds the C library through JNA, or settles that it cannot
    ClassLoader loader = WarmUp.class.getClassLoader();
    for (String name : SCAN_CLASSES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // Nothing to warm, or an initializer that fails: the scan meets the same failure where it
        // uses the class, and reports it there.
        return;
      }
    }
  }
}
