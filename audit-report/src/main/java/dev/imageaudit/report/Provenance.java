package dev.imageaudit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Who made a report, where, with what: so a report found later says which host, user, build and
 * command line produced it. Start and end times come from the run itself.
 *
 * @param host the host's name
 * @param user the user the run ran as
 * @param inputs the inputs as absolute paths (descriptors and stdin as named in {@code inputs})
 * @param version image-audit's version
 * @param commit the git commit of the build, or {@code unknown}
 * @param commandLine the full command line, program name first
 */
public record Provenance(
    String host, String user, List<String> inputs, String version, String commit, List<String> commandLine) {

  public Provenance {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(commit, "commit");
    inputs = List.copyOf(inputs);
    commandLine = List.copyOf(commandLine);
  }

  /** Returns this host's name: the kernel's (no DNS lookup), else {@code HOSTNAME}, else {@code unknown}. */
  public static String hostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc not mounted: the environment, then nothing.
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "unknown" : env;
  }

  /** Returns the user this process runs as, or {@code unknown}. */
  public static String userName() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "unknown" : user;
  }
}
