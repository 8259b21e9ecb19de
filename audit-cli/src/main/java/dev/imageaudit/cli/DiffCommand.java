package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.report.EntryChange;
import dev.imageaudit.report.ReportChanges;
import dev.imageaudit.report.ReportDiff;
import dev.imageaudit.report.ReportReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code image-audit diff OLD NEW}: what changed between two reports of a store, streamed (a merge
 * in walk order, in bounded memory); text on stdout, and the whole difference as JSON with {@code
 * --json}. Exits 1 when NEW has problems OLD did not.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Compares two reports of the same store (each a report folder, a report.json or a"
          + " report.jsonl): images added and removed, format, size or AVF verdict changed, flags"
          + " gained and lost, new and resolved problems (a problem: a flag, or a path that could not"
          + " be audited). Both are read as a stream, one entry of each at a time. A summary goes"
          + " to stdout; --json writes every change.",
      ""
    })
final class DiffCommand implements Callable<Integer> {

  /** Changes listed per list on stdout before "... and N more". */
  static final int DEFAULT_LIST = 20;

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The earlier report: a folder, report.json or report.jsonl.")
  private String oldSource;

  @Parameters(index = "1", paramLabel = "NEW", description = "The later report, of the same inputs.")
  private String newSource;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write every change as JSON to FILE ('-' for stdout, instead of the text): one change a"
              + " line inside {\"changes\": [...]}, then both sides and the counts.")
  private String json;

  @Option(
      names = "--list",
      paramLabel = "N",
      description = "Changes listed per kind in the text (default: ${DEFAULT-VALUE}).")
  private int list = DEFAULT_LIST;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing; only the exit code tells.")
  private boolean quiet;

  private final PrintWriter out;
  private final PrintWriter err;
  private final OutputStream stdout;

  DiffCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
    this.stdout = new LineOutputStream(out);
  }

  /** Bytes of UTF-8 lines handed to a writer a whole line at a time (a line never splits a character). */
  static final class LineOutputStream extends OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(1024);

    LineOutputStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        flushLine();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void flushLine() {
      writer.write(line.toString(java.nio.charset.StandardCharsets.UTF_8));
      line.reset();
    }

    @Override
    public void flush() {
      if (line.size() > 0) {
        flushLine();
      }
      writer.flush();
    }
  }

  @Override
  public Integer call() {
    if (list < 0) {
      throw new ParameterException(spec.commandLine(), "--list must not be negative: " + list);
    }
    Path before = path(oldSource, "OLD");
    Path after = path(newSource, "NEW");
    boolean jsonToStdout = "-".equals(json);
    ReportChanges changes;
    try {
      if (json == null) {
        changes = ReportDiff.diff(before, after, list, EnumSet.allOf(Flag.class), null);
      } else if (jsonToStdout) {
        out.flush();
        OutputStream o = new BufferedOutputStream(stdout, 1 << 16);
        changes = ReportDiff.diff(before, after, list, EnumSet.allOf(Flag.class), o);
        o.flush();
      } else {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(path(json, "--json")), 1 << 16)) {
          changes = ReportDiff.diff(before, after, list, EnumSet.allOf(Flag.class), o);
        }
      }
    } catch (ReportReader.ReportFormatException e) {
      err.println("image-audit: diff: " + Terminal.safe(e.getMessage()));
      err.flush();
      return ExitCodes.USAGE;
    } catch (IOException e) {
      err.println("image-audit: diff: " + Terminal.safe(String.valueOf(e.getMessage())));
      err.flush();
      return ExitCodes.FATAL;
    }
    int exitCode = changes.pathsWithNewProblems() > 0 || changes.newConfigErrors() > 0 ? ExitCodes.FLAGGED : ExitCodes.OK;
    if (!quiet && !jsonToStdout) {
      print(out, changes, before, after, list);
      out.printf("Exit code %d%s.%n", exitCode, exitCode == ExitCodes.FLAGGED ? ": NEW has problems OLD did not" : "");
      out.flush();
    }
    return exitCode;
  }

  /** Prints the changes for a person: counts, then the first changes of each list. */
  static void print(PrintWriter out, ReportChanges c, Path before, Path after, int list) {
    out.printf(
        "image-audit diff: %s (%s) -> %s (%s)%n",
        Terminal.safe(before.toString()),
        Summary.count(c.baselineEnd().summary().files(), "file"),
        Terminal.safe(after.toString()),
        Summary.count(c.end().summary().files(), "file"));
    printCounts(out, c);
    section(out, "New problems", c.pathsWithNewProblems(), c.newProblemList(), list,
        ch -> String.join(", ", ch.newProblems()));
    section(out, "Resolved problems", -1, c.resolvedList(), list, ch -> String.join(", ", ch.resolvedProblems()));
    section(out, "Added", c.added(), c.addedList(), list, DiffCommand::brief);
    section(out, "Removed", c.removed(), c.removedList(), list, DiffCommand::brief);
    section(out, "Changed", c.changed(), c.changedList(), list, DiffCommand::what);
  }

  /** The counts: what changed, by aspect, and the flags gained and lost. */
  static void printCounts(PrintWriter out, ReportChanges c) {
    out.printf(
        "Added %d, removed %d, changed %d, unchanged %d.%n", c.added(), c.removed(), c.changed(), c.unchanged());
    String aspects =
        c.byAspect().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey().id() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    if (!aspects.isEmpty()) {
      out.printf("Changed: %s.%n", aspects);
    }
    out.printf(
        "New problems: %d on %s; resolved: %d.%s%n",
        c.newProblems(),
        Summary.count(c.pathsWithNewProblems(), "path"),
        c.resolvedProblems(),
        c.newConfigErrors() > 0 ? " New VM config errors: " + c.newConfigErrors() + "." : "");
    if (!c.flagsGained().isEmpty() || !c.flagsLost().isEmpty()) {
      out.printf("Flags gained: %s; lost: %s.%n", flags(c.flagsGained()), flags(c.flagsLost()));
    }
  }

  private static String flags(Map<Flag, Long> counts) {
    return counts.isEmpty()
        ? "none"
        : counts.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  private static void section(
      PrintWriter out, String title, long count, List<EntryChange> changes, int list,
      java.util.function.Function<EntryChange, String> detail) {
    if (changes.isEmpty()) {
      return;
    }
    out.println();
    out.println(count < 0 ? title + ":" : title + " (" + count + "):");
    for (EntryChange change : changes.subList(0, Math.min(list, changes.size()))) {
      out.printf("  %s: %s%n", name(change.entry()), Terminal.safe(detail.apply(change)));
    }
    if (count > changes.size() || changes.size() > list) {
      long shown = Math.min(list, changes.size());
      long more = (count < 0 ? changes.size() : count) - shown;
      if (more > 0) {
        out.printf("  ... and %d more (see --json)%n", more);
      }
    }
  }

  private static String name(AuditEntry entry) {
    String path = Terminal.safe(entry.path());
    return entry.target() == null ? path : path + " (" + Terminal.safe(entry.target()) + ")";
  }

  /** "qcow2 image, flags backing-file" or "skipped (symlink)" or "error (access-denied)". */
  static String brief(EntryChange change) {
    AuditEntry e = change.entry();
    if (e instanceof AuditEntry.Image image) {
      String flags = image.flags().stream().map(Flag::id).collect(Collectors.joining(","));
      return image.format().id() + ", " + image.fileSize() + " bytes, partition " + image.partition().decision().id()
          + (flags.isEmpty() ? "" : ", flags " + flags);
    }
    if (e instanceof AuditEntry.Skipped s) {
      return "skipped (" + s.reason().id() + ")";
    }
    return "error (" + ((AuditEntry.Failed) e).kind().id() + ")";
  }

  /** "format qcow2 -> raw; size 10 -> 20; flags +dirty -backing-file". */
  static String what(EntryChange change) {
    StringBuilder s = new StringBuilder();
    AuditEntry a = change.before();
    AuditEntry b = change.after();
    for (EntryChange.Aspect aspect : change.changed()) {
      if (s.length() > 0) {
        s.append("; ");
      }
      switch (aspect) {
        case KIND -> s.append(kind(a)).append(" -> ").append(kind(b));
        case FORMAT -> s.append("format ").append(((AuditEntry.Image) a).format().id()).append(" -> ")
            .append(((AuditEntry.Image) b).format().id());
        case SIZE -> s.append("size ").append(size((AuditEntry.Image) a)).append(" -> ").append(size((AuditEntry.Image) b));
        case PARTITION -> s.append("partition ").append(((AuditEntry.Image) a).partition().decision().id())
            .append(" -> ").append(((AuditEntry.Image) b).partition().decision().id());
        case DISK -> s.append("disk ").append(((AuditEntry.Image) a).disk().decision().id())
            .append(" -> ").append(((AuditEntry.Image) b).disk().decision().id());
        case FLAGS -> {
          s.append("flags");
          change.flagsGained().stream().sorted().forEach(f -> s.append(" +").append(f.id()));
          change.flagsLost().stream().sorted().forEach(f -> s.append(" -").append(f.id()));
        }
        case REASON -> s.append(brief(new EntryChange(EntryChange.Kind.REMOVED, a, null, Set.of(), Set.of(), Set.of(),
            List.of(), List.of()))).append(" -> ").append(brief(change));
      }
    }
    if (s.length() == 0) {
      s.append("problems ").append(String.join(",", change.newProblems()));
    }
    return s.toString();
  }

  private static String kind(AuditEntry e) {
    return e instanceof AuditEntry.Image ? "image" : e instanceof AuditEntry.Skipped ? "skipped" : "error";
  }

  private static String size(AuditEntry.Image image) {
    return image.fileSize() + (image.virtualSize() == null ? "" : " (virtual " + image.virtualSize() + ")");
  }

  private Path path(String value, String what) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid " + what + " '" + Terminal.safe(value) + "': " + e.getReason());
    }
  }
}
