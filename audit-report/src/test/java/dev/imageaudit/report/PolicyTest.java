package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Policies as read from files, and the verdicts and waivers they give. */
class PolicyTest {

  private static final Clock JAN_2 = Clock.fixed(Instant.parse("2026-01-02T12:00:00Z"), ZoneOffset.UTC);
  private static final String SHA = "ab".repeat(32);

  private static Policy yaml(String text) throws PolicyException {
    return Policy.parse(text.getBytes(StandardCharsets.UTF_8), "policy.yaml", false);
  }

  private static AuditEntry.Image image(String path, Set<Flag> flags, Map<String, Object> details) {
    return new AuditEntry.Image(
        path, null, ImageFormat.QCOW2, 1000, U64.of(1000), null, Verdict.rejected("qcow2"), Verdict.accepted(),
        flags, ImageDetails.recorded(details), 512);
  }

  private static RunEnd end(List<AuditEntry> entries, List<VmConfigAudit> configs) {
    return new RunEnd(Instant.parse("2026-01-02T12:00:01Z"), AuditSummary.of(entries), configs, null);
  }

  @Test
  void aFullPolicyReadsWithDefaultsForWhatIsLeftOut() throws PolicyException {
    Policy policy =
        yaml(
            """
            failOn: [backing-file, unsupported-partition-image]
            waivers:
              - glob: "legacy/**"
                flag: backing-file
                reason: kept for the 2019 VM
                owner: storage-team
                expires: 2026-06-30
              - sha256: %s
                flag: unsupported-partition-image
                reason: the golden qcow2, wherever it moves
                owner: vm-team
                expires: 2027-01-01
            """
                .formatted(SHA.toUpperCase()));
    assertThat(policy.failOn()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.BACKING_FILE);
    assertThat(policy.failOnConfigRules()).contains(ConfigRule.MISSING_FILE).doesNotContain(ConfigRule.RELATIVE_PATHS);
    assertThat(policy.waivers()).hasSize(2);
    assertThat(policy.waivers().get(1).sha256()).isEqualTo(SHA);
    assertThat(policy.headSha256Flags()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE);
    assertThat(policy.sha256()).hasSize(64);
  }

  @Test
  void jsonPoliciesReadToo() throws PolicyException {
    Policy policy =
        Policy.parse(
            "{\"failOn\": [\"dirty\"], \"failOnConfigRules\": [], \"waivers\": []}".getBytes(StandardCharsets.UTF_8),
            "p.json", true);
    assertThat(policy.failOn()).containsExactly(Flag.DIRTY);
    assertThat(policy.failOnConfigRules()).isEmpty();
  }

