package dev.imageaudit.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/systemd: the service and timer pass {@code systemd-analyze verify} without a single
 * warning (it exits 0 even on unknown keys and bad values, so its output is checked too), and the
 * service keeps its hardening: the store read-only, only the output writable, a dedicated user.
 */
class SystemdUnitsIT {

  static final Path UNITS = Release.repo().resolve("examples/systemd");

  @TempDir static Path tmp;

  @BeforeAll
  static void systemdAnalyze() throws Exception {
    if (!Command.ci()) {
      assumeTrue(Command.exists("systemd-analyze"), "systemd-analyze is not installed");
    }
  }

  /**
   * Verifies the units as shipped when image-audit is installed (ExecStart names
   * /usr/bin/image-audit, the man pages exist); else copies whose ExecStart names the release
   * unpacked in {@code tmp}, without the man page check.
   */
  static Command.Result verify(Path tmp, boolean installed) throws Exception {
    List<String> command = new ArrayList<>(List.of("systemd-analyze"));
    List<Path> units = List.of(UNITS.resolve("image-audit.service"), UNITS.resolve("image-audit.timer"));
    if (!installed) {
      Command.ok(tmp, "tar", "-xzf", Release.archive().toString());
      Path launcher = tmp.resolve(Release.name()).resolve("bin/image-audit");
      List<Path> copies = new ArrayList<>();
      for (Path unit : units) {
        Path copy = tmp.resolve(unit.getFileName());
        Files.writeString(
            copy, Files.readString(unit).replace("/usr/bin/image-audit", launcher.toString()));
        copies.add(copy);
      }
      units = copies;
      command.add("--man=no");
    }
    command.add("verify");
    units.forEach(u -> command.add(u.toString()));
    return Command.run(tmp, command);
  }

  @Test
  void serviceAndTimerVerifyWithoutWarnings() throws Exception {
    Command.Result r = verify(tmp, Files.exists(Path.of("/usr/bin/image-audit")));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).isEmpty();
  }

  @Test
  void theServiceIsHardenedAroundTheStoreAndTheOutput() throws Exception {
    String service = Files.readString(UNITS.resolve("image-audit.service"));
    Matcher exec =
        Pattern.compile("(?m)^ExecStart=/usr/bin/image-audit scan .*--output (\\S+) (\\S+)$").matcher(service);
    assertThat(exec.find()).as("ExecStart=... --output OUT STORE").isTrue();
    String output = exec.group(1);
    String store = exec.group(2);
    assertThat(service)
        .containsPattern("(?m)^ReadOnlyPaths=" + Pattern.quote(store) + "$")
        // The run swaps a new output folder in beside the old one: the folder that holds it is writable.
        .containsPattern("(?m)^ReadWritePaths=" + Pattern.quote(Path.of(output).getParent().toString()) + "$")
        .containsPattern("(?m)^ProtectSystem=strict$")
        .containsPattern("(?m)^PrivateTmp=yes$")
        .containsPattern("(?m)^NoNewPrivileges=yes$")
        .containsPattern("(?m)^User=imageaudit$")
        .doesNotContainPattern("(?m)^DynamicUser=")
        .containsPattern("(?m)^SuccessExitStatus=1$");
    assertThat(Files.readString(UNITS.resolve("image-audit.timer")))
        .containsPattern("(?m)^OnCalendar=")
        .containsPattern("(?m)^WantedBy=timers.target$");
  }
}
