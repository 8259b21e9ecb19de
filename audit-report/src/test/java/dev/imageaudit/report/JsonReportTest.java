package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonReportTest {

  static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** The image object's keys, in the documented order. */
  static final List<String> IMAGE_KEYS =
      List.of(
          "path", "pathBytes", "target", "format", "fileSize", "virtualSize", "partitionSize", "avf", "flags", "details",
          "bytesRead", "skip", "error", "failing", "waived");

  /** The keys of an object, without the exact string twins of u64 values above 2^53 (present only for those). */
  static List<String> keysWithoutTwins(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (String key : node.propertyNames()) {
      if (!(key.endsWith("Exact") && node.has(key.substring(0, key.length() - 5)))) {
        keys.add(key);
      }
    }
    return keys;
  }

  static byte[] json(AuditReport report) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonReport.write(report, out);
    return out.toByteArray();
  }

  static byte[] jsonLines(AuditReport report) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesReport.write(report, out);
    return out.toByteArray();
  }

  @Test
  void matchesTheGoldenFileByteForByte() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonReport.write(Fixtures.report(), bytes, PolicyGate.of(Fixtures.policy(), Fixtures.CLOCK), Fixtures.provenance());
    byte[] actual = bytes.toByteArray();
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/report.json")) {
      assertThat(in).as("golden/report.json on the test classpath").isNotNull();
      golden = in.readAllBytes();
    }
    if (!java.util.Arrays.equals(actual, golden)) {
      // Left for a diff; copy over the golden only after reading it.
      Path dump = Path.of("target", "golden-actual", "report.json");
      Files.createDirectories(dump.getParent());
      Files.write(dump, actual);
    }
    assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void everyImageObjectHasTheSameKeysInTheDocumentedOrder() {
    JsonNode root = MAPPER.readTree(json(Fixtures.report()));
    JsonNode images = root.get("images");
    assertThat(images.size()).isEqualTo(6);
    for (JsonNode image : images) {
      assertThat(keysWithoutTwins(image)).containsExactlyElementsOf(IMAGE_KEYS);
      assertThat(new ArrayList<>(image.get("avf").propertyNames())).containsExactly("partition", "reason", "disk", "diskReason");
    }
    assertThat(new ArrayList<>(root.propertyNames()))
        .containsExactly(
            "schemaVersion", "tool", "startedAt", "finishedAt", "verdict", "verdictReasons", "complete",
            "interrupted", "inputs", "provenance", "policy", "summary", "images", "configs");
  }

  @Test
  void everyConfigObjectHasEveryKeyNullWhereNothingApplies() {
    JsonNode configs = MAPPER.readTree(json(Fixtures.report())).get("configs");
    assertThat(configs.size()).isEqualTo(2);
    for (JsonNode config : configs) {
      assertThat(new ArrayList<>(config.propertyNames()))
          .containsExactly("path", "readable", "errors", "warnings", "disks", "findings");
      for (JsonNode disk : config.get("disks")) {
        assertThat(new ArrayList<>(disk.propertyNames()))
            .containsExactly("index", "writable", "image", "imageFormat", "partitions", "compositeSize");
        for (JsonNode partition : disk.get("partitions")) {
          assertThat(new ArrayList<>(partition.propertyNames()))
              .containsExactly("label", "path", "writable", "format", "size");
        }
      }
      for (JsonNode finding : config.get("findings")) {
        assertThat(new ArrayList<>(finding.propertyNames()))
            .containsExactly("rule", "severity", "message", "disk", "partition", "images");
      }
    }
    JsonNode read = configs.get(0);
    assertThat(read.get("path").stringValue()).isEqualTo(Fixtures.CONFIG);
    assertThat(read.get("readable").booleanValue()).isTrue();
    assertThat(read.get("errors").longValue()).isEqualTo(1);
    assertThat(read.get("warnings").longValue()).isEqualTo(1);
    assertThat(read.at("/disks/0/compositeSize").longValue()).isEqualTo(134_283_264);
    assertThat(read.at("/disks/0/image").isNull()).isTrue();
    assertThat(read.at("/disks/0/partitions/1/writable").booleanValue()).isTrue();
    assertThat(read.at("/disks/0/partitions/0/format").stringValue()).isEqualTo("android-sparse");
    assertThat(read.at("/disks/1/writable").isNull()).isTrue();
    assertThat(read.at("/disks/1/image").stringValue()).isEqualTo(Fixtures.QCOW2);
    assertThat(read.at("/disks/1/compositeSize").isNull()).isTrue();
    assertThat(read.at("/findings/0/rule").stringValue()).isEqualTo("invalid-config");
    assertThat(read.at("/findings/0/severity").stringValue()).isEqualTo("error");
    assertThat(read.at("/findings/0/disk").intValue()).isEqualTo(1);
    assertThat(read.at("/findings/0/partition").isNull()).isTrue();
    assertThat(read.at("/findings/1/severity").stringValue()).isEqualTo("warning");
    assertThat(read.at("/findings/1/disk").isNull()).isTrue();
    assertThat(read.at("/findings/1/images").size()).isEqualTo(2);
    JsonNode gone = configs.get(1);
    assertThat(gone.get("readable").booleanValue()).isFalse();
    assertThat(gone.get("disks").isEmpty()).isTrue();
    assertThat(gone.at("/findings/0/rule").stringValue()).isEqualTo("config-unreadable");
  }

  @Test
  void anUnreadableConfigAloneMakesTheRunIncomplete() {
    AuditReport report =
        Fixtures.report(List.of(Fixtures.raw("a.img", 1)), List.of("a.img"), List.of(Fixtures.configs().get(1)));
    assertThat(report.summary().complete()).isTrue();
    assertThat(MAPPER.readTree(json(report)).get("complete").booleanValue()).isFalse();
    AuditReport broken =
        Fixtures.report(List.of(Fixtures.raw("a.img", 1)), List.of("a.img"), List.of(Fixtures.configs().get(0)));
    assertThat(MAPPER.readTree(json(broken)).get("complete").booleanValue()).isTrue();
  }

  @Test
  void topLevelAndSummaryCarryTheReport() {
    JsonNode root = MAPPER.readTree(json(Fixtures.report()));
    assertThat(root.get("schemaVersion").intValue()).isEqualTo(1);
    assertThat(root.at("/tool/name").stringValue()).isEqualTo("image-audit");
    assertThat(root.at("/tool/version").stringValue()).isEqualTo(Fixtures.VERSION);
    assertThat(root.get("startedAt").stringValue()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(root.get("finishedAt").stringValue()).isEqualTo("2026-01-02T03:04:07.250Z");
    assertThat(root.get("complete").booleanValue()).isFalse();
    assertThat(root.at("/summary/files").longValue()).isEqualTo(6).isEqualTo(root.get("images").size());
    assertThat(root.at("/summary/partition/rejected").longValue()).isEqualTo(2);
    assertThat(root.at("/summary/partition/error").longValue()).isZero();
    assertThat(root.at("/summary/byFormat/qcow2").longValue()).isEqualTo(1);
    assertThat(root.at("/summary/errorsByKind/io-error").longValue()).isEqualTo(1);
    assertThat(root.at("/summary/skippedByReason/symlink").longValue()).isEqualTo(1);
  }

  @Test
  void skippedAndFailedEntriesHaveNullsWhereNothingApplies() {
    JsonNode images = MAPPER.readTree(json(Fixtures.report())).get("images");
    // In the order given (walk order): four images, the skipped link, the failed descriptor.
    JsonNode failed = images.get(5);
    assertThat(failed.get("path").stringValue()).isEqualTo(Fixtures.FD);
    assertThat(failed.get("target").stringValue()).isEqualTo("/dev/sdz");
    assertThat(failed.get("format").isNull()).isTrue();
    assertThat(failed.at("/avf/partition").isNull()).isTrue();
    assertThat(failed.at("/error/kind").stringValue()).isEqualTo("io-error");
    assertThat(failed.at("/error/message").stringValue()).isEqualTo("Input/output error");
    assertThat(failed.get("skip").isNull()).isTrue();
    JsonNode skipped = images.get(4);
    assertThat(skipped.get("skip").stringValue()).isEqualTo("symlink");
    assertThat(skipped.get("error").isNull()).isTrue();
    assertThat(skipped.get("fileSize").isNull()).isTrue();
    assertThat(skipped.get("flags").isEmpty()).isTrue();
    assertThat(skipped.get("details").isEmpty()).isTrue();
  }

  @Test
  void u64AboveTwoToThe63IsAnExactUnsignedInteger() {
    AuditEntry.Image max =
        new AuditEntry.Image(
            "max.qcow2", null, ImageFormat.QCOW2, 1024, U64.of(-1L), null, Verdict.rejected("no"), Verdict.accepted(), Set.of(),
            ImageDetails.recorded(Map.of("size", U64.of(-2L))), 512);
    AuditEntry.Image half =
        new AuditEntry.Image(
            "min.qcow2", null, ImageFormat.QCOW2, 1024, U64.of(Long.MIN_VALUE), U64.of(Long.MAX_VALUE),
            Verdict.rejected("no"), Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()), 512);
    AuditReport report = Fixtures.report(List.of(max, half), List.of("x"));

    String text = new String(json(report), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"virtualSize\":18446744073709551615,")
        .contains("\"size\":18446744073709551614")
        .contains("\"virtualSize\":9223372036854775808,")
        .contains("\"partitionSize\":9223372036854775807,")
        .doesNotContain("-1")
        .doesNotContainPattern("\\d[eE][+-]?\\d");
    JsonNode images = MAPPER.readTree(text).get("images");
    assertThat(images.get(0).get("virtualSize").bigIntegerValue())
        .isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
    assertThat(images.get(1).get("virtualSize").bigIntegerValue()).isEqualTo(BigInteger.TWO.pow(63));

    String lines = new String(jsonLines(report), StandardCharsets.UTF_8);
    assertThat(lines).contains("\"virtualSize\":18446744073709551615,").contains("\"virtualSize\":9223372036854775808,");
  }

  @Test
  void jsonLinesHoldOneImageObjectPerLineShapedAsInTheReportThenTheSummaryRecord() {
    AuditReport report = Fixtures.report();
    String text = new String(jsonLines(report), StandardCharsets.UTF_8);
    assertThat(text).endsWith("}\n").doesNotStartWith(" ");
    String[] lines = text.split("\n", -1);
    assertThat(lines).hasSize(report.entries().size() + 2);
    assertThat(lines[lines.length - 1]).isEmpty();
    JsonNode root = MAPPER.readTree(json(report));
    JsonNode images = root.get("images");
    for (int i = 0; i < report.entries().size(); i++) {
      assertThat(MAPPER.readTree(lines[i])).isEqualTo(images.get(i));
      assertThat(MAPPER.readTree(lines[i]).has("record")).isFalse();
    }
    JsonNode summary = MAPPER.readTree(lines[report.entries().size()]);
    assertThat(new ArrayList<>(summary.propertyNames()))
        .containsExactly(
            "record", "schemaVersion", "tool", "startedAt", "finishedAt", "verdict", "verdictReasons", "complete",
            "interrupted", "inputs", "provenance", "policy", "summary", "configs");
    assertThat(summary.get("record").stringValue()).isEqualTo("summary");
    // The same run facts as report.json, key by key.
    for (String key : List.of("schemaVersion", "tool", "startedAt", "finishedAt", "verdict", "verdictReasons",
        "complete", "interrupted", "inputs", "provenance", "policy", "summary", "configs")) {
      assertThat(summary.get(key)).as(key).isEqualTo(root.get(key));
    }
  }

  @Test
  void anEmptyReportHasEmptyImagesAndOnlyTheSummaryLine() {
    AuditReport empty = Fixtures.report(List.of(), List.of());
    JsonNode root = MAPPER.readTree(json(empty));
    assertThat(root.get("images").isEmpty()).isTrue();
    assertThat(root.get("configs").isArray()).isTrue();
    assertThat(root.get("configs").isEmpty()).isTrue();
    assertThat(root.get("complete").booleanValue()).isTrue();
    assertThat(root.get("interrupted").isNull()).isTrue();
    assertThat(root.at("/summary/partition/accepted").longValue()).isZero();
    String lines = new String(jsonLines(empty), StandardCharsets.UTF_8);
    assertThat(lines).startsWith("{\"record\":\"summary\",").endsWith("}\n").hasLineCount(1);
  }

  @Test
  void writersFlushButNeverCloseTheCallersStream() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean[] closed = {false};
    FilterOutputStream out =
        new FilterOutputStream(bytes) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    JsonReport.write(Fixtures.report(), out);
    int afterJson = bytes.size();
    JsonLinesReport.write(Fixtures.report(), out);
    assertThat(closed[0]).isFalse();
    assertThat(afterJson).isPositive();
    assertThat(bytes.size()).isGreaterThan(afterJson);
  }
}
