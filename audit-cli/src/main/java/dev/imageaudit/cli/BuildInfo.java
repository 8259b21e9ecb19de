package dev.imageaudit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The git commit this build was made from and when it was built, as the build wrote them into
 * {@code build-info.properties}; {@code unknown} for what the build could not tell (a source tree
 * without {@code .git}, a build that did not write the file).
 *
 * @param commit the abbreviated commit id, with {@code -dirty} when tracked files were changed
 * @param date the build time, ISO-8601 UTC
 */
record BuildInfo(String commit, String date) {

  static final String UNKNOWN = "unknown";
  private static final String RESOURCE = "build-info.properties";

  /** Returns the build's facts, {@code unknown} for each one missing. */
  static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the jar", e);
    }
    return new BuildInfo(
        known(properties.getProperty("git.commit")), known(properties.getProperty("build.date")));
  }

  // An empty value, or a placeholder nobody filled in, says nothing.
  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
  }
}
