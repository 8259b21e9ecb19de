package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.ImageAudit;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The top command: help, version and usage errors. */
class MainTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "scan --help"})
  void helpListsEveryExitCode(String args) {
    Cli.Result r = Cli.run(args.split(" "));

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("Usage: image-audit")
        .contains("Exit codes:")
        .contains("0  nothing found")
        .contains("1  an image carries a flag named by --fail-on, or a VM config has an error")
        .contains("2  usage error")
        .contains("3  audit incomplete")
        .contains("4  fatal: an output could not be written, or image-audit failed")
        .contains("130, 143  interrupted by SIGINT, SIGTERM");
  }

  @Test
  void scanHelpShowsDefaultsAndFlags() {
    Cli.Result r = Cli.run("scan", "--help");

    assertThat(r.out())
        .contains("default: image-audit-report")
        .contains("default: unsupported-partition-image")
        .contains("zstd-as-raw-partition")
        .contains("--fd=N")
        .contains("-0, --null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V", "scan --version"})
  void versionPrintsTheToolVersion(String args) {
    Cli.Result r = Cli.run(args.split(" "));

    assertThat(r.exitCode()).isZero();
    assertThat(ImageAudit.version()).isNotEqualTo("unknown").doesNotContain("${");
    assertThat(r.out().lines())
        .hasSize(4)
        .first()
        .isEqualTo("image-audit " + ImageAudit.version());
    assertThat(r.out().lines().skip(1).findFirst().orElseThrow())
        .matches("commit ([0-9a-f]{12}(-dirty)?|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(r.out().lines().skip(2).findFirst().orElseThrow())
        .startsWith("Java " + Runtime.version().feature());
    assertThat(r.out().lines().skip(3).findFirst().orElseThrow()).isEqualTo("file reads: " + ImageAudit.fileReads());
  }

  @Test
  void theUnpackedJnaDispatchLibraryIsLookedForBesideTheJnaJar() throws Exception {
    URL inJar = new URL("jar:file:/opt/image-audit/lib/jna-5.19.1.jar!/com/sun/jna/Native.class");
    assertThat(Main.jnaDispatchFolder(inJar, "linux-x86-64"))
        .isEqualTo(Path.of("/opt/image-audit/lib/jna-native/com/sun/jna/linux-x86-64"));
    URL spaced = new URL("jar:file:/srv/my%20tools/lib/jna.jar!/com/sun/jna/Native.class");
    assertThat(Main.jnaDispatchFolder(spaced, "linux-aarch64"))
        .isEqualTo(Path.of("/srv/my tools/lib/jna-native/com/sun/jna/linux-aarch64"));
    URL banged = new URL("jar:file:/srv/wow!/lib/jna.jar!/com/sun/jna/Native.class");
    assertThat(Main.jnaDispatchFolder(banged, "linux-x86-64"))
        .isEqualTo(Path.of("/srv/wow!/lib/jna-native/com/sun/jna/linux-x86-64"));
    // Classes from a folder (an IDE's build) have no jar to sit beside.
    assertThat(Main.jnaDispatchFolder(new URL("file:/work/classes/com/sun/jna/Native.class"), "linux-x86-64")).isNull();
    assertThat(Main.jnaDispatchFolder(null, "linux-x86-64")).isNull();
  }

  @Test
  void versionNamesTheCommitWhenBuiltFromGitElseUnknown() {
    Path repo = Cli.exampleStore().getParent().getParent();
    if (java.nio.file.Files.exists(repo.resolve(".git"))) {
      assertThat(BuildInfo.load().commit()).matches("[0-9a-f]{12}(-dirty)?");
    } else { // a source tarball
      assertThat(BuildInfo.load().commit()).isEqualTo(BuildInfo.UNKNOWN);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"help", "help scan", "scan --help", "--help"})
  void helpShowsExamplesAndArgumentFiles(String args) {
    Cli.Result r = Cli.run(args.split(" "));

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Examples:")
        .contains("image-audit scan /srv/images")
        .contains("Argument files: @FILE")
        .contains("[@<filename>...]")
        .contains("Exit codes:");
  }

  @Test
  void helpScanIsScanHelp() {
    assertThat(Cli.run("help", "scan").out()).isEqualTo(Cli.run("scan", "--help").out());
  }

  @Test
  void argumentFileIsExpanded() throws Exception {
    Path args = tmp.resolve("nightly.args");
    java.nio.file.Files.writeString(
        args, "# audit the example store\n--fail-on none\n-o '" + tmp.resolve("out") + "'\n");

    Cli.Result r = Cli.run("scan", "--quiet", "@" + args, Cli.exampleStore().toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("out/report.json")).exists();
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Result r = Cli.run();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("image-audit --help");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "scan", // no input at all
        "scan --quiet", // options, still no input
        "scan --bogus STORE",
        "scan --fail-on nope STORE",
        "scan --fail-on unsupported-partition-image,nope STORE",
        "scan --fail-on none,dirty STORE",
        "scan --io-threads 0 STORE",
        "scan --io-threads 257 STORE",
        "scan --io-threads many STORE",
        "scan --fd nine STORE",
        "scan --fd -1",
        "scan -0 STORE", // -0 without '-'
        "frobnicate STORE",
      })
  void usageErrorsExit2WithAHintAndWriteNothing(String line) {
    Path output = tmp.resolve("out");
    List<String> args = new ArrayList<>();
    for (String arg : line.split(" ")) {
      args.add(arg.equals("STORE") ? Cli.exampleStore().toString() : arg);
    }
    if (args.get(0).equals("scan")) {
      args.add(1, "--output=" + output);
    }

    Cli.Result r = Cli.run(args.toArray(String[]::new));

    assertThat(r.exitCode()).as(line).isEqualTo(2);
    assertThat(r.out()).as(line).isEmpty();
    assertThat(r.err())
        .as(line)
        .startsWith("image-audit: ")
        .contains("--help' for more information.");
    assertThat(output).as(line).doesNotExist();
  }

  @Test
  void unknownFailOnFlagNamesTheKnownOnes() {
    Cli.Result r = Cli.run("scan", "--fail-on", "dirty,nope", Cli.exampleStore().toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'nope'").contains("unsupported-partition-image").contains("none");
  }

  /**
   * A run that names its subcommand first builds only that subcommand (picocli's reflection over the
   * others was a tenth of an empty store's run): what it prints and returns is what the whole command
   * gives for the same arguments.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "scan --help", "scan --bogus", "scan --io-threads 0 x", "scan --fail-on nope x", "scan",
        "report --help", "report", "report --bogus", "diff --help", "diff onlyone", "diff --list -1 a b"
      })
  void aSubcommandBuiltAloneAnswersAsTheWholeCommand(String args) {
    String[] argv = args.split(" ");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Main main = new Main(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), false);
    int whole = main.commandLine().execute(argv);

    Cli.Result alone = Cli.run(argv);

    CommandLine built = main.commandLineFor(argv);
    assertThat(built.getSubcommands()).isEmpty();
    assertThat(built.getCommandSpec().qualifiedName()).isEqualTo("image-audit " + argv[0]);
    assertThat(alone.exitCode()).isEqualTo(whole);
    assertThat(alone.out()).isEqualTo(out.toString());
    assertThat(alone.err()).isEqualTo(err.toString());
  }

  @Test
  void anythingElseGetsTheWholeCommand() {
    Main main = new Main(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), new ByteArrayInputStream(new byte[0]), false);
    for (String[] argv : List.of(new String[] {}, new String[] {"help", "scan"}, new String[] {"scna"}, new String[] {"@args"}, new String[] {"--version"})) {
      assertThat(main.commandLineFor(argv).getSubcommands()).containsOnlyKeys("scan", "report", "diff", "help");
    }
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void jnaIsToldWhereTheCLibraryIsSoItRunsNoLdconfig() {
    List<String> folders = List.of(Main.cLibraryFolders().split(":"));
    assertThat(folders).isNotEmpty().allSatisfy(folder -> assertThat(Path.of(folder)).isDirectory());
    assertThat(folders).anySatisfy(folder -> assertThat(Path.of(folder, "libc.so.6")).exists());
  }
}
