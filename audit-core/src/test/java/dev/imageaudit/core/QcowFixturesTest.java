package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.Auditor;
import dev.imageaudit.core.internal.ByteArraySource;
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
    Object info = Json.parse(Files.readString(FIXTURES.resolve(name + ".qemu-img-info.json")));
    assertMatches(name, fixture(name), info);
  }

  @ParameterizedTest
  @MethodSource("storeImages")
  void storeImageMatchesQemuImgInfo(String name) throws IOException {
    Object info = Json.parse(Files.readString(RecordedFixturesTest.RECORDED.resolve(name + ".qemu-img-info.json")));
    assertMatches(name, RecordedFixturesTest.image(name), info);
  }

  /** format, virtual-size, cluster-size, backing file and format, and the format-specific flags. */
  static void assertMatches(String name, AuditEntry.Image image, Object info) {
    Map<String, Object> d = image.details();
    assertThat(image.format().id()).as(name).isEqualTo(Json.at(info, "format"));
    assertThat(image.virtualSize()).as(name).hasToString(String.valueOf(Json.at(info, "virtual-size")));
    long clusterBits = ((Number) d.get("clusterBits")).longValue();
    assertThat(1L << clusterBits).as(name).isEqualTo(Json.at(info, "cluster-size"));
    assertThat(d.get("backingFile")).as(name).isEqualTo(Json.at(info, "backing-filename"));
    assertThat(d.get("backingFormat")).as(name).isEqualTo(Json.at(info, "backing-filename-format"));
    assertThat(image.flags().contains(Flag.BACKING_FILE)).as(name).isEqualTo(Json.at(info, "backing-filename") != null);
    assertThat(image.flags().contains(Flag.ENCRYPTED)).as(name).isEqualTo(Boolean.TRUE.equals(Json.at(info, "encrypted")));
    assertThat(image.flags().contains(Flag.DIRTY)).as(name).isEqualTo(Json.at(info, "dirty-flag"));
    assertThat(image.flags()).as(name).doesNotContain(Flag.INVALID_HEADER, Flag.TRUNCATED, Flag.UNKNOWN_FEATURES);
    Object data = Json.at(info, "format-specific", "data");
    if (image.format() == ImageFormat.QCOW) {
      assertThat(data).as(name).isNull();
      return;
    }
    assertThat(d.get("version")).as(name).isEqualTo("0.10".equals(Json.at(data, "compat")) ? 2L : 3L);
    assertThat(d.get("compressionType")).as(name).isEqualTo(Json.at(data, "compression-type"));
    assertThat(d.get("refcountBits")).as(name).isEqualTo(Json.at(data, "refcount-bits"));
    assertThat(d.get("lazyRefcounts")).as(name).isEqualTo(Json.at(data, "lazy-refcounts"));
    assertThat(d.get("corrupt")).as(name).isEqualTo(Json.at(data, "corrupt"));
    assertThat(d.get("extendedL2")).as(name).isEqualTo(Json.at(data, "extended-l2"));
    assertThat(d.get("dataFile")).as(name).isEqualTo(Json.at(data, "data-file"));
    assertThat(image.flags().contains(Flag.EXTERNAL_DATA_FILE)).as(name).isEqualTo(Json.at(data, "data-file") != null);
    Object encrypt = Json.at(data, "encrypt", "format");
    assertThat(d.get("encryption")).as(name).isEqualTo(encrypt == null ? "none" : encrypt);
  }

  @Test
  void luksImageNamesWhereItsLuksHeaderLies() throws IOException {
    AuditEntry.Image image = fixture("luks.qcow2");
    Object info = Json.parse(Files.readString(FIXTURES.resolve("luks.qcow2.qemu-img-info.json")));
    assertThat(image.details())
        .containsEntry("cryptMethod", 2L)
        .containsEntry("headerExtensions", java.util.List.of("crypto-header"))
        .containsEntry("cryptoHeaderOffset", U64.of(4096 * 4));
    // The LUKS header holds the key slots and ends where qemu's payload offset says.
    assertThat(image.details().get("cryptoHeaderLength"))
        .isEqualTo(U64.of((Long) Json.at(info, "format-specific", "data", "encrypt", "payload-offset")));
    // The head and what the other detectors read (tail, ISO descriptor at 32 KiB): no extension read.
    assertThat(image.bytesRead()).isEqualTo(4096 + 4096 + 2048);
  }

  @Test
  void externalDataFileIsNamedNeverOpenedAndItsBitIsRead() throws IOException {
    AuditEntry.Image image = fixture("external-data.qcow2");
    assertThat(image.details())
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
      assertThat(image.details()).as(name).containsEntry("backingFormatExtension", "qemu");
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
    assertThat(fixture("lazy-refcounts.qcow2").details()).containsEntry("compatibleFeatures", U64.of(1));
    assertThat(fixture("extended-l2.qcow2").details()).containsEntry("incompatibleFeatures", U64.of(16));
    assertThat(fixture("zstd-compression.qcow2").details())
        .containsEntry("incompatibleFeatures", U64.of(8))
        .containsEntry("headerLength", 112L);
    assertThat(fixture("refcount-64.qcow2").details()).containsEntry("refcountOrder", 6L);
    assertThat(fixture("aes-v1.qcow").details()).containsEntry("cryptMethod", 1L).containsEntry("encryption", "aes");
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
