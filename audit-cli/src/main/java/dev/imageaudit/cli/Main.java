package dev.imageaudit.cli;

import com.sun.jna.Platform;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.ImageAudit;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code image-audit} command line. It takes its output and error writers and its stdin, so
 * tests drive it in memory; only {@link #main} ends the process.
 */
public final class Main {

  private final PrintWriter out;
  private final PrintWriter err;
  private final InputStream in;
  private final boolean progress;
  private final AuditObserver testObserver;

  /**
   * Returns a command line that prints the summary to {@code out} and diagnostics to {@code err},
   * and reads a path list ({@code -}) from {@code in}. Progress is shown on {@code err} when stderr
   * is a terminal.
   */
  public Main(PrintWriter out, PrintWriter err, InputStream in) {
    this(out, err, in, Progress.stderrIsTerminal());
  }

  /** As above, with progress on {@code err} shown or not whatever stderr is; for tests. */
  Main(PrintWriter out, PrintWriter err, InputStream in, boolean progress) {
    this(out, err, in, progress, AuditObserver.NONE);
  }

  /** As above, also telling {@code testObserver} of each entry: tests make it fail on purpose. */
  Main(PrintWriter out, PrintWriter err, InputStream in, boolean progress, AuditObserver testObserver) {
    this.testObserver = Objects.requireNonNull(testObserver, "testObserver");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.in = Objects.requireNonNull(in, "in");
    this.progress = progress;
  }

  public static void main(String[] args) {
    Fatal.install(System.err);
    skipLdconfig();
    useUnpackedJnaDispatch();
    WarmUp.start(args);
    // The terminal's encoding, as the JVM took it from the locale (the launcher makes it UTF-8).
    Charset charset = Charset.defaultCharset();
    PrintWriter out =
        new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, charset)));
    PrintWriter err =
        new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.err, charset)));
    int exitCode = new Main(out, err, System.in).run(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * Gives JNA the C library's folders, so that it does not run {@code /sbin/ldconfig -p} to find
   * them: a process started at every run, some 20 to 30 ms of an empty store's 0.45 s. JNA loads only the C
   * library here, which the dynamic linker finds in these folders anyway. A value set by the user
   * (-Djna.platform.library.path) is kept.
   */
  private static void skipLdconfig() {
    String property = "jna.platform.library.path";
    if (System.getProperty(property) == null && System.getProperty("os.name", "").equals("Linux")) {
      System.setProperty(property, cLibraryFolders());
    }
  }

  /**
   * Points JNA at the dispatch library the build unpacked beside the JNA jar ({@code
   * jna-native/com/sun/jna/<platform>/}), when it is there, so that JNA loads it in place. Why:
   * otherwise JNA extracts it from its jar into {@code ~/.cache/JNA} (or {@code java.io.tmpdir}) at
   * every run and loads the copy, which a home or /tmp mounted noexec (systemd's hardening, many
   * servers' /tmp) refuses to map: the audit then fell back to the JDK's slower reads without a
   * word. It also spares each run that file write (about 12 ms of an empty store's start-up). A
   * value set by the user (-Djna.boot.library.path) is kept.
   */
  private static void useUnpackedJnaDispatch() {
    String property = "jna.boot.library.path";
    if (System.getProperty(property) == null) {
      Path folder =
          jnaDispatchFolder(Main.class.getClassLoader().getResource("com/sun/jna/Native.class"), Platform.RESOURCE_PREFIX);
      if (folder != null && Files.isRegularFile(folder.resolve(System.mapLibraryName("jnidispatch")))) {
        System.setProperty(property, folder.toString());
      }
    }
  }

  /**
   * Returns where the build unpacks JNA's dispatch library for {@code platform} (JNA's resource
   * prefix, such as {@code linux-x86-64}), given the URL of a class in the JNA jar; null when JNA
   * is not loaded from a jar file.
   */
  static Path jnaDispatchFolder(URL jnaClass, String platform) {
    if (jnaClass == null || !jnaClass.getProtocol().equals("jar")) {
      return null;
    }
    String spec = jnaClass.getPath(); // file:/.../lib/jna-5.19.1.jar!/com/sun/jna/Native.class
    int bang = spec.lastIndexOf("!/"); // the last: a folder's name may end in '!', an entry's never does
    if (bang < 0) {
      return null;
    }
    try {
      Path jar = Path.of(new URI(spec.substring(0, bang)));
      return jar.resolveSibling("jna-native").resolve("com/sun/jna").resolve(platform);
    } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
      return null;
    }
  }

  /** The folders of the C library on Linux: the multiarch ones, then lib64, then lib, that exist. */
  static String cLibraryFolders() {
    String arch = System.getProperty("os.arch", "");
    String multiarch = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64-linux-gnu" : arch + "-linux-gnu";
    List<String> found = new ArrayList<>();
    for (String dir : List.of("/usr/lib/" + multiarch, "/lib/" + multiarch, "/usr/lib64", "/lib64", "/usr/lib", "/lib")) {
      if (new java.io.File(dir).isDirectory()) {
        found.add(dir);
      }
    }
    return String.join(java.io.File.pathSeparator, found);
  }

  /** Runs the command line {@code args} and returns the exit code; see {@link ExitCodes}. */
  public int run(String... args) {
    CommandLine commandLine = commandLineFor(args);
    try {
      // A subcommand built alone is the root: it parses what follows its name.
      return commandLine.execute(namesASubcommand(args) ? Arrays.copyOfRange(args, 1, args.length) : args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Returns the whole {@code image-audit} command, with its subcommands, help texts and handlers, as
   * {@link #run} executes it; the build also generates the man page and shell completion from it.
   */
  public CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new TopCommand());
    withFooter(commandLine.getCommandSpec(), HelpText.TOP_EXAMPLES);
    for (String name : SUBCOMMANDS) {
      commandLine.addSubcommand(name, subcommand(name));
    }
    return configured(commandLine);
  }

  /**
   * Returns the command line {@link #run} needs for {@code args}: when they start with a subcommand's
   * name, that subcommand alone as the root, named {@code image-audit NAME}, which {@link #run} hands
   * the arguments after the name; otherwise the whole command.
   *
   * <p>Why: picocli reads every option of every command it builds by reflection, and each command
   * line it makes registers its converters again. The three subcommands a scan does not run were
   * about a twentieth of an empty store's run, the top command and its converters (on the way to a
   * scan) about another. Whatever follows the subcommand's name only ever reaches that subcommand,
   * and its names in usage and errors are the same, so its parse, help and errors are the same;
   * anything else (no subcommand, a misspelt one that needs suggestions, an @argfile that may name
   * one, top-level options) gets the whole command.
   */
  CommandLine commandLineFor(String... args) {
    return namesASubcommand(args) ? subcommandAlone(args[0]) : commandLine();
  }

  private static boolean namesASubcommand(String... args) {
    return args.length > 0 && SUBCOMMANDS.contains(args[0]) && !args[0].equals("help");
  }

  /** The subcommand {@code name} as a root command line, with the names the whole command gives it. */
  private CommandLine subcommandAlone(String name) {
    CommandLine alone = subcommand(name);
    alone.getCommandSpec().name(TOP_NAME + " " + name);
    return configured(alone);
  }

  /** The subcommands, in the order the top command's help lists them. */
  private static final List<String> SUBCOMMANDS = List.of("scan", "report", "diff", "help");

  /** The subcommand {@code name}'s command line, with its help texts. */
  private CommandLine subcommand(String name) {
    return switch (name) {
      case "scan" -> withFooter(
          new CommandLine(new ScanCommand(out, err, in, progress, testObserver)), HelpText.SCAN_EXAMPLES, ExitCodes.FOOTER);
      case "report" -> withFooter(new CommandLine(new ReportCommand(out, err)), HelpText.REPORT_EXAMPLES, ExitCodes.FOOTER);
      case "diff" -> withFooter(new CommandLine(new DiffCommand(out, err)), HelpText.DIFF_EXAMPLES, ExitCodes.DIFF_FOOTER);
      case "help" -> withFooter(new CommandLine(new CommandLine.HelpCommand()), new String[0], ExitCodes.FOOTER);
      default -> throw new IllegalArgumentException("no subcommand " + name);
    };
  }

  /** {@code commandLine} with the footer of {@link #withFooter(CommandSpec, String[], String[])}. */
  private static CommandLine withFooter(CommandLine commandLine, String[] examples, String[] exitCodes) {
    withFooter(commandLine.getCommandSpec(), examples, exitCodes);
    return commandLine;
  }

  /** {@code commandLine} writing to this command's streams, with its handlers of errors. */
  private CommandLine configured(CommandLine commandLine) {
    return commandLine
        .setOut(out)
        .setErr(err)
        .setParameterExceptionHandler(new UsageErrors())
        .setExecutionExceptionHandler(new FatalErrors());
  }

  /** Examples (when there are any), how to use an @argfile, and the exit codes, after the options. */
  private static void withFooter(CommandSpec spec, String[] examples) {
    withFooter(spec, examples, ExitCodes.FOOTER);
  }

  /** As above, with a command's own exit codes. */
  private static void withFooter(CommandSpec spec, String[] examples, String[] exitCodes) {
    List<String> footer = new ArrayList<>();
    if (examples.length > 0) {
      footer.add("Examples:");
      footer.addAll(List.of(examples));
      footer.add("");
    }
    footer.addAll(List.of(HelpText.ARGFILES));
    footer.add("");
    footer.add("Exit codes:");
    footer.addAll(List.of(exitCodes));
    spec.usageMessage().footerHeading("%n").footer(footer.toArray(String[]::new));
    spec.usageMessage().showAtFileInUsageHelp(true);
    spec.usageMessage().autoWidth(true);
  }

  /**
   * Prints a usage error. A named class, not {@code this::usageError}: picocli's interfaces are of an
   * old class-file version, and the class-data archive leaves out a lambda that implements one (the
   * JVM then spins it, its interface and picocli's two anonymous handlers at every start).
   */
  private final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
      return usageError(e);
    }
  }

  /** Reports a fatal fault; a named class for the same reason as {@link UsageErrors}. */
  private final class FatalErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
      return Fatal.report(err, e);
    }
  }

  private int usageError(ParameterException e) {
    CommandLine command = e.getCommandLine();
    err.println("image-audit: " + Terminal.safe(e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** The top command's name, which a subcommand's name follows. */
  static final String TOP_NAME = "image-audit";

  /** {@code image-audit}: only groups the subcommands. */
  @Command(
      name = TOP_NAME,
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      synopsisSubcommandLabel = "COMMAND",
      description = {
        "Audits stores of disk images: formats, sizes, AVF (virtmgr) acceptance as partition"
            + " images, safety flags. Writes JSON, HTML and Prometheus reports.",
        ""
      },
      commandListHeading = "%nCommands:%n")
  static final class TopCommand {}

  /**
   * Prints {@code image-audit <version>} on the first line, then the git commit and the time it was
   * built, and the Java runtime it runs on.
   */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo build = BuildInfo.load();
      return new String[] {
        "image-audit " + ImageAudit.version(),
        "commit " + build.commit() + ", built " + build.date(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "unknown VM") + ")",
        "file reads: " + ImageAudit.fileReads()
      };
    }
  }
}
