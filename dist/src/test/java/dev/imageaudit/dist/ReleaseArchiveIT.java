package dev.imageaudit.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The release archive as an operator installs it: unpacked into a folder nobody may write, run by
 * an unprivileged user (nobody, when the test runs as root) over a copy of the example store.
 */
class ReleaseArchiveIT {

  @TempDir static Path tmp;
  static Path home;
  static Path store;

  @BeforeAll
  static void unpackReadOnly() throws Exception {
    assertThat(Release.archive()).isRegularFile();
    Release.worldReadable(tmp);
    Command.ok(tmp, "tar", "-xzf", Release.archive().toString());
    home = tmp.resolve(Release.name());
    Command.ok(tmp, "chmod", "-R", "a-w", home.toString());
    store = Release.storeIn(Files.createDirectory(tmp.resolve("work")));
  }

  private static Command.Result imageAudit(Map<String, String> env, String... args)
      throws Exception {
    List<String> command =
        Stream.concat(Stream.of(home.resolve("bin/image-audit").toString()), Stream.of(args))
            .toList();
    return Command.run(
        store.getParent(),
        Map.of("JAVA_HOME", System.getProperty("java.home")),
        Command.unprivileged(
            Stream.concat(
                    env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()),
                    command.stream())
                .toList()));
  }

  @Test
  void scansTheExampleStoreAsAnUnprivilegedUserWithoutWritingTheInstall() throws Exception {
    TreeMap<String, String> before = Release.snapshot(home);

    Command.Result r = imageAudit(Map.of(), "scan", "store", "-o", "out");

    // Exit 1: the example store holds qcow2 images, flagged unsupported-partition-image.
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("files audited").contains("Exit code 1.");
    JsonNode report = JsonMapper.builder().build().readTree(store.resolveSibling("out/report.json").toFile());
    assertThat(report.path("complete").booleanValue()).isTrue();
    assertThat(report.path("images").size()).isEqualTo(Release.files(store));
    assertThat(store.resolveSibling("out")).isDirectoryContaining("glob:**/metrics.prom");
    assertThat(Release.snapshot(home)).isEqualTo(before);
  }

  @Test
  void mapsTheClassesOfItsAppCdsArchiveWhereverItIsUnpacked() throws Exception {
    Command.Result r =
        imageAudit(Map.of("JAVA_OPTS", "-Xlog:class+load"), "scan", "--quiet", "store", "-o", "out");

    // The archive was made in the build's staging folder; the install is elsewhere.
    assertThat(home).isNotEqualTo(Release.target().resolve("release").resolve(Release.name()));
    // A static archive holds the JDK's classes and the application's alike: count the application's.
    long fromArchive =
        r.out().lines().filter(l -> l.contains("shared objects file") && !l.contains(" java.") && !l.contains(" jdk.")
            && !l.contains(" sun.")).count();
    long picocli = r.out().lines().filter(l -> l.contains(" picocli.") && l.contains("shared objects file")).count();
    long fromJars = r.out().lines().filter(l -> l.contains("source: file:")).count();
    assertThat(fromArchive).as("application classes mapped from lib/image-audit.jsa").isGreaterThan(1000);
    assertThat(picocli).as("picocli's classes, too old for an exit-time archive, are in the static one").isGreaterThan(100);
    // What is left comes from jars: the few classes the training run did not meet.
    assertThat(fromJars).isLessThan(fromArchive / 10);
  }

  /**
   * Java 22 and later print a four-line warning at JNA's first native call unless the jar grants
   * native access: the manifest does, and Java 17 ignores it. Run with any newer JDK this machine has.
   */
  @Test
  void aNewerJavaPrintsNoNativeAccessWarning() throws Exception {
    Path newer = null;
    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      for (Path jdk : jdks.sorted().toList()) {
        Path release = jdk.resolve("release");
        if (Files.isRegularFile(release) && Files.isExecutable(jdk.resolve("bin/java"))) {
          Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
          if (m.find() && Integer.parseInt(m.group(1)) >= 22) {
            newer = jdk;
          }
        }
      }
    }
    assumeTrue(newer != null, "no JDK 22 or later under /usr/lib/jvm");

    Command.Result r = imageAudit(Map.of("JAVA_HOME", newer.toString()), "scan", "--quiet", "store", "-o", "out-newer");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).as("stderr with %s", newer).isEmpty();
  }

  /**
   * JNA's dispatch library ships unpacked in lib/jna-native and is loaded from there: with JNA
   * forbidden to extract it (as where home and /tmp are noexec), the reads are still native. The
   * control, with JNA pointed elsewhere, falls back to Java NIO and says why.
   */
  @Test
  void readsNativelyWithoutExtractingJnasLibrary() throws Exception {
    Command.Result r = imageAudit(Map.of("JAVA_OPTS", "-Djna.nounpack=true"), "--version");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("file reads: native (JNA, linux-");

    Command.Result control =
        imageAudit(Map.of("JAVA_OPTS", "-Djna.nounpack=true -Djna.boot.library.path=/nonexistent"), "--version");
    assertThat(control.exitCode()).as(control.err()).isZero();
    assertThat(control.out()).contains("file reads: Java NIO (native reads unavailable: ");
  }

  @Test
  void versionNamesTheCommitAndHelpHasExamples() throws Exception {
    Command.Result version = imageAudit(Map.of(), "--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out().lines().toList().get(0))
        .isEqualTo("image-audit " + Release.name().substring("image-audit-".length()));
    assertThat(version.out()).containsPattern("commit ([0-9a-f]{12}(-dirty)?|unknown), built 20");

    Command.Result help = imageAudit(Map.of(), "help", "scan");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Examples:").contains("Argument files: @FILE").contains("Exit codes:");
  }

  @Test
  void manPagesAreTroffAndRender() throws Exception {
    Path man1 = home.resolve("share/man/man1");
    assertThat(Files.readString(man1.resolve("image-audit.1"))).contains(".TH \"IMAGE\\-AUDIT\" \"1\"");
    assertThat(Files.readString(man1.resolve("image-audit-scan.1")))
        .contains(".TH \"IMAGE\\-AUDIT\\-SCAN\" \"1\"");
    assertThat(Files.readString(man1.resolve("image-audit-report.1")))
        .contains(".TH \"IMAGE\\-AUDIT\\-REPORT\" \"1\"");
    assertThat(Files.readString(man1.resolve("image-audit-diff.1")))
        .contains(".TH \"IMAGE\\-AUDIT\\-DIFF\" \"1\"");
    assumeTrue(Command.ci() || Command.exists("man"), "man is not installed");
    Command.Result page =
        Command.run(tmp, Map.of("MANWIDTH", "100"), List.of("man", "-l", man1.resolve("image-audit-scan.1").toString()));
    assertThat(page.exitCode()).as(page.err()).isZero();
    assertThat(page.out())
        .contains("SYNOPSIS")
        .contains("--fail-on=FLAG")
        .contains("EXAMPLES")
        .contains("ARGUMENT FILES")
        .contains("EXIT CODES")
        .contains("image-audit(1)");
  }

  @Test
  void bashCompletesCommandsAndOptions() throws Exception {
    assertThat(complete("image-audit ")).contains("scan", "help");
    assertThat(complete("image-audit scan --fa")).containsExactlyInAnyOrder("--fail-on", "--fail-on-new");
    assertThat(complete("image-audit scan --fail-on ")).contains("backing-file", "encrypted");
  }

  /** What picocli's bash completion offers for {@code line}, completed at its end. */
  private static List<String> complete(String line) throws Exception {
    String script =
        "source \"$1\"; COMP_LINE=\"$2\"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<\"$2\";"
            + " [[ \"$2\" == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));"
            + " _complete_image-audit; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Command.Result r =
        Command.ok(
            tmp,
            "bash", "-c", script, "bash",
            home.resolve("share/bash-completion/completions/image-audit").toString(),
            line);
    return r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  @Test
  void zshLoadsTheCompletionFunction() throws Exception {
    assumeTrue(Command.ci() || Command.exists("zsh"), "zsh is not installed");
    Path function = home.resolve("share/zsh/site-functions/_image-audit");
    assertThat(Files.readAllLines(function).get(0)).isEqualTo("#compdef image-audit");
    Command.Result r =
        Command.ok(
            tmp,
            "zsh", "-f", "-c",
            "autoload -U compinit && compinit -u -D; source \"$1\"; print -r -- \"${_comps[image-audit]}\"",
            "zsh", function.toString());
    assertThat(r.out().strip()).isEqualTo("_bash_complete -F _complete_image-audit -o default");
  }

  @Test
  void shipsLicenceReadmeChangelogAndNamesEveryBundledJar() throws Exception {
    assertThat(home.resolve("LICENSE")).content().contains("Apache License").contains("Version 2.0");
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("CHANGELOG.md")).content().contains("## [Unreleased]");
    String thirdParty = Files.readString(home.resolve("THIRD-PARTY.md"));
    Pattern jar = Pattern.compile("(.+)-\\d[^-]*(-SNAPSHOT)?\\.jar");
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      for (Path path : (Iterable<Path>) jars::iterator) {
        String file = path.getFileName().toString();
        Matcher m = jar.matcher(file);
        if (file.equals("image-audit.jar") || file.endsWith(".jsa") || file.startsWith("audit-")) {
          continue; // this project's own
        }
        if (file.equals("jna-native")) {
          // JNA's own dispatch library, unpacked from its jar (named in THIRD-PARTY.md as jna).
          assertThat(path.resolve("com/sun/jna/linux-x86-64/libjnidispatch.so")).isRegularFile();
          continue;
        }
        assertThat(m.matches()).as(file).isTrue();
        assertThat(thirdParty).as("THIRD-PARTY.md names " + file).contains("`" + m.group(1) + "`");
      }
    }
  }

  @Test
  void theLauncherRefusesAnOldJava() throws Exception {
    // A Java 11 runtime as the launcher sees one: its release file. It must not be started.
    Path fake = Files.createDirectories(tmp.resolve("jdk11/bin"));
    Files.writeString(fake.resolveSibling("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Path java = Files.writeString(fake.resolve("java"), "#!/bin/sh\necho started >&2\nexit 99\n");
    Command.ok(tmp, "chmod", "a+rx", java.toString(), tmp.resolve("jdk11").toString(), fake.toString());
    Command.Result r =
        Command.run(
            tmp,
            Map.of("JAVA_HOME", tmp.resolve("jdk11").toString()),
            List.of(home.resolve("bin/image-audit").toString(), "--version"));
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("Java 17 or newer is needed").contains("is Java 11").doesNotContain("started");
  }
}