  @Test
  void anUnknownKeyIsAnErrorWithItsLineAndColumn() {
    assertThatThrownBy(() -> yaml("failOn: [dirty]\nfailon: [corrupt]\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.yaml:2:1: unknown key 'failon' (known: failOn, failOnConfigRules, waivers)");
    assertThatThrownBy(
            () -> yaml("waivers:\n  - path: a\n    flag: dirty\n    reasn: typo\n    owner: o\n    expires: 2026-01-01\n"))
        .hasMessageStartingWith("policy.yaml:4:5: unknown key 'reasn'");
  }

  @Test
  void badValuesAreErrorsWithTheirPlace() {
    assertThatThrownBy(() -> yaml("failOn: [dirty, not-a-flag]\n"))
        .hasMessageStartingWith("policy.yaml:1:17: unknown flag 'not-a-flag' (known: unsupported-partition-image,");
    assertThatThrownBy(
            () -> yaml("waivers:\n  - path: a\n    flag: dirty\n    reason: r\n    owner: o\n    expires: tomorrow\n"))
        .hasMessage("policy.yaml:6:14: expires is a date YYYY-MM-DD, not 'tomorrow'");
    assertThatThrownBy(() -> yaml("waivers:\n  - path: a\n    flag: dirty\n    owner: o\n    expires: 2026-01-01\n"))
        .hasMessage("policy.yaml:2:5: waiver #0: 'reason' is required (every waiver says why, who, until when)");
    assertThatThrownBy(
            () -> yaml("waivers:\n  - path: a\n    glob: b\n    flag: dirty\n    reason: r\n    owner: o\n    expires: 2026-01-01\n"))
        .hasMessage("policy.yaml:2:5: waiver #0: name its images by exactly one of path, glob, sha256");
    assertThatThrownBy(
            () -> yaml("waivers: [{sha256: " + SHA + ", rule: missing-file, reason: r, owner: o, expires: 2026-01-01}]"))
        .hasMessage("policy.yaml:1:11: waiver #0: a sha256 names image contents: it waives a flag, not a VM config rule");
    assertThatThrownBy(() -> yaml("failOn: dirty\n")).hasMessage("policy.yaml:1:9: failOn is a list, found a string");
    assertThatThrownBy(() -> yaml("failOn: [dirty]\nfailOn: [corrupt]\n")).hasMessageStartingWith("policy.yaml:2:1: key 'failOn' given twice");
    assertThatThrownBy(() -> yaml("failOn: [dirty\n")).hasMessageStartingWith("policy.yaml:").hasMessageContaining("not valid YAML");
  }

  @Test
  void waiversMatchByExactPathByGlobAndBySha256() throws PolicyException {
    Policy policy =
        yaml(
            """
            failOn: [backing-file, unsupported-partition-image, dirty]
            waivers:
              - {path: store/a.qcow2, flag: backing-file, reason: r, owner: o, expires: 2026-01-02}
              - {glob: "legacy/**/*.qcow2", flag: unsupported-partition-image, reason: r, owner: o, expires: 2027-01-01}
              - {sha256: %s, flag: dirty, reason: r, owner: o, expires: 2027-01-01}
            """
                .formatted(SHA));
    PolicyGate gate = PolicyGate.of(policy, JAN_2);
    Set<Flag> flags = Set.of(Flag.BACKING_FILE, Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY);

    EntryPolicy exact = gate.judge(image("store/a.qcow2", flags, Map.of()));
    assertThat(exact.waived()).extracting(EntryPolicy.Waived::flag).containsExactly(Flag.BACKING_FILE);
    assertThat(exact.failing()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY);

    EntryPolicy glob = gate.judge(image("legacy/2019/deep/b.qcow2", flags, Map.of(PolicyGate.HEAD_SHA256, SHA)));
    assertThat(glob.waived())
        .extracting(w -> w.waiver().index())
        .containsExactly(1, 2);
    assertThat(glob.failing()).containsExactly(Flag.BACKING_FILE);

    // A glob's * stays within a folder; the same bytes under another name are still waived by hash.
    EntryPolicy moved = gate.judge(image("legacy/b.qcow2x", flags, Map.of(PolicyGate.HEAD_SHA256, "cd".repeat(32))));
    assertThat(moved.waived()).isEmpty();
    assertThat(moved.fails()).isTrue();

    RunJudgement judgement = gate.judge(end(List.of(), List.of()));
    assertThat(judgement.verdict()).isEqualTo(RunVerdict.FAIL);
    assertThat(judgement.waivers()).extracting(RunJudgement.WaiverUse::matched).containsExactly(1L, 1L, 1L);
    assertThat(judgement.waivedImages()).isEqualTo(2);
    assertThat(judgement.reasons())
        .extracting(RunJudgement.Reason::message)
        .containsExactly("2 images carry unsupported-partition-image", "2 images carry backing-file", "2 images carry dirty");
  }

  @Test
  void decidingCountsNothingAndCountingWhatWasDecidedJudgesAsJudgeDoes() throws PolicyException {
    Policy policy =
        yaml(
            """
            failOn: [backing-file, unsupported-partition-image, dirty]
            waivers:
              - {path: store/a.qcow2, flag: backing-file, reason: r, owner: o, expires: 2026-01-02}
              - {sha256: %s, flag: dirty, reason: r, owner: o, expires: 2027-01-01}
            """
                .formatted(SHA));
    Set<Flag> flags = Set.of(Flag.BACKING_FILE, Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.DIRTY);
    List<AuditEntry> entries =
        List.of(
            image("store/a.qcow2", flags, Map.of()),
            image("store/b.qcow2", flags, Map.of(PolicyGate.HEAD_SHA256, SHA)),
            image("store/c.qcow2", Set.of(), Map.of()),
            image("store/d.qcow2", Set.of(Flag.DIRTY), Map.of()));
    PolicyGate judged = PolicyGate.of(policy, JAN_2);
    PolicyGate decided = PolicyGate.of(policy, JAN_2);
    List<EntryPolicy> decisions = entries.stream().map(decided::decide).toList();
    // Deciding alone left the run's counts at nothing.
    assertThat(decided.judge(end(List.of(), List.of())).verdict()).isEqualTo(RunVerdict.PASS);

    decided = PolicyGate.of(policy, JAN_2);
    for (int i = 0; i < entries.size(); i++) {
      EntryPolicy decision = decided.decide(entries.get(i));
      assertThat(decision).isEqualTo(decisions.get(i)).isEqualTo(judged.judge(entries.get(i)));
      decided.count(decision);
    }
    assertThat(decided.judge(end(List.of(), List.of()))).isEqualTo(judged.judge(end(List.of(), List.of())));
  }

  @Test
  void anExactPathMatchesTheAbsoluteFormToo() throws PolicyException {
    String absolute = java.nio.file.Path.of("store/a.img").toAbsolutePath().toString();
    PolicyGate gate =
        PolicyGate.of(yaml("waivers: [{path: '" + absolute + "', flag: dirty, reason: r, owner: o, expires: 2026-02-01}]"), JAN_2);
    assertThat(gate.judge(image("store/a.img", Set.of(Flag.DIRTY), Map.of())).waived()).hasSize(1);
  }

  @Test
  void aWaiverPastItsDateWaivesNothingAndFailsTheRunSayingSo() throws PolicyException {
    Policy policy =
        yaml(
            """
            failOn: []
            waivers:
              - {path: a.img, flag: dirty, reason: r, owner: storage-team, expires: 2026-01-01}
              - {path: b.img, flag: dirty, reason: r, owner: o, expires: 2026-01-02}
            """);
    PolicyGate gate = PolicyGate.of(policy, JAN_2);
    List<AuditEntry> entries = List.of(image("a.img", Set.of(Flag.DIRTY), Map.of()), image("b.img", Set.of(Flag.DIRTY), Map.of()));
    List<EntryPolicy> judged = new ArrayList<>();
    entries.forEach(e -> judged.add(gate.judge(e)));
    // dirty does not fail this policy; the expired waiver covers nothing, the one expiring today still does.
    assertThat(judged.get(0)).isEqualTo(EntryPolicy.NONE);
    assertThat(judged.get(1).waived()).hasSize(1);
    RunJudgement judgement = gate.judge(end(entries, List.of()));
    assertThat(judgement.verdict()).isEqualTo(RunVerdict.FAIL);
    assertThat(judgement.reasons())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind()).isEqualTo("expired-waiver");
              assertThat(r.waiver()).isEqualTo(0);
              assertThat(r.message())
                  .isEqualTo("waiver #0 (dirty, path a.img) expired on 2026-01-01 (owner storage-team): renew or remove it");
            });
    assertThat(judgement.expired()).extracting(u -> u.waiver().index()).containsExactly(0);
    assertThat(judgement.unused()).isEmpty();
    // A day earlier the same policy passes.
    PolicyGate before = PolicyGate.of(policy, Clock.offset(JAN_2, java.time.Duration.ofDays(-1)));
    entries.forEach(before::judge);
    assertThat(before.judge(end(entries, List.of())).verdict()).isEqualTo(RunVerdict.PASS);
  }

  @Test
  void aWaiverThatMatchedNothingIsListedAsUnusedAndDoesNotFail() throws PolicyException {
    PolicyGate gate =
        PolicyGate.of(yaml("waivers: [{glob: 'nowhere/*', flag: dirty, reason: r, owner: o, expires: 2030-01-01}]"), JAN_2);
    gate.judge(image("here/a.img", Set.of(Flag.DIRTY), Map.of()));
    RunJudgement judgement = gate.judge(end(List.of(), List.of()));
    assertThat(judgement.verdict()).isEqualTo(RunVerdict.PASS);
    assertThat(judgement.unused()).extracting(u -> u.waiver().glob()).containsExactly("nowhere/*");
  }

  @Test
  void verdictsPassFailAndIncomplete() {
    PolicyGate pass = PolicyGate.of(Policy.DEFAULT, JAN_2);
    AuditEntry clean = image("ok.img", Set.of(Flag.DIRTY), Map.of());
    pass.judge(clean);
    assertThat(pass.judge(end(List.of(clean), List.of())).verdict()).isEqualTo(RunVerdict.PASS);

    PolicyGate fail = PolicyGate.of(Policy.DEFAULT, JAN_2);
    AuditEntry bad = image("bad.qcow2", Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE), Map.of());
    assertThat(fail.judge(bad).failing()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE);
    VmConfigAudit config =
        new VmConfigAudit(
            "vm.json", true, List.of(),
            List.of(new VmConfigAudit.Finding(ConfigRule.MISSING_FILE, "no such file: x.img", null, null, List.of("x.img"))));
    RunJudgement failed = fail.judge(end(List.of(bad), List.of(config)));
    assertThat(failed.verdict()).isEqualTo(RunVerdict.FAIL);
    assertThat(failed.reasons())
        .extracting(RunJudgement.Reason::message)
        .containsExactly("1 image carries unsupported-partition-image", "vm.json: missing-file: no such file: x.img");

    PolicyGate incomplete = PolicyGate.of(Policy.DEFAULT, JAN_2);
    AuditEntry unreadable = new AuditEntry.Failed("locked.img", null, ErrorKind.ACCESS_DENIED, "Permission denied");
    incomplete.judge(bad);
    incomplete.judge(unreadable);
    RunJudgement judged = incomplete.judge(end(List.of(bad, unreadable), List.of()));
    // Incomplete wins over fail, and still says both.
    assertThat(judged.verdict()).isEqualTo(RunVerdict.INCOMPLETE);
    assertThat(judged.reasons())
        .extracting(RunJudgement.Reason::message)
        .containsExactly("1 path could not be audited", "1 image carries unsupported-partition-image");

    // --fail-on none: nothing fails, VM config errors included.
    PolicyGate none = PolicyGate.of(Policy.quick(Set.of()), JAN_2);
    none.judge(bad);
    assertThat(none.judge(end(List.of(bad), List.of(config))).verdict()).isEqualTo(RunVerdict.PASS);
  }

  @Test
  void configFindingsAreWaivedByTheConfigsPathOrAnImageTheyName() throws PolicyException {
    PolicyGate gate =
        PolicyGate.of(yaml("waivers: [{path: x.img, rule: missing-file, reason: r, owner: o, expires: 2030-01-01}]"), JAN_2);
    VmConfigAudit config =
        new VmConfigAudit(
            "vm.json", true, List.of(),
            List.of(new VmConfigAudit.Finding(ConfigRule.MISSING_FILE, "no such file: x.img", null, null, List.of("x.img"))));
    RunJudgement judgement = gate.judge(end(List.of(), List.of(config)));
    assertThat(judgement.verdict()).isEqualTo(RunVerdict.PASS);
    assertThat(judgement.waivedConfigFindings()).extracting(RunJudgement.WaivedConfigFinding::rule).containsExactly("missing-file");
  }
}
