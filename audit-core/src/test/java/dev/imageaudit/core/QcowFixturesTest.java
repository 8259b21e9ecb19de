package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * qcow and qcow2 images made by qemu-img, one per creation option that changes the header
 * (fixtures/qcow2/make.sh), and the example store's, against what qemu-img info recorded.
 */
class QcowFixturesTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/qcow2");

  static Stream<String> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".qemu-img-info.json"))
          .map(n -> n.substring(0, n.length() - ".qemu-img-info.json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  static Stream<String> storeImages() {
    return Stream.of("qcow2-v3.qcow2", "qcow2-v2.qcow2", "qcow-v1.qcow", "overlay-with-backing.qcow2");
  }

  @Test
  void everyCreationOptionHasItsFixture() throws IOException {
    assertThat(fixtures()).containsExactlyInAnyOrder(
        "aes-v1.qcow", "aes.qcow2", "backing-qcow2.qcow2", "backing-raw.qcow2", "cluster-4k.qcow2",
        "cluster-512.qcow2", "extended-l2.qcow2", "external-data.qcow2", "lazy-refcounts.qcow2",
        "luks.qcow2", "refcount-1.qcow2", "refcount-64.qcow2", "tiny-v1.qcow", "v2-4k.qcow2",
        "zstd-compression.qcow2");
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixtureMatchesQemuImgInfo(String name) throws IOException {
    JsonNode info = JsonMapper.shared().readTree(FIXTURES.resolve(name + ".qemu-img-info.json"));
    assertMatches(name, fixture(name), info);
  }

  @ParameterizedTest
  @MethodSource("storeImages")
  void storeImageMatchesQemuImgInfo(String name) throws IOException {
    JsonNode info = JsonMapper.shared().readTree(RecordedFixturesTest.RECORDED.resolve(name + ".qemu-img-info.json"));
    assertMatches(name, RecordedFixturesTest.image(name), info);
  }

  /** format, virtual-size, cluster-size, backing file and format, and the format-specific flags. */
  static void assertMatches(String name, AuditEntry.Image image, JsonNode info) {
    Map<String, Object> d = image.details().toMap();
    assertThat(image.format().id()).as(name).isEqualTo(info.path("format").stringValue());
    assertThat(image.virtualSize()).as(name).hasToString(String.valueOf(info.path("virtual-size").longValue()));
    long clusterBits = ((Number) d.get("clusterBits")).longValue();
    assertThat(1L << clusterBits).as(name).isEqualTo(info.path("cluster-size").longValue());
    assertThat(d.get("backingFile")).as(name).isEqualTo(scalar(info.path("backing-filename")));
    assertThat(d.get("backingFormat")).as(name).isEqualTo(scalar(info.path("backing-filename-format")));
    assertThat(image.flags().contains(Flag.BACKING_FILE)).as(name).isEqualTo(info.hasNonNull("backing-filename"));
    assertThat(image.flags().contains(Flag.ENCRYPTED)).as(name).isEqualTo(info.path("encrypted").booleanValue(false));
    assertThat(image.flags().contains(Flag.DIRTY)).as(name).isEqualTo(info.path("dirty-flag").booleanValue());
    assertThat(image.flags()).as(name).doesNotContain(Flag.INVALID_HEADER, Flag.TRUNCATED, Flag.UNKNOWN_FEATURES);
    JsonNode data = info.at("/format-specific/data");
    if (image.format() == ImageFormat.QCOW) {
      assertThat(data.isMissingNode() || data.isNull()).as(name + " has no format-specific data").isTrue();
      return;
    }
    assertThat(d.get("version")).as(name).isEqualTo("0.10".equals(data.path("compat").stringValue(null)) ? 2L : 3L);
    assertThat(d.get("compressionType")).as(name).isEqualTo(scalar(data.path("compression-type")));
    assertThat(d.get("refcountBits")).as(name).isEqualTo(scalar(data.path("refcount-bits")));
    assertThat(d.get("lazyRefcounts")).as(name).isEqualTo(scalar(data.path("lazy-refcounts")));
    assertThat(d.get("corrupt")).as(name).isEqualTo(scalar(data.path("corrupt")));
    assertThat(d.get("extendedL2")).as(name).isEqualTo(scalar(data.path("extended-l2")));
    assertThat(d.get("dataFile")).as(name).isEqualTo(scalar(data.path("data-file")));
    assertThat(image.flags().contains(Flag.EXTERNAL_DATA_FILE)).as(name).isEqualTo(data.hasNonNull("data-file"));
    assertThat(d.get("encryption")).as(name).isEqualTo(data.at("/encrypt/format").stringValue("none"));
  }

  /** A recorded value as the details hold it: a String, Long or Boolean, or null where qemu-img wrote none. */
  private static Object scalar(JsonNode node) {
    return switch (node.getNodeType()) {
      case MISSING, NULL -> null;
      case STRING -> node.stringValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER -> node.longValue();
      default -> throw new AssertionError("not a scalar: " + node);
    };
  }

  @Test
  void luksImageNamesWhereItsLuksHeaderLies() throws IOException {
    AuditEntry.Image image = fixture("luks.qcow2");
    JsonNode info = JsonMapper.shared().readTree(FIXTURES.resolve("luks.qcow2.qemu-img-info.json"));
    assertThat(image.details().toMap())
        .containsEntry("cryptMethod", 2L)
        .containsEntry("headerExtensions", java.util.List.of("crypto-header"))
        .containsEntry("cryptoHeaderOffset", U64.of(4096 * 4));
    // The LUKS header holds the key slots and ends where qemu's payload offset says.
    assertThat(image.details().toMap().get("cryptoHeaderLength"))
        .isEqualTo(U64.of(info.at("/format-specific/data/encrypt/payload-offset").longValue()));
    // The head and what the other detectors read (tail, ISO descriptor at 32 KiB): no extension read.
    assertThat(image.bytesRead()).isEqualTo(4096 + 4096 + 2048);
  }

  @Test
  void externalDataFileIsNamedNeverOpenedAndItsBitIsRead() throws IOException {
    AuditEntry.Image image = fixture("external-data.qcow2");
    assertThat(image.details().toMap())
        .containsEntry("dataFile", "external.data")
        .containsEntry("incompatibleFeatures", U64.of(4));
    assertThat(Files.exists(FIXTURES.resolve("external.data"))).isFalse();
    // The head and the tail (read for the formats that keep a footer): nothing else.
    assertThat(image.bytesRead()).isEqualTo(4096 + 4096);
  }

  @Test
  void backingFormatsComeFromQemusExtensionSoCrosvmRejectsBothOverlays() throws IOException {
    for (String name : new String[] {"backing-raw.qcow2", "backing-qcow2.qcow2"}) {
      AuditEntry.Image image = fixture(name);
      assertThat(image.details().toMap()).as(name).containsEntry("backingFormatExtension", "qemu");
      assertThat(image.flags()).as(name).contains(Flag.BACKING_FILE, Flag.CROSVM_UNSUPPORTED);
      assertThat(image.disk().reason()).as(name).contains("without crosvm's backing format extension");
    }
  }

  @Test
  void crosvmVerdictsFollowItsQcowRules() throws IOException {
    assertThat(fixture("cluster-512.qcow2").disk()).isEqualTo(Verdict.accepted());
    assertThat(fixture("cluster-4k.qcow2").disk()).isEqualTo(Verdict.accepted());
    assertThat(fixture("lazy-refcounts.qcow2").disk()).isEqualTo(Verdict.accepted());
    assertThat(fixture("refcount-1.qcow2").disk())
        .isEqualTo(Verdict.rejected("qcow2: refcount_order 0, crosvm reads only 16-bit refcounts (order 4)"));
    assertThat(fixture("refcount-64.qcow2").disk())
        .isEqualTo(Verdict.rejected("qcow2: refcount_order 6, crosvm reads only 16-bit refcounts (order 4)"));
    assertThat(fixture("v2-4k.qcow2").disk()).isEqualTo(Verdict.rejected("qcow2: version 2, crosvm opens only version 3"));
    assertThat(fixture("tiny-v1.qcow").disk()).isEqualTo(Verdict.rejected("qcow2: version 1, crosvm opens only version 3"));
    assertThat(fixture("cluster-4k.qcow2").flags()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE);
  }

  @Test
  void featureBitsOfTheHeaderAreReported() throws IOException {
    assertThat(fixture("lazy-refcounts.qcow2").details().toMap()).containsEntry("compatibleFeatures", U64.of(1));
    assertThat(fixture("extended-l2.qcow2").details().toMap()).containsEntry("incompatibleFeatures", U64.of(16));
    assertThat(fixture("zstd-compression.qcow2").details().toMap())
        .containsEntry("incompatibleFeatures", U64.of(8))
        .containsEntry("headerLength", 112L);
    assertThat(fixture("refcount-64.qcow2").details().toMap()).containsEntry("refcountOrder", 6L);
    assertThat(fixture("aes-v1.qcow").details().toMap()).containsEntry("cryptMethod", 1L).containsEntry("encryption", "aes");
  }

  static AuditEntry.Image fixture(String name) throws IOException {
    Path path = FIXTURES.resolve(name);
    if (Files.exists(path)) {
      AuditEntry entry = ImageAudit.auditFile(path);
      assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
      return (AuditEntry.Image) entry;
    }
    byte[] bytes;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve(name + ".gz")))) {
      bytes = in.readAllBytes();
    }
    return Auditor.judge(name, null, new ByteArraySource(bytes), bytes.length);
  }
}
