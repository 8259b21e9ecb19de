package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report's compliance part: the verdict banner, the waivers and what they covered, and who
 * made the report. A second Mustache scope beside {@link HtmlView.Page}, so the page's own view
 * model stays as it is. Every string from the run or the policy passes through {@link
 * Display#visible}; Mustache escapes it.
 */
final class ComplianceView {

  /**
   * The page's compliance facts.
   *
   * @param verdict the banner
   * @param provenance who made the report, or null
   * @param policy the policy and its waivers
   * @param waived images with a waived flag (the first rows, then a count)
   * @param waivedConfigs VM config findings a waiver covered
   * @param scriptHash the CSP hash of the page's one inline script
   */
  record Compliance(
      Banner verdict,
      ProvenanceView provenance,
      PolicyView policy,
      HtmlView.Table<WaivedRow> waived,
      HtmlView.Table<WaivedConfigRow> waivedConfigs,
      String scriptHash) {}

  /** The banner: {@code state} is pass, fail or incomplete (its CSS class), {@code label} its words. */
  record Banner(String state, String label, List<String> reasons) {
    boolean hasReasons() {
      return !reasons.isEmpty();
    }
  }

  record ProvenanceView(String host, String user, String commit, String commandLine, String absoluteInputs) {}

  /** The policy: where it came from, what fails, each waiver with what became of it. */
  record PolicyView(String source, String sha256, String failOn, String failOnConfigRules, List<WaiverRow> waivers) {
    boolean hasWaivers() {
      return !waivers.isEmpty();
    }
  }

  /** One waiver; {@code state} is used, unused or expired (its CSS class). */
  record WaiverRow(
      int index, String what, String where, String reason, String owner, String expires, String state, long matched) {}

  /** One waived flag on one image. */
  record WaivedRow(String waivedPath, String waivedFlag, int waiverIndex, String waiverReason, String waiverOwner) {}

  record WaivedConfigRow(String waivedConfig, String waivedRule, String waivedMessage, int configWaiver) {}

  /** Gathers the waived rows of a run as it streams, within the HTML's limits. */
  static final class Waived {
    private final RunAggregates.Capped<WaivedRow> rows;

    Waived(RunAggregates.Limits limits) {
      rows = new RunAggregates.Capped<>(limits);
    }

    void add(AuditEntry entry, EntryPolicy policy) {
      for (EntryPolicy.Waived w : policy.waived()) {
        if (!rows.hasRoom()) {
          rows.leaveOut();
          continue;
        }
        String path = Display.visible(entry.path());
        String reason = Display.visible(w.waiver().reason());
        String owner = Display.visible(w.waiver().owner());
        rows.add(
            new WaivedRow(path, w.flag().id(), w.waiver().index(), reason, owner),
            RunAggregates.htmlBytes(path) + RunAggregates.htmlBytes(reason) + RunAggregates.htmlBytes(owner) + 40);
      }
    }
  }

  private ComplianceView() {}

  static Compliance of(
      RunStart start, RunEnd end, RunJudgement judgement, Provenance provenance, Waived waived, String scriptHash) {
    List<String> reasons = new ArrayList<>();
    for (RunJudgement.Reason reason : judgement.reasons()) {
      reasons.add(Display.visible(reason.message()));
    }
    String state = judgement.verdict().id();
    Banner banner = new Banner(state, state.toUpperCase(Locale.ROOT), reasons);
    ProvenanceView prov =
        provenance == null
            ? null
            : new ProvenanceView(
                Display.visible(provenance.host()),
                Display.visible(provenance.user()),
                Display.visible(provenance.version() + " (commit " + provenance.commit() + ")"),
                Display.visible(String.join(" ", provenance.commandLine())),
                Display.visible(String.join(" ", provenance.inputs())));
    Policy policy = judgement.policy();
    List<WaiverRow> waivers = new ArrayList<>();
    for (RunJudgement.WaiverUse use : judgement.waivers()) {
      Waiver w = use.waiver();
      waivers.add(
          new WaiverRow(
              w.index(), w.what(), Display.visible(w.where()), Display.visible(w.reason()), Display.visible(w.owner()),
              w.expires().toString(), use.expired() ? "expired" : use.matched() == 0 ? "unused" : "used", use.matched()));
    }
    PolicyView policyView =
        new PolicyView(
            policy.source() == null ? "built in (--fail-on)" : Display.visible(policy.source()),
            policy.sha256(),
            ids(policy.failOn().stream().map(f -> f.id()).toList()),
            ids(policy.failOnConfigRules().stream().map(r -> r.id()).toList()),
            waivers);
    List<WaivedConfigRow> configRows = new ArrayList<>();
    for (RunJudgement.WaivedConfigFinding f : judgement.waivedConfigFindings()) {
      configRows.add(
          new WaivedConfigRow(
              Display.visible(f.config()), f.rule(), Display.visible(f.message()), f.waiver().index()));
    }
    RunAggregates.Capped<WaivedRow> rows = waived == null ? null : waived.rows;
    return new Compliance(
        banner,
        prov,
        policyView,
        rows == null ? new HtmlView.Table<>(List.of()) : new HtmlView.Table<>(rows.rows(), rows.leftOut()),
        new HtmlView.Table<>(configRows),
        scriptHash);
  }

  private static String ids(List<String> ids) {
    return ids.isEmpty() ? "nothing" : String.join(", ", ids);
  }
}
