package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ISO-8859-1 locale of a test's own, for a child JVM that must decode file names with a single-byte
 * charset: compiled with localedef into the test's folder (LOCPATH), so the machine needs none
 * generated. localedef's sources come with Debian's locales package, which CI installs (.ci/run);
 * elsewhere the test is skipped without them.
 */
public final class SingleByteLocale {

  private SingleByteLocale() {}

  /** Compiles the locale under {@code dir} and returns the environment that selects it. */
  public static Map<String, String> environment(Path dir) throws Exception {
    boolean sources = Files.isDirectory(Path.of("/usr/share/i18n/charmaps"));
    assumeTrue(sources || "true".equals(System.getenv("CI")), "no locale sources (Debian: locales)");
    Path locales = Files.createDirectories(dir.resolve("locales"));
    Process def = new ProcessBuilder("localedef", "-i", "en_US", "-f", "ISO-8859-1",
        locales.resolve("en_US.ISO-8859-1").toString()).redirectErrorStream(true).start();
    String log = new String(def.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(def.waitFor()).as(log).isZero();
    return Map.of("LOCPATH", locales.toString(), "LC_ALL", "en_US.ISO-8859-1");
  }
}
