package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import dev.imageaudit.report.ReportSet;
import dev.imageaudit.report.RunJudgement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The one-screen summary of a run that {@code scan} prints to stdout. Every path is sanitized. */
final class Summary {

  /** Images listed as not accepted before "... and N more". */
  static final int MAX_REJECTED = 20;

  /** Failed paths listed before "... and N more". */
  static final int MAX_ERRORS = 5;

  /** Findings listed per VM config before "... and N more". */
  static final int MAX_FINDINGS = 10;

  private Summary() {}

  /** Returns the VM configs that have at least one error finding. */
  static long brokenConfigs(RunEnd end) {
    return end.configs().stream().filter(VmConfigAudit::hasErrors).count();
  }

  /** Returns what made the run incomplete, e.g. "2 paths and 1 VM config". */
  static String incompleteWhat(RunEnd end) {
    long paths = end.summary().errors();
    long configs = end.configs().stream().filter(c -> !c.readable()).count();
    if (configs == 0) {
      return count(paths, "path");
    }
    String what = count(configs, "VM config");
    return paths == 0 ? what : count(paths, "path") + " and " + what;
  }

  static void print(
      PrintWriter out, RunTally run, Set<Flag> failOn, Path outputDir, ReportSet.Written written, int exitCode,
      RunJudgement judgement) {
    RunEnd end = run.end();
    AuditSummary s = end.summary();
    long images = s.files() - s.errors() - s.skipped();
    out.printf(
        "image-audit %s: %s audited (%s, %d skipped, %s)%n",
        Terminal.safe(run.start().toolVersion()),
        count(s.files(), "file"),
        count(images, "image"),
        s.skipped(),
        count(s.errors(), "error"));

    if (!s.byFormat().isEmpty()) {
      out.println();
      out.println("Formats:");
      table(out, s.byFormat());
    }

    out.println();
    out.println("As partition images (virtmgr):");
    table(out, decisions(s.partition()));

    out.println();
    out.println("As whole-disk images (crosvm):");
    table(out, decisions(s.disk()));

    if (run.notAcceptedCount() > 0) {
      out.println();
      out.printf("Not accepted as partition images (%d):%n", run.notAcceptedCount());
      for (AuditEntry.Image image : run.notAccepted()) {
        out.printf("  %s: %s%n", name(image), Terminal.safe(image.partition().reason()));
      }
      more(out, run.notAcceptedCount() - run.notAccepted().size());
    }

    out.println();
    out.printf("Errors: %d%s%n", s.errors(), counts(s.errorsByKind()));
    for (AuditEntry.Failed failed : run.failures()) {
      out.printf(
          "  %s: %s: %s%n", name(failed), failed.kind().id(), Terminal.safe(failed.message()));
    }
    more(out, s.errors() - run.failures().size());
    out.printf("Skipped: %d%s%n", s.skipped(), counts(s.skippedByReason()));
    Map<String, Long> byFlag = new LinkedHashMap<>();
    run.flagCounts().forEach((f, n) -> byFlag.put(f.id(), n));
    out.printf("Flagged: %s%s%n", count(s.flagged(), "image"), counts(byFlag));

    configs(out, end);

    out.println();
    long matching = run.matching();
    long broken = brokenConfigs(end);
    if (failOn.isEmpty() && judgement.policy().source() == null) {
      out.println("--fail-on none: flags and VM config errors do not fail the run.");
    } else if (failOn.isEmpty()) {
      out.printf("Policy %s: failOn is empty: no image flag fails the run.%n", Terminal.safe(judgement.policy().source()));
    } else {
      String source = judgement.policy().source();
      out.printf(
          "%s %s: %s %s%s.%n",
          source == null ? "--fail-on" : "Policy " + Terminal.safe(source) + ", failOn",
          failOn.stream().map(Flag::id).collect(Collectors.joining(",")),
          count(matching, "image"),
          matching == 1 ? "matches" : "match",
          judgement.waivedImages() == 0 ? "" : " (" + count(judgement.waivedImages(), "image") + " with waived flags)");
      if (!end.configs().isEmpty()) {
        out.printf("VM configs with errors: %d of %d.%n", broken, end.configs().size());
      }
    }
    if (end.complete()) {
      out.println("Audit complete: every path was audited or deliberately skipped.");
    } else if (end.interrupted() != null) {
      out.printf(
          "Audit INTERRUPTED by %s: the walk was stopped; this run vouches for nothing.%n",
          end.interrupted());
    } else {
      out.printf(
          "Audit INCOMPLETE: %s could not be audited; this run vouches for nothing.%n",
          incompleteWhat(end));
    }
    out.printf("Exit code %d.%n", exitCode);

    out.println();
    out.printf("Report in %s%n", Terminal.safe(outputDir.toString()));
    for (Path file : written.files()) {
      out.printf("  %s%n", Terminal.safe(file.toString()));
    }
    policy(out, judgement);
    out.println();
    out.println(verdictLine(judgement));
    out.flush();
  }

