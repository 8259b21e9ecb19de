package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fixtures of src/test/resources/fixtures, made by qemu-img, bximage, cloop-utils, cryptsetup,
 * genisoimage, xorriso and sfdisk (or byte by byte where no tool writes the format: dmg), against the
 * answers those tools recorded beside them. Each folder's make.sh wrote both.
 */
class FormatFixturesTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  /** Bytes any image may cost: head, tail and the ISO 9660 descriptor every audit looks for. */
  static final long BASE_READS = Caps.HEAD + Caps.TAIL + Iso9660Detector.DESCRIPTOR_CAP;

  static Stream<String> qemuReadsTheFormat() {
    return Stream.of(
        "qed/plain.qed", "qed/backing-raw.qed", "qed/backing-probed.qed", "qed/need-check.qed",
        "parallels/ext.hdd", "parallels/ext-8k.hdd", "parallels/old-magic.hdd",
        "luks/v1.luks",
        "bochs/growing.img", "bochs/v1.img", "bochs/odd-size.img",
        "cloop/b4k.cloop", "cloop/b16k.cloop",
        "dmg/udif.dmg");
  }

  @ParameterizedTest
  @MethodSource("qemuReadsTheFormat")
  void formatAndVirtualSizeAreQemuImgs(String name) throws Exception {
    JsonNode qemu = qemuInfo(name);
    AuditEntry.Image image = image(name);
    assertThat(image.format().id()).isEqualTo(qemu.path("format").stringValue());
    assertThat(image.virtualSize()).hasToString(String.valueOf(qemu.path("virtual-size").longValue()));
    assertThat(image.flags()).doesNotContain(Flag.INVALID_HEADER, Flag.TRUNCATED, Flag.AMBIGUOUS_FORMAT);
    assertThat(image.bytesRead()).isLessThanOrEqualTo(BASE_READS + Caps.QED_BACKING_FILE_NAME);
  }

  @Test
  void qedBackingFilesAreNamedAsQemuNamesThemAndRaiseTheirFlags() throws Exception {
    AuditEntry.Image plain = image("qed/plain.qed");
    assertThat(plain.flags()).isEmpty();
    assertThat(plain.details().toMap()).containsEntry("clusterSize", 4096L).containsEntry("tableSize", 2L)
        .doesNotContainKey("backingFile");
    assertThat(plain.details().toMap().get("clusterSize")).hasToString(String.valueOf(qemuInfo("qed/plain.qed").path("cluster-size").longValue()));

    JsonNode rawQemu = qemuInfo("qed/backing-raw.qed");
    AuditEntry.Image raw = image("qed/backing-raw.qed");
    assertThat(raw.flags()).containsExactly(Flag.BACKING_FILE, Flag.DIFFERENCING_DISK);
    assertThat(raw.details().toMap()).containsEntry("backingFile", rawQemu.path("backing-filename").stringValue())
        .containsEntry("backingFormat", rawQemu.path("backing-filename-format").stringValue())
        .containsEntry("clusterSize", 8192L);

    JsonNode probedQemu = qemuInfo("qed/backing-probed.qed");
    AuditEntry.Image probed = image("qed/backing-probed.qed");
    assertThat(probed.details().toMap()).containsEntry("backingFile", "base.qcow2").containsEntry("backingFormatProbed", true)
        .doesNotContainKey("backingFormat");
    // QED keeps no backing format other than raw: qemu-img shows none, and will probe the file.
    assertThat(probedQemu.path("backing-filename").stringValue()).isEqualTo("base.qcow2");
    assertThat(probedQemu.has("backing-filename-format")).isFalse();
  }

  @Test
  void qedNeedCheckIsDirtyThoughQemuImgInfoSaysNot() throws Exception {
    AuditEntry.Image image = image("qed/need-check.qed");
    byte[] bytes = Files.readAllBytes(FIXTURES.resolve("qed/need-check.qed"));
    assertThat(bytes[16]).isEqualTo((byte) 2); // features: need-check, left by the aborted writer
    assertThat(image.flags()).containsExactly(Flag.DIRTY);
    // qemu-img 7.2 reports "dirty-flag": false for QED whatever the header says.
    assertThat(qemuInfo("qed/need-check.qed").path("dirty-flag").booleanValue()).isFalse();
  }

  @Test
  void parallelsOldMagicKeepsOnlyTheLow32BitsOfTheSectorCountAsQemuDoes() throws Exception {
    AuditEntry.Image old = image("parallels/old-magic.hdd");
    assertThat(old.details().toMap()).containsEntry("magic", "WithoutFreeSpace")
        .containsEntry("sectors", U64.of((1L << 32) | 2048));
    assertThat(old.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image("parallels/ext.hdd").details().toMap()).containsEntry("magic", "WithouFreSpacExt")
        .containsEntry("clusterSectors", 8L).containsEntry("inUse", false);
  }

  @Test
  void luks1HeaderIsReadAndQemuRoundsAnUnalignedFileUp() throws Exception {
    JsonNode crypto = qemuInfo("luks/v1.luks").at("/format-specific/data");
    AuditEntry.Image image = image("luks/v1.luks");
    assertThat(image.flags()).containsExactly(Flag.ENCRYPTED);
    assertThat(image.details().toMap()).containsEntry("version", 1).containsEntry("cipherName", "aes")
        .containsEntry("cipherMode", "cbc-essiv:sha256").containsEntry("hashSpec", crypto.path("hash-alg").stringValue())
        .containsEntry("keyBytes", 16L).containsEntry("uuid", crypto.path("uuid").stringValue()).containsEntry("activeKeySlots", 1)
        .containsEntry("payloadOffset", image.fileSize() - 4096);
    assertThat(image.bytesRead()).isEqualTo(BASE_READS);

    // The same bytes and 100 more: this tool subtracts from the exact length, qemu from the length
    // rounded up to 512 (as it sizes raw files).
    byte[] bytes = Files.readAllBytes(FIXTURES.resolve("luks/v1.luks"));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 100);
    AuditEntry.Image judged = Auditor.judge("v1-plus-100.luks", null, new ByteArraySource(longer, BASE_READS), longer.length);
    assertThat(judged.virtualSize()).isEqualTo(U64.of(4096 + 100));
    assertThat(qemuInfo("luks/v1-plus-100.luks").path("virtual-size").longValue()).isEqualTo(4096L + 512);
  }

  @Test
  void luks2IsReadFromItsJsonWhereQemuSaysRaw() throws Exception {
    AuditEntry.Image image = image("luks/v2.luks2");
    String dump = Files.readString(FIXTURES.resolve("luks/v2.luks2.luksDump.txt"));
    long offset = Long.parseLong(dump.replaceAll("(?s).*\\boffset: (\\d+) \\[bytes\\].*", "$1"));
    assertThat(image.format()).isEqualTo(ImageFormat.LUKS);
    assertThat(image.flags()).containsExactly(Flag.ENCRYPTED);
    assertThat(image.virtualSize()).isEqualTo(U64.of(image.fileSize() - offset));
    assertThat(image.details().toMap()).containsEntry("version", 2).containsEntry("label", "fixture")
        .containsEntry("headerSize", U64.of(16384)).containsEntry("checksumChecked", true).containsEntry("keySlots", 1)
        .containsEntry("uuid", dump.replaceAll("(?s).*\\nUUID:\\s+(\\S+)\\n.*", "$1"));
    assertThat(image.details().toMap().get("segments")).asList().singleElement().satisfies(s -> assertThat(map(s))
        .containsEntry("offset", U64.of(offset)).containsEntry("size", "dynamic")
        .containsEntry("encryption", "aes-cbc-essiv:sha256").containsEntry("sectorSize", 512L));
    assertThat(image.bytesRead()).isEqualTo(BASE_READS + 16384 - 4096);
    // qemu-img 7.2 probes LUKS2 as raw, and refuses it when told it is luks.
    JsonNode qemu = qemuInfo("luks/v2.luks2");
    assertThat(qemu.path("format").stringValue()).isEqualTo("raw");
    assertThat(qemu.path("virtual-size").longValue()).isEqualTo(image.fileSize());
    assertThat(Files.readString(FIXTURES.resolve("luks/v2.luks2.qemu-img-info-f-luks.txt")))
        .contains("LUKS version 2 is not supported");
  }

  @Test
  void bochsVersionsAndOddSizesAreReadAsQemuReadsThem() throws Exception {
    assertThat(image("bochs/growing.img").details().toMap()).containsEntry("version", 2L)
        .containsEntry("subtype", "Growing").containsEntry("extentSize", 16384L);
    assertThat(image("bochs/v1.img").details().toMap()).containsEntry("version", 1L);
    // The header says 300 bytes more than whole sectors; QEMU (and so this tool) drops them.
    assertThat(image("bochs/odd-size.img").details().toMap())
        .containsEntry("diskSize", U64.of(qemuInfo("bochs/odd-size.img").path("virtual-size").longValue() + 300));
  }

  @Test
  void cloopBlocksAreReadFromTheHeader() throws Exception {
    assertThat(image("cloop/b4k.cloop").details().toMap()).containsEntry("blockSize", 4096L).containsEntry("blocks", 16L);
    assertThat(image("cloop/b16k.cloop").details().toMap()).containsEntry("blockSize", 16384L).containsEntry("blocks", 6L);
  }

  @Test
  void dmgIsNamedFromItsTrailerWhereQemuGoesByTheFileName() throws Exception {
    AuditEntry.Image image = image("dmg/udif.dmg");
    assertThat(image.details().toMap()).containsEntry("version", 4L).containsEntry("sectors", U64.of(2048))
        .containsEntry("xmlOffset", U64.of(512)).containsEntry("dataForkLength", U64.of(512));
    // The same bytes under another name: qemu-img says raw; content alone decides here.
    assertThat(qemuInfo("dmg/udif.dmg.renamed").path("format").stringValue()).isEqualTo("raw");
    byte[] bytes = Files.readAllBytes(FIXTURES.resolve("dmg/udif.dmg"));
    AuditEntry.Image judged = Auditor.judge("udif.img", null, new ByteArraySource(bytes, BASE_READS), bytes.length);
    assertThat(judged.format()).isEqualTo(ImageFormat.DMG);
    assertThat(judged.virtualSize()).isEqualTo(U64.of(1 << 20));
  }

  @Test
  void plainIsoIsIso9660SizedAsTheRawDiskQemuSees() throws Exception {
    AuditEntry.Image image = image("iso9660/plain.iso");
    JsonNode qemu = qemuInfo("iso9660/plain.iso");
    assertThat(qemu.path("format").stringValue()).isEqualTo("raw");
    assertThat(qemu.path("virtual-size").longValue()).isEqualTo(image.fileSize());
    assertThat(image.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(image.virtualSize()).isEqualTo(U64.of(image.fileSize()));
    assertThat(image.details().toMap()).containsEntry("volumeId", "PLAINVOL").containsEntry("blockSize", 2048)
        .containsEntry("volumeSize", image.fileSize()).doesNotContainKey("partitionTable");
    assertThat(image.flags()).isEmpty();
  }

  @Test
  void hybridIsoIsIso9660WithTheGptSfdiskReadsAndIsNotAmbiguous() throws Exception {
    AuditEntry.Image image = image("iso9660/hybrid-gpt.iso");
    assertThat(image.format()).isEqualTo(ImageFormat.ISO9660);
    assertThat(image.flags()).isEmpty();
    assertThat(image.virtualSize()).isEqualTo(U64.of(image.fileSize()));
    assertThat(qemuInfo("iso9660/hybrid-gpt.iso").path("virtual-size").longValue()).isEqualTo(image.fileSize());
    assertThat(image.details().toMap()).containsEntry("volumeId", "HYBRIDVOL").containsEntry("partitionTable", "gpt")
        // xorriso writes 248 entries: the first 128 are read, their CRC cannot be checked.
        .containsEntry("partitionEntryCount", 248L).containsEntry("partitionEntriesNotRead", 120L)
        .containsEntry("partitionEntriesCrcChecked", false);
    assertThat((Long) image.details().toMap().get("volumeSize")).isLessThan(image.fileSize());
    assertPartitionsMatchSfdisk(image, "iso9660/hybrid-gpt.iso");
    assertThat(image.bytesRead()).isLessThanOrEqualTo(BASE_READS + Caps.GPT_ENTRIES);
  }

  @Test
  void mbrDiskIsRawWithTheEntriesSfdiskReads() throws Exception {
    AuditEntry.Image image = image("raw-partitions/mbr.img");
    assertThat(image.format().id()).isEqualTo(qemuInfo("raw-partitions/mbr.img").path("format").stringValue());
    assertThat(image.flags()).isEmpty();
    assertThat(image.details().toMap()).containsEntry("partitionTable", "mbr").containsEntry("diskId", "0x12345678");
    assertPartitionsMatchSfdisk(image, "raw-partitions/mbr.img");
    assertThat(image.details().toMap().get("partitions")).asList().first()
        .satisfies(p -> assertThat(map(p)).containsEntry("bootable", true).containsEntry("mbrType", "0x83"));
  }

  @Test
  void gptDiskIsRawWithTheEntriesSfdiskReads() throws Exception {
    AuditEntry.Image image = image("raw-partitions/gpt.img");
    assertThat(image.format().id()).isEqualTo(qemuInfo("raw-partitions/gpt.img").path("format").stringValue());
    assertThat(image.flags()).isEmpty();
    assertThat(image.details().toMap()).containsEntry("partitionTable", "gpt")
        .containsEntry("diskGuid", "0D5C1F43-1D51-4C4B-9F0B-6D9C4C2B7E11")
        .containsEntry("partitionEntriesCrcChecked", true);
    assertPartitionsMatchSfdisk(image, "raw-partitions/gpt.img");
    assertThat(image.bytesRead()).isLessThanOrEqualTo(BASE_READS + Caps.GPT_ENTRIES);
  }

  /** Asserts that each partition has sfdisk's start, size, type and (GPT) name and GUID. */
  @SuppressWarnings("unchecked")
  private static void assertPartitionsMatchSfdisk(AuditEntry.Image image, String name) throws Exception {
    JsonNode table = json(name + ".sfdisk.json").path("partitiontable");
    JsonNode expected = table.path("partitions");
    List<Map<String, Object>> actual = (List<Map<String, Object>>) image.details().toMap().get("partitions");
    assertThat(actual).hasSize(expected.size());
    boolean gpt = "gpt".equals(table.path("label").stringValue());
    for (int i = 0; i < expected.size(); i++) {
      JsonNode want = expected.get(i);
      Map<String, Object> got = actual.get(i);
      assertThat(String.valueOf(got.get("firstLba"))).as(name + " " + i).isEqualTo(String.valueOf(want.path("start").longValue()));
      assertThat(got.get("sizeBytes")).as(name + " " + i).isEqualTo(U64.of(want.path("size").longValue() * 512));
      String node = want.path("node").stringValue();
      assertThat(got.get("index")).isEqualTo(Integer.parseInt(node.substring(node.length() - 1)));
      if (gpt) {
        assertThat(got).containsEntry("typeGuid", want.path("type").stringValue())
            .containsEntry("uniqueGuid", want.path("uuid").stringValue()).containsEntry("name", want.path("name").stringValue());
      } else {
        assertThat(Integer.parseInt(((String) got.get("mbrType")).substring(2), 16))
            .isEqualTo(Integer.parseInt(want.path("type").stringValue(), 16));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  static AuditEntry.Image image(String name) {
    AuditEntry entry = ImageAudit.auditFile(FIXTURES.resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }

  static JsonNode qemuInfo(String name) {
    return json(name + ".qemu-img-info.json");
  }

  static JsonNode json(String name) {
    return JsonMapper.shared().readTree(FIXTURES.resolve(name));
  }
}
