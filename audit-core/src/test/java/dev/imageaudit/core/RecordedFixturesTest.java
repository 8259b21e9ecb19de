package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real images of examples/image-store, made by qemu-img and img2simg, against the answers
 * those tools recorded beside them (examples/make-image-store.sh wrote both).
 */
class RecordedFixturesTest {

  static final Path STORE = Path.of("../examples/image-store");
  static final Path RECORDED = Path.of("../examples/recorded");
  private static final Pattern VIRTUAL_SIZE = Pattern.compile("\\n {4}\"virtual-size\": (\\d+)");
  private static final Pattern FORMAT = Pattern.compile("\\n {4}\"format\": \"([a-z0-9]+)\"");
  private static final Pattern BACKING = Pattern.compile("\\n {4}\"backing-filename\": \"([^\"]*)\"");
  private static final Pattern CLUSTER = Pattern.compile("\\n {4}\"cluster-size\": (\\d+)");

  static Stream<String> qemuFormats() {
    return Stream.of("qcow2-v3.qcow2", "qcow2-v2.qcow2", "qcow-v1.qcow", "overlay-with-backing.qcow2");
  }

  @ParameterizedTest
  @MethodSource("qemuFormats")
  void qcowImagesMatchQemuImgInfo(String name) throws IOException {
    String info = Files.readString(RECORDED.resolve(name + ".qemu-img-info.json"));
    AuditEntry.Image image = image(name);
    assertThat(image.format().id()).isEqualTo(group(FORMAT, info));
    assertThat(image.virtualSize()).hasToString(group(VIRTUAL_SIZE, info));
    long clusterBits = ((Number) image.details().toMap().get("clusterBits")).longValue();
    assertThat(1L << clusterBits).hasToString(group(CLUSTER, info));
    Matcher backing = BACKING.matcher(info);
    assertThat(image.details().toMap().get("backingFile")).isEqualTo(backing.find() ? backing.group(1) : null);
  }

  @Test
  void qcow2VersionsAreReadFromTheHeader() {
    assertThat(image("qcow2-v3.qcow2").details().toMap()).containsEntry("version", 3L).containsEntry("cryptMethod", 0L);
    assertThat(image("qcow2-v2.qcow2").details().toMap()).containsEntry("version", 2L);
    assertThat(image("qcow-v1.qcow").details().toMap()).containsEntry("version", 1L);
  }

  @ParameterizedTest
  @MethodSource("rawImages")
  void rawImagesAreTheirExactLengthWhereQemuRoundsUpToSectors(String name) throws IOException {
    String info = Files.readString(RECORDED.resolve(name + ".qemu-img-info.json"));
    AuditEntry.Image image = image(name);
    long length = Files.size(STORE.resolve(name));
    assertThat(image.format()).isEqualTo(ImageFormat.RAW);
    assertThat(group(FORMAT, info)).isEqualTo("raw");
    assertThat(image.virtualSize()).isEqualTo(U64.of(length));
    // qemu-img reports a raw file's length rounded up to whole 512-byte sectors.
    assertThat(Long.parseLong(group(VIRTUAL_SIZE, info))).isEqualTo((length + 511) / 512 * 512);
  }

  static Stream<String> rawImages() {
    return Stream.of("base.raw", "raw-aligned.img", "raw-unaligned.img", "empty.img");
  }

  @ParameterizedTest
  @MethodSource("sparseImages")
  void sparseImagesExpandToWhatSimg2imgWrote(String name) throws IOException {
    long expanded = Long.parseLong(Files.readString(RECORDED.resolve(name + ".simg2img-size")).trim());
    Map<String, String> header = keyValues(RECORDED.resolve(name + ".header.txt"));
    AuditEntry.Image image = image(name);
    assertThat(image.format()).isEqualTo(ImageFormat.ANDROID_SPARSE);
    assertThat(image.virtualSize()).isEqualTo(U64.of(expanded));
    assertThat(image.partitionSize()).isEqualTo(U64.of(expanded));
    assertThat(image.details().toMap())
        .containsEntry("blockSize", Long.parseLong(header.get("blk_sz")))
        .containsEntry("totalBlocks", Long.parseLong(header.get("total_blks")))
        .containsEntry("totalChunks", Long.parseLong(header.get("total_chunks")))
        .containsEntry("majorVersion", Integer.parseInt(header.get("major_version")));
  }

  static Stream<String> sparseImages() {
    return Stream.of("system.simg", "vendor.simg");
  }

