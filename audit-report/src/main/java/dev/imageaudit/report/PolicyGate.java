package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.VmConfigAudit;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Applies a {@link Policy} to a run as it streams by: {@link #judge(AuditEntry)} says, per entry,
 * which flags fail and which are waived; {@link #judge(RunEnd)} gives the run's {@link
 * RunJudgement}. Keeps only counts (per flag, per waiver): memory does not grow with the entries.
 *
 * <p>Calls come one at a time, as {@link dev.imageaudit.core.RunSink} promises. Waivers expire by
 * the clock given (UTC dates): tests pass a fixed one.
 */
public final class PolicyGate {

  /** The head hashed for {@code sha256} waivers: the first 64 KiB of the file. */
  public static final int HEAD_SHA256_BYTES = 64 * 1024;

  /** The key in {@link AuditEntry.Image#details()} holding the hex SHA-256 of the image's first 64 KiB. */
  public static final String HEAD_SHA256 = "headSha256";

  /** VM config failures listed one by one in the reasons before the rest are counted in one. */
  static final int MAX_CONFIG_REASONS = 50;

  private final Policy policy;
  private final LocalDate today;
  private final Pattern[] globs;
  private final boolean[] expired;
  private final long[] matched;
  private final long[] failingImages = new long[Flag.values().length];
  private long waivedImages;

  /** Returns a gate for {@code policy}, dating waivers by {@code clock}. */
  public static PolicyGate of(Policy policy, Clock clock) {
    return new PolicyGate(policy, clock);
  }

  private PolicyGate(Policy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
    int n = policy.waivers().size();
    globs = new Pattern[n];
    expired = new boolean[n];
    matched = new long[n];
    for (int i = 0; i < n; i++) {
      Waiver w = policy.waivers().get(i);
      globs[i] = w.glob() == null ? null : Waiver.globPattern(w.glob());
      expired[i] = w.expiredOn(today);
    }
  }

  /** Returns the policy judged by. */
  public Policy policy() {
    return policy;
  }

  /** Returns what the policy makes of {@code entry}'s flags, and counts it. */
  public EntryPolicy judge(AuditEntry entry) {
    EntryPolicy decided = decide(entry);
    count(decided);
    return decided;
  }

  /**
   * Returns what the policy makes of {@code entry}'s flags without counting it: thread-safe, so a
   * run decides on each entry on the thread that audited it, and {@link #count}s in walk order.
   */
  EntryPolicy decide(AuditEntry entry) {
    if (!(entry instanceof AuditEntry.Image image) || image.flags().isEmpty()) {
      return EntryPolicy.NONE;
    }
    List<Flag> failing = null;
    List<EntryPolicy.Waived> waived = null;
    // Built for the first flag a waiver could match: most policies waive nothing, and the details'
    // lookup of the head's hash builds the format's whole field map.
    Names names = null;
    for (Flag flag : image.flags()) {
      Waiver waiver = null;
      if (!policy.waivers().isEmpty()) {
        if (names == null) {
          names = new Names(image.path(), image.details());
        }
        waiver = waiverFor(flag, null, names);
      }
      if (waiver != null) {
        if (waived == null) {
          waived = new ArrayList<>(2);
        }
        waived.add(new EntryPolicy.Waived(flag, waiver));
      } else if (policy.failOn().contains(flag)) {
        if (failing == null) {
          failing = new ArrayList<>(2);
        }
        failing.add(flag);
      }
    }
    if (failing == null && waived == null) {
      return EntryPolicy.NONE;
    }
    return new EntryPolicy(failing == null ? List.of() : failing, waived == null ? List.of() : waived);
  }

  /** Counts one entry that {@link #decide} judged {@code decided}; not thread-safe. */
  void count(EntryPolicy decided) {
    if (decided == EntryPolicy.NONE) {
      return;
    }
    List<Flag> failing = decided.failing();
    for (int i = 0; i < failing.size(); i++) {
      failingImages[failing.get(i).ordinal()]++;
    }
    List<EntryPolicy.Waived> waived = decided.waived();
    for (int i = 0; i < waived.size(); i++) {
      matched[waived.get(i).waiver().index()]++;
    }
    if (!waived.isEmpty()) {
      waivedImages++;
    }
  }

  /** Returns the run's verdict and its reasons, from the counts so far and {@code end}. */
  public RunJudgement judge(RunEnd end) {
    List<RunJudgement.Reason> reasons = new ArrayList<>();
    long unreadablePaths = end.summary().errors();
    long unreadableConfigs = end.configs().stream().filter(c -> !c.readable()).count();
    if (unreadablePaths > 0) {
      reasons.add(
          new RunJudgement.Reason(
              "unreadable", "paths", unreadablePaths, null, null,
              plural(unreadablePaths, "path") + " could not be audited"));
    }
    if (unreadableConfigs > 0) {
      reasons.add(
          new RunJudgement.Reason(
              "unreadable", "vm-configs", unreadableConfigs, null, null,
              plural(unreadableConfigs, "VM config") + " could not be read"));
    }
    if (end.interrupted() != null) {
      reasons.add(
          new RunJudgement.Reason(
              "interrupted", end.interrupted(), 1, null, null,
              "interrupted by " + end.interrupted() + " before the walk ended"));
    }
    for (Flag flag : Flag.values()) {
      long n = failingImages[flag.ordinal()];
      if (n > 0) {
        reasons.add(
            new RunJudgement.Reason(
                "flag", flag.id(), n, null, null, plural(n, "image") + " " + (n == 1 ? "carries " : "carry ") + flag.id()));
      }
    }
    List<RunJudgement.WaivedConfigFinding> waivedConfig = new ArrayList<>();
    long configFailures = 0;
    for (VmConfigAudit config : end.configs()) {
      for (VmConfigAudit.Finding finding : config.findings()) {
        Waiver waiver = waiverFor(null, finding.rule(), new Names(config.path(), null, finding.images()));
        if (waiver != null) {
          matched[waiver.index()]++;
          waivedConfig.add(
              new RunJudgement.WaivedConfigFinding(config.path(), finding.rule().id(), finding.message(), waiver));
        } else if (policy.failOnConfigRules().contains(finding.rule())) {
          configFailures++;
          if (configFailures <= MAX_CONFIG_REASONS) {
            reasons.add(
                new RunJudgement.Reason(
                    "config-rule", finding.rule().id(), 1, config.path(), null,
                    config.path() + ": " + finding.rule().id() + ": " + finding.message()));
          }
        }
      }
    }
    if (configFailures > MAX_CONFIG_REASONS) {
      long more = configFailures - MAX_CONFIG_REASONS;
      reasons.add(
          new RunJudgement.Reason(
              "config-rule", null, more, null, null,
              "and " + plural(more, "more VM config finding") + " (see configs)"));
    }
    List<RunJudgement.WaiverUse> uses = new ArrayList<>();
    for (Waiver w : policy.waivers()) {
      uses.add(new RunJudgement.WaiverUse(w, matched[w.index()], expired[w.index()]));
      if (expired[w.index()]) {
        reasons.add(
            new RunJudgement.Reason(
                "expired-waiver", w.what(), 1, null, w.index(),
                w.describe() + " expired on " + w.expires() + " (owner " + w.owner() + "): renew or remove it"));
      }
    }
    RunVerdict verdict;
    if (!end.complete()) {
      verdict = RunVerdict.INCOMPLETE;
    } else if (!reasons.isEmpty()) {
      verdict = RunVerdict.FAIL;
    } else {
      verdict = RunVerdict.PASS;
    }
    return new RunJudgement(verdict, reasons, uses, waivedConfig, waivedImages, policy);
  }

  /** Returns the first unexpired waiver of {@code flag} (or {@code rule}) that names {@code names}, or null. */
  private Waiver waiverFor(Flag flag, ConfigRule rule, Names names) {
    List<Waiver> waivers = policy.waivers();
    for (int i = 0; i < waivers.size(); i++) {
      Waiver w = waivers.get(i);
      if (expired[i] || (flag != null ? w.flag() != flag : w.rule() != rule)) {
        continue;
      }
      if (names.match(w, globs[i])) {
        return w;
      }
    }
    return null;
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * The names a finding goes by: its path (and, computed once if needed, the absolute one), its
   * head's hash (looked up once, if a waiver names a hash).
   */
  private static final class Names {
    private final List<String> paths;
    private final ImageDetails details;
    private Object sha256;
    private boolean sha256LookedUp;
    private List<String> absolute;

    Names(String path, ImageDetails details) {
      this(path, details, List.of());
    }

    Names(String path, ImageDetails details, List<String> more) {
      List<String> all = new ArrayList<>(1 + more.size());
      all.add(path);
      all.addAll(more);
      this.paths = all;
      this.details = details;
    }

    boolean match(Waiver w, Pattern glob) {
      if (w.sha256() != null) {
        if (!sha256LookedUp) {
          sha256 = details == null ? null : details.get(HEAD_SHA256);
          sha256LookedUp = true;
        }
        return w.sha256().equals(sha256);
      }
      for (String p : paths) {
        if (w.path() != null ? w.path().equals(p) : glob.matcher(p).matches()) {
          return true;
        }
      }
      for (String p : absolute()) {
        if (w.path() != null ? w.path().equals(p) : glob.matcher(p).matches()) {
          return true;
        }
      }
      return false;
    }

    private List<String> absolute() {
      if (absolute == null) {
        absolute = new ArrayList<>(paths.size());
        for (String p : paths) {
          try {
            String abs = Path.of(p).toAbsolutePath().normalize().toString();
            if (!abs.equals(p)) {
              absolute.add(abs);
            }
          } catch (InvalidPathException e) {
            // A name no path can hold (fd:3, a NUL): matched as reported only.
          }
        }
      }
      return absolute;
    }
  }
}
