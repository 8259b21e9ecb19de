package dev.imageaudit.report;

import java.util.List;

/**
 * A run's verdict and why: what a {@link PolicyGate} concluded once the run ended. Bounded: counts
 * per flag, the VM config findings (few: configs are named on the command line), one line per
 * waiver.
 *
 * @param verdict pass, fail or incomplete; incomplete wins over fail (an incomplete run vouches for nothing)
 * @param reasons why the verdict is not pass, in a fixed order: unreadable paths and configs, the
 *     interruption, failing flags, failing VM config findings, expired waivers; empty for pass
 * @param waivers every waiver of the policy, in its order, with what it matched
 * @param waivedConfigFindings VM config findings covered by a waiver
 * @param waivedImages images with at least one waived flag
 * @param policy the policy judged by
 */
public record RunJudgement(
    RunVerdict verdict,
    List<Reason> reasons,
    List<WaiverUse> waivers,
    List<WaivedConfigFinding> waivedConfigFindings,
    long waivedImages,
    Policy policy) {

  public RunJudgement {
    reasons = List.copyOf(reasons);
    waivers = List.copyOf(waivers);
    waivedConfigFindings = List.copyOf(waivedConfigFindings);
  }

  /** Returns the waivers that matched nothing in this run. */
  public List<WaiverUse> unused() {
    return waivers.stream().filter(w -> w.matched() == 0 && !w.expired()).toList();
  }

  /** Returns the waivers past their expiry date. */
  public List<WaiverUse> expired() {
    return waivers.stream().filter(WaiverUse::expired).toList();
  }

  /**
   * One reason for the verdict.
   *
   * @param kind {@code unreadable} (paths or VM configs not read), {@code interrupted}, {@code flag},
   *     {@code config-rule}, {@code expired-waiver}
   * @param code the flag's or rule's id, the signal, or null
   * @param count images with the flag, paths not read, or 1
   * @param config the VM config's path for {@code config-rule}, else null
   * @param waiver the waiver's index for {@code expired-waiver}, else null
   * @param message the reason as a sentence
   */
  public record Reason(String kind, String code, long count, String config, Integer waiver, String message) {}

  /**
   * A waiver and what it did in this run.
   *
   * @param waiver the waiver
   * @param matched findings it covered (0 when expired: an expired waiver covers nothing)
   * @param expired true when its date is past
   */
  public record WaiverUse(Waiver waiver, long matched, boolean expired) {}

  /**
   * A VM config finding a waiver covers.
   *
   * @param config the config's path
   * @param rule the rule's id
   * @param message the finding's message
   * @param waiver the waiver
   */
  public record WaivedConfigFinding(String config, String rule, String message, Waiver waiver) {}
}