  /** Waived findings and waivers unused or expired, when the policy has waivers. */
  private static void policy(PrintWriter out, RunJudgement judgement) {
    if (judgement.waivers().isEmpty()) {
      return;
    }
    out.println();
    out.printf(
        "Waivers (%s): %s waived, %s waived%n",
        Terminal.safe(judgement.policy().source()),
        count(judgement.waivedImages(), "image"),
        count(judgement.waivedConfigFindings().size(), "VM config finding"));
    for (RunJudgement.WaiverUse use : judgement.waivers()) {
      String state = use.expired() ? "EXPIRED" : use.matched() == 0 ? "unused" : "matched " + use.matched();
      out.printf(
          "  %s: %s, until %s, owner %s%n",
          Terminal.safe(use.waiver().describe()), state, use.waiver().expires(), Terminal.safe(use.waiver().owner()));
    }
  }

  /** The summary's last line: the verdict and, unless pass, why. */
  static String verdictLine(RunJudgement judgement) {
    String verdict = "Verdict: " + judgement.verdict().id().toUpperCase(java.util.Locale.ROOT);
    if (judgement.reasons().isEmpty()) {
      return verdict;
    }
    return verdict + " ("
        + judgement.reasons().stream().map(r -> Terminal.safe(r.message())).collect(Collectors.joining("; "))
        + ")";
  }

  /** Lists each VM config with its findings, errors and warnings alike, in the config's order. */
  private static void configs(PrintWriter out, RunEnd end) {
    if (end.configs().isEmpty()) {
      return;
    }
    out.println();
    out.printf("VM configs (%d):%n", end.configs().size());
    for (VmConfigAudit config : end.configs()) {
      out.printf(
          "  %s: %s, %s%n",
          Terminal.safe(config.path()),
          count(config.count(ConfigRule.Severity.ERROR), "error"),
          count(config.count(ConfigRule.Severity.WARNING), "warning"));
      List<VmConfigAudit.Finding> findings = config.findings();
      for (VmConfigAudit.Finding f : findings.subList(0, Math.min(MAX_FINDINGS, findings.size()))) {
        out.printf("    %s %s: %s%n", f.severity().id(), f.rule().id(), Terminal.safe(f.message()));
      }
      if (findings.size() > MAX_FINDINGS) {
        out.printf("    ... and %d more (see the report)%n", findings.size() - MAX_FINDINGS);
      }
    }
  }

  /** Returns "1 image", "2 images". */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String name(AuditEntry entry) {
    String path = Terminal.safe(entry.path());
    return entry.target() == null ? path : path + " (" + Terminal.safe(entry.target()) + ")";
  }

  private static void more(PrintWriter out, long more) {
    if (more > 0) {
      out.printf("  ... and %d more (see the report)%n", more);
    }
  }

  /** Returns " (a 1, b 2)", or "" for no counts. */
  private static String counts(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "";
    }
    return counts.entrySet().stream()
        .map(e -> Terminal.safe(e.getKey()) + " " + e.getValue())
        .collect(Collectors.joining(", ", " (", ")"));
  }

  /** Prints one line per key, names padded and counts right-aligned. */
  private static void table(PrintWriter out, Map<String, Long> counts) {
    int nameWidth = counts.keySet().stream().mapToInt(String::length).max().orElse(0);
    int countWidth =
        counts.values().stream().mapToInt(n -> Long.toString(n).length()).max().orElse(1);
    String format = "  %-" + nameWidth + "s  %" + countWidth + "d%n";
    counts.forEach((name, n) -> out.printf(format, Terminal.safe(name), n));
  }

  /** Returns every decision's count by its id, 0 when unseen, in a fixed order. */
  private static Map<String, Long> decisions(Map<Verdict.Decision, Long> counts) {
    Map<String, Long> byId = new LinkedHashMap<>();
    for (Verdict.Decision d : Verdict.Decision.values()) {
      byId.put(d.id(), counts.getOrDefault(d, 0L));
    }
    return byId;
  }
}
