package dev.imageaudit.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Debian package: what it holds, and that it installs, runs and goes away. Under CI (root,
 * {@code CI=true}) it is installed for real with {@code dpkg -i} and removed with {@code dpkg -r};
 * elsewhere, as root, into a throwaway root with {@code dpkg --root}, leaving the machine alone.
 */
class DebianPackageIT {

  @TempDir static Path tmp;
  static Path deb;

  @BeforeAll
  static void thePackage() throws Exception {
    deb = Release.deb();
    if (Command.ci()) {
      assertThat(deb).as("the .deb, which CI must build").isNotNull();
    }
    assumeTrue(deb != null, "no dpkg-deb here: no .deb was built");
  }

  @Test
  void holdsTheLauncherLinkManPagesCompletionsAndCopyright() throws Exception {
    String contents = Command.ok(tmp, "dpkg-deb", "--contents", deb.toString()).out();
    assertThat(contents)
        .contains("./usr/bin/image-audit -> ../share/image-audit/bin/image-audit")
        .contains("./usr/share/image-audit/lib/image-audit.jar")
        .contains("./usr/share/image-audit/lib/image-audit.jsa")
        .contains("./usr/share/man/man1/image-audit.1.gz")
        .contains("./usr/share/man/man1/image-audit-scan.1.gz")
        .contains("./usr/share/bash-completion/completions/image-audit")
        .contains("./usr/share/zsh/vendor-completions/_image-audit")
        .contains("./usr/share/doc/image-audit/copyright")
        .contains("./usr/share/doc/image-audit/changelog.gz")
        .contains("-rwxr-xr-x root/root")
        .doesNotContain("/usr/local");
    String control = Command.ok(tmp, "dpkg-deb", "--field", deb.toString()).out();
    assertThat(control)
        .contains("Package: image-audit")
        .containsPattern("Version: \\d+\\.\\d+\\.\\d+")
        .contains("Depends: bash, java17-runtime-headless");
  }

  @Test
  void installsRunsAndIsRemoved() throws Exception {
    assumeTrue(Command.ci() || Command.root(), "installing a package needs root");
    Release.worldReadable(tmp);
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path store = Release.storeIn(work);
    if (Command.ci()) {
      installedForReal(store);
    } else {
      installedInThrowawayRoot(store);
    }
  }

  private static void installedForReal(Path store) throws Exception {
    Command.ok(tmp, "dpkg", "-i", deb.toString());
    try {
      assertThat(Path.of("/usr/bin/image-audit")).isSymbolicLink();
      scansTheStore(Path.of("/usr/bin/image-audit"), store);
      String manPath = Command.ok(tmp, "man", "-w", "image-audit-scan").out().strip();
      assertThat(manPath).isEqualTo("/usr/share/man/man1/image-audit-scan.1.gz");
      // The systemd example as shipped: ExecStart and Documentation=man: now resolve.
      Command.Result units = SystemdUnitsIT.verify(tmp, true);
      assertThat(units.exitCode()).as(units.err()).isZero();
      assertThat(units.out() + units.err()).isEmpty();
    } finally {
      Command.ok(tmp, "dpkg", "-r", "image-audit");
    }
    assertThat(Path.of("/usr/bin/image-audit")).doesNotExist();
    assertThat(Path.of("/usr/share/image-audit")).doesNotExist();
  }

  private static void installedInThrowawayRoot(Path store) throws Exception {
    Path root = tmp.resolve("root");
    Path admin = Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.createDirectories(admin.resolve("info"));
    Files.createDirectories(admin.resolve("updates"));
    Files.createFile(admin.resolve("status"));
    Files.createFile(admin.resolve("available"));
    String rootOption = "--root=" + root;
    // The throwaway root has no Java or bash packages: its dependencies are this machine's.
    Command.ok(tmp, "dpkg", rootOption, "--force-depends", "-i", deb.toString());
    assertThat(root.resolve("usr/bin/image-audit")).isSymbolicLink();
    scansTheStore(root.resolve("usr/bin/image-audit"), store);
    Command.ok(tmp, "dpkg", rootOption, "-r", "image-audit");
    assertThat(root.resolve("usr/bin/image-audit")).doesNotExist();
    assertThat(root.resolve("usr/share/image-audit")).doesNotExist();
  }

  private static void scansTheStore(Path launcher, Path store) throws Exception {
    Command.Result r =
        Command.run(
            store.getParent(),
            Map.of("JAVA_HOME", System.getProperty("java.home")),
            Command.unprivileged(List.of(launcher.toString(), "scan", "store", "-o", "out")));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1); // the example store's qcow2 images
    assertThat(r.err()).isEmpty();
    JsonNode report =
        JsonMapper.builder().build().readTree(store.resolveSibling("out/report.json").toFile());
    assertThat(report.path("images").size()).isEqualTo(Release.files(store));
  }
}
