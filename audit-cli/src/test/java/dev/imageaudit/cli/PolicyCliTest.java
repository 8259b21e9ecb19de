package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code scan --policy}: verdicts, waivers, malformed policies, provenance, from the command line. */
class PolicyCliTest {

  @TempDir Path tmp;

  private Path policy(String yaml) throws IOException {
    return Files.writeString(tmp.resolve("policy.yaml"), yaml);
  }

  @Test
  void aFailingRunSaysFailEverywhereAndExits1() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("a.qcow2"));
    Cli.raw(store.resolve("b.img"));
    Path out = tmp.resolve("out");
    Cli.Result result = Cli.run("scan", "-o", out.toString(), store.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    String[] lines = result.out().strip().split("\n");
    assertThat(lines[lines.length - 1]).isEqualTo("Verdict: FAIL (1 image carries unsupported-partition-image)");
    JsonNode report = Cli.report(out);
    assertThat(report.get("verdict").stringValue()).isEqualTo("fail");
    assertThat(report.get("verdictReasons").get(0).get("code").stringValue()).isEqualTo("unsupported-partition-image");
    assertThat(report.get("complete").booleanValue()).isTrue();
    String jsonl = Files.readString(out.resolve("report.jsonl"));
    assertThat(jsonl.strip().substring(jsonl.strip().lastIndexOf('\n') + 1)).contains("\"verdict\":\"fail\"");
    assertThat(Files.readString(out.resolve("report.html"))).contains("class=\"verdict fail\"");
  }

  @Test
  void aWaiverByGlobTurnsTheRunToPassAndIsReportedWithItsWaiver() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("legacy/old.qcow2"));
    Cli.raw(store.resolve("b.img"));
    Path policy =
        policy(
            """
            waivers:
              - glob: "**/legacy/*.qcow2"
                flag: unsupported-partition-image
                reason: the 2019 VM still boots it
                owner: storage-team
                expires: 2999-12-31
              - path: nowhere.img
                flag: dirty
                reason: r
                owner: o
                expires: 2999-12-31
            """);
    Path out = tmp.resolve("out");
    Cli.Result result = Cli.run("scan", "--policy", policy.toString(), "-o", out.toString(), store.toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
    assertThat(result.out()).contains("waiver #1 (dirty, path nowhere.img): unused").endsWith("Verdict: PASS\n");
    JsonNode report = Cli.report(out);
    assertThat(report.get("verdict").stringValue()).isEqualTo("pass");
    JsonNode image = report.get("images").get(1);
    assertThat(image.get("path").stringValue()).endsWith("legacy/old.qcow2");
    assertThat(image.get("waived").get(0).get("waiver").intValue()).isEqualTo(0);
    assertThat(image.get("failing").size()).isZero();
    assertThat(report.get("policy").get("waivers").get(1).get("unused").booleanValue()).isTrue();
    assertThat(report.get("policy").get("sha256").stringValue()).isEqualTo(sha256(Files.readAllBytes(policy)));
    assertThat(Files.readString(out.resolve("report.html"))).contains("the 2019 VM still boots it");
  }

  @Test
  void aWaiverBySha256FollowsTheBytesWhereverTheyAre() throws Exception {
    Path store = tmp.resolve("store");
    Path moved = Cli.qcow2(store.resolve("renamed/anything.bin"));
    Path policy =
        policy(
            """
            waivers:
              - sha256: %s
                flag: unsupported-partition-image
                reason: golden image
                owner: vm-team
                expires: 2999-12-31
            """
                .formatted(sha256(Files.readAllBytes(moved))));
    Path out = tmp.resolve("out");
    Cli.Result result = Cli.run("scan", "--policy", policy.toString(), "-o", out.toString(), store.toString());
    assertThat(result.exitCode()).as(result.out()).isEqualTo(0);
    JsonNode image = Cli.report(out).get("images").get(0);
    assertThat(image.get("details").get("headSha256").stringValue()).isEqualTo(sha256(Files.readAllBytes(moved)));
    assertThat(image.get("waived").size()).isEqualTo(1);
  }

  @Test
  void anExpiredWaiverFailsTheRunAndSaysSo() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("a.qcow2"));
    Path policy =
        policy(
            "waivers:\n  - {glob: '**', flag: unsupported-partition-image, reason: r, owner: alice, expires: 2000-01-01}\n");
    Path out = tmp.resolve("out");
    Cli.Result result = Cli.run("scan", "--policy", policy.toString(), "-o", out.toString(), store.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("EXPIRED")
        .contains("waiver #0 (unsupported-partition-image, glob **) expired on 2000-01-01 (owner alice)");
    assertThat(Cli.report(out).get("policy").get("waivers").get(0).get("expired").booleanValue()).isTrue();
  }

  @Test
  void aMalformedPolicyIsAUsageErrorNamingLineAndColumn() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("b.img"));
    Path policy = policy("failOn: [dirty]\nwaivers:\n  - path: a\n    flagg: dirty\n");
    Cli.Result result = Cli.run("scan", "--policy", policy.toString(), "-o", tmp.resolve("out").toString(), store.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("invalid policy: " + policy + ":4:5: unknown key 'flagg'");
    assertThat(tmp.resolve("out/report.json")).doesNotExist();
  }

  @Test
  void anExplicitFailOnAddsToThePolicy() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("a.qcow2"));
    Path policy = policy("failOn: []\n");
    Path out = tmp.resolve("out");
    assertThat(Cli.run("scan", "--policy", policy.toString(), "-o", out.toString(), store.toString()).exitCode())
        .isEqualTo(0);
    assertThat(
            Cli.run("scan", "--policy", policy.toString(), "--fail-on", "unsupported-partition-image", "-o",
                    out.toString(), store.toString())
                .exitCode())
        .isEqualTo(1);
    assertThat(Cli.run("scan", "--policy", policy.toString(), "--fail-on", "none", store.toString()).exitCode())
        .isEqualTo(2);
  }

  @Test
  void theReportNamesItsProvenance() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("b.img"));
    Path out = tmp.resolve("out");
    Cli.run("scan", "-o", out.toString(), store.toString());
    JsonNode provenance = Cli.report(out).get("provenance");
    assertThat(provenance.get("host").stringValue()).isNotBlank();
    assertThat(provenance.get("user").stringValue()).isEqualTo(System.getProperty("user.name"));
    assertThat(provenance.get("inputs").get(0).stringValue()).isEqualTo(store.toAbsolutePath().toString());
    assertThat(provenance.get("commandLine").toString())
        .isEqualTo("[\"image-audit\",\"scan\",\"-o\",\"" + out + "\",\"" + store + "\"]");
    assertThat(provenance.get("startedAt").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(provenance.get("version").stringValue()).isNotBlank();
    assertThat(provenance.get("commit").stringValue()).isNotBlank();
  }

  static String sha256(byte[] bytes) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