  @Test
  void compositeDiskDecodesAsTheScriptWroteIt() throws IOException {
    Map<String, String> expected = keyValues(RECORDED.resolve("vm-disk.composite.expected.txt"));
    AuditEntry.Image image = image("vm-disk.composite");
    assertThat(image.format()).isEqualTo(ImageFormat.COMPOSITE);
    assertThat(image.virtualSize()).hasToString(expected.get("length"));
    assertThat(image.details().toMap()).containsEntry("version", U64.of(Long.parseLong(expected.get("version"))));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> components = (List<Map<String, Object>>) image.details().toMap().get("components");
    assertThat(components)
        .extracting(c -> c.get("path"), c -> c.get("offset"), c -> c.get("readWrite"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("raw-aligned.img", U64.ZERO, false),
            org.assertj.core.groups.Tuple.tuple("base.raw", U64.of(65536), true));
  }

  @Test
  void everyStoreFileGetsTheVerdictAndPartitionSizeInTheManifest() throws IOException {
    List<String> rows = Files.readAllLines(RECORDED.resolve("MANIFEST.tsv"));
    assertThat(rows).hasSize(12);
    try (Stream<Path> files = Files.list(STORE)) {
      assertThat(files.count()).isEqualTo(rows.size() - 1);
    }
    for (String row : rows.subList(1, rows.size())) {
      String[] cols = row.split("\t");
      AuditEntry.Image image = image(cols[0]);
      assertThat(image.fileSize()).as(cols[0]).isEqualTo(Long.parseLong(cols[1]));
      assertThat(image.partition().decision().id()).as(cols[0]).isEqualTo(cols[4]);
      if (cols[4].equals("accepted")) {
        assertThat(image.partitionSize()).as(cols[0]).hasToString(cols[5]);
        assertThat(image.flags()).as(cols[0]).isEmpty();
      } else {
        assertThat(image.partition().reason()).as(cols[0]).isEqualTo(cols[5]);
        assertThat(image.flags()).as(cols[0]).contains(Flag.UNSUPPORTED_PARTITION_IMAGE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("crosvmVerdicts")
  void crosvmJudgesEveryStoreFileAsAWholeDisk(String name, String reason) {
    AuditEntry.Image image = image(name);
    if (reason == null) {
      assertThat(image.disk()).as(name).isEqualTo(Verdict.accepted());
      assertThat(image.flags()).as(name).doesNotContain(Flag.CROSVM_UNSUPPORTED);
    } else {
      assertThat(image.disk()).as(name).isEqualTo(Verdict.rejected(reason));
      assertThat(image.flags()).as(name).contains(Flag.CROSVM_UNSUPPORTED);
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> crosvmVerdicts() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("base.raw", null),
        org.junit.jupiter.params.provider.Arguments.of("empty.img", null),
        org.junit.jupiter.params.provider.Arguments.of("raw-aligned.img", null),
        org.junit.jupiter.params.provider.Arguments.of("raw-unaligned.img", null),
        org.junit.jupiter.params.provider.Arguments.of("qcow2-v3.qcow2", null),
        org.junit.jupiter.params.provider.Arguments.of("system.simg", null),
        org.junit.jupiter.params.provider.Arguments.of("vendor.simg", null),
        org.junit.jupiter.params.provider.Arguments.of("vm-disk.composite", null),
        org.junit.jupiter.params.provider.Arguments.of("qcow2-v2.qcow2", "qcow2: version 2, crosvm opens only version 3"),
        org.junit.jupiter.params.provider.Arguments.of("qcow-v1.qcow", "qcow2: version 1, crosvm opens only version 3"),
        // qemu-img wrote QEMU's backing format extension; crosvm looks only for its own.
        org.junit.jupiter.params.provider.Arguments.of("overlay-with-backing.qcow2",
            "qcow2: backing file without crosvm's backing format extension (0xE279268F); QEMU's 0xE2792ACA does not count"));
  }

  @Test
  void backingFilesAreNamedButNeverRead() {
    AuditEntry.Image overlay = image("overlay-with-backing.qcow2");
    // The head, the tail and the 2 KiB at 0x8000 where an ISO 9660 descriptor would be (every
    // detector looks, for ambiguous formats) and nothing else: base.raw's 1 MiB was not touched.
    assertThat(overlay.bytesRead()).isEqualTo(4096 + 4096 + 2048);
    assertThat(overlay.details().toMap()).containsEntry("backingFile", "base.raw");
  }

  static AuditEntry.Image image(String name) {
    AuditEntry entry = ImageAudit.auditFile(STORE.resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as(pattern.pattern()).isTrue();
    return m.group(1);
  }

  private static Map<String, String> keyValues(Path file) throws IOException {
    Map<String, String> map = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] kv = line.split(" ", 2);
      if (kv.length == 2 && !line.startsWith("#")) {
        map.putIfAbsent(kv[0], kv[1]);
      }
    }
    return map;
  }
}
