package dev.imageaudit.core;

import static dev.imageaudit.core.internal.format.TestImages.sparseHeader;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VM configs end to end through {@link ImageAudit#report}: configs written in a temporary folder,
 * naming small images built byte by byte; one test or more per rule.
 */
class VmConfigTest {

  static final long GIB = 1L << 30;

  @TempDir Path dir;
  Path store;
  Path configs;

  @BeforeEach
  void buildStore() throws IOException {
    store = Files.createDirectories(dir.resolve("store"));
    configs = Files.createDirectories(dir.resolve("configs"));
    Files.write(store.resolve("system.simg"), sparseHeader(4096, 16));
    Files.write(store.resolve("data.img"), new byte[8192]);
    Files.write(store.resolve("odd.img"), new byte[5000]);
    Files.write(store.resolve("disk.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xFB, 0, 0, 0, 3});
  }

  Path config(String name, String json) throws IOException {
    return Files.writeString(configs.resolve(name), json, StandardCharsets.UTF_8);
  }

  /** A valid config with one disk holding {@code partitions} (JSON objects, comma-separated). */
  Path partitions(String name, boolean writableDisk, String partitions) throws IOException {
    return config(
        name,
        "{\"kernel\": \"/apex/kernel\", \"platform_version\": \"~1.0\", \"disks\": [{\"partitions\": ["
            + partitions + "], \"writable\": " + writableDisk + "}]}");
  }

  static String part(String label, String path, boolean writable) {
    return "{\"label\": \"" + label + "\", \"path\": \"" + path + "\", \"writable\": " + writable + "}";
  }

  static AuditReport report(AuditInput... inputs) {
    return ImageAudit.report(List.of(inputs), ScanOptions.builder().ioThreads(2).build()).block(Duration.ofSeconds(30));
  }

  static AuditReport report(Path config) {
    return report(new AuditInput.VmConfig(config));
  }

  static List<String> rules(VmConfigAudit config) {
    return config.findings().stream().map(f -> f.rule().id()).toList();
  }

  static VmConfigAudit.Finding only(VmConfigAudit config, ConfigRule rule) {
    List<VmConfigAudit.Finding> found = config.findings().stream().filter(f -> f.rule() == rule).toList();
    assertThat(found).as("findings %s of %s", rule, config.findings()).hasSize(1);
    return found.get(0);
  }

  String s(String relative) {
    return store + "/" + relative;
  }

  @Test
  void aGoodConfigResolvesRelativePathsFromItsFolderAndSizesTheDisk() throws IOException {
    Path config =
        partitions(
            "good.json", true,
            part("system", "../store/system.simg", false) + ", " + part("userdata", "../store/data.img", true));
    AuditReport report = report(config);

    // Walk order: a config's files in the order it names them.
    assertThat(report.entries()).extracting(AuditEntry::path).containsExactly(s("system.simg"), s("data.img"));
    assertThat(report.complete()).isTrue();
    VmConfigAudit result = report.configs().get(0);
    assertThat(result.path()).isEqualTo(config.toString());
    assertThat(result.readable()).isTrue();
    // Only the warning that vm run would resolve these from its working directory instead.
    assertThat(rules(result)).containsExactly("relative-paths");
    assertThat(result.hasErrors()).isFalse();
    assertThat(result.findings().get(0).images()).containsExactly(s("system.simg"), s("data.img"));
    assertThat(result.findings().get(0).message()).contains(configs.toString()).contains("working directory");

    VmConfigAudit.Disk disk = result.disks().get(0);
    assertThat(disk.writable()).isTrue();
    assertThat(disk.image()).isNull();
    assertThat(disk.partitions())
        .containsExactly(
            new VmConfigAudit.Partition("system", s("system.simg"), false, ImageFormat.ANDROID_SPARSE, U64.of(65536)),
            new VmConfigAudit.Partition("userdata", s("data.img"), true, ImageFormat.RAW, U64.of(8192)));
    // 0x5000 + 65536 + 8192 + 0x4200 = 111104, rounded up to 64 KiB.
    assertThat(disk.compositeSize()).isEqualTo(U64.of(131072));
  }

  @Test
  void absolutePathsRaiseNoRelativePathWarning() throws IOException {
    AuditReport report = report(partitions("abs.json", false, part("system", s("system.simg"), false)));
    assertThat(report.configs().get(0).findings()).isEmpty();
  }

  @Test
  void aFileNamedByAConfigAndFoundByAWalkIsOneEntry() throws IOException {
    Path config = partitions("c.json", false, part("system", "../store/system.simg", false) + ", "
        + part("again", "./../store/system.simg", false));
    Path other = partitions("d.json", false, part("system", s("system.simg"), false));
    // The walk comes first in the inputs; the configs are read first anyway.
    AuditReport report =
        report(new AuditInput.PathInput(store), new AuditInput.VmConfig(config), new AuditInput.VmConfig(other));

    List<String> paths = report.entries().stream().map(AuditEntry::path).toList();
    // Walk order: the configs' files first (they are read first), then the rest of the walk.
    assertThat(paths).doesNotHaveDuplicates().containsExactly(s("system.simg"), s("data.img"), s("disk.qcow2"), s("odd.img"));
    assertThat(report.inputs()).containsExactly(store.toString(), config.toString(), other.toString());
    assertThat(report.configs()).extracting(VmConfigAudit::path).containsExactly(config.toString(), other.toString());
    assertThat(report.configs().get(1).disks().get(0).partitions().get(0).size()).isEqualTo(U64.of(65536));
  }

  @Test
  void aLinkNamedByAConfigIsFollowedAndTheWalkDoesNotSkipItAgain() throws IOException {
    Files.createSymbolicLink(store.resolve("current.img"), Path.of("data.img"));
    Path config = partitions("link.json", false, part("userdata", s("current.img"), false));
    AuditReport report = report(new AuditInput.PathInput(store), new AuditInput.VmConfig(config));

    // Links are not followed by the walk, but vm run opens the config's paths through them.
    AuditEntry linked = report.entries().stream().filter(e -> e.path().equals(s("current.img"))).findFirst().orElseThrow();
    assertThat(linked).isInstanceOf(AuditEntry.Image.class);
    assertThat(((AuditEntry.Image) linked).fileSize()).isEqualTo(8192);
    assertThat(report.entries()).extracting(AuditEntry::path).doesNotHaveDuplicates().hasSize(5);
    assertThat(report.configs().get(0).findings()).isEmpty();
  }

  @Test
  void dotDotThroughALinkIsNotTidiedAway() throws IOException {
    // configs/link -> store/deep; "link/../data.img" is store/data.img to the kernel, not configs/data.img.
    Path deep = Files.createDirectories(store.resolve("deep"));
    Files.createSymbolicLink(configs.resolve("link"), deep);
    AuditReport report = report(partitions("l.json", false, part("userdata", "link/../data.img", false)));

    String named = configs + "/link/../data.img";
    assertThat(report.entries()).extracting(AuditEntry::path).containsExactly(named);
    AuditEntry.Image image = (AuditEntry.Image) report.entries().get(0);
    assertThat(image.fileSize()).isEqualTo(8192);
    assertThat(report.configs().get(0).disks().get(0).partitions().get(0).path()).isEqualTo(named);
  }

  @Test
  void aMissingFileIsAFindingNotAnEntryAndTheRunStaysComplete() throws IOException {
    AuditReport report = report(partitions("m.json", false, part("system", "../store/nope.img", false)));

    assertThat(report.entries()).isEmpty();
    assertThat(report.complete()).isTrue();
    VmConfigAudit result = report.configs().get(0);
    VmConfigAudit.Finding missing = only(result, ConfigRule.MISSING_FILE);
    assertThat(missing.severity()).isEqualTo(ConfigRule.Severity.ERROR);
    assertThat(missing.disk()).isZero();
    assertThat(missing.partition()).isEqualTo("system");
    assertThat(missing.images()).containsExactly(s("nope.img"));
    assertThat(missing.message()).contains("does not exist").contains("\"../store/nope.img\" in the config");
    assertThat(result.hasErrors()).isTrue();
    assertThat(result.disks().get(0).compositeSize()).isNull();
  }

  @Test
  void aDirectoryOrAFifoNamedAsAnImageIsUnreadableAndNeverOpened() throws IOException {
    ScanTest.mkfifo(store.resolve("pipe"));
    AuditReport report =
        report(partitions("u.json", false, part("a", "../store/pipe", false) + ", " + part("b", "../store", false)));

    assertThat(report.entries()).extracting(AuditEntry::path).containsExactly(s("pipe"), store.toString());
    assertThat(report.entries().get(0)).isEqualTo(new AuditEntry.Skipped(s("pipe"), null, SkipReason.FIFO));
    List<VmConfigAudit.Finding> unreadable = report.configs().get(0).findings().stream()
        .filter(f -> f.rule() == ConfigRule.UNREADABLE_FILE).toList();
    assertThat(unreadable).extracting(VmConfigAudit.Finding::partition).containsExactly("a", "b");
    assertThat(unreadable.get(0).message()).contains("fifo");
    assertThat(unreadable.get(1).message()).contains("is a directory");
  }

  @Test
  void anUnreadableConfigMakesTheRunIncompleteButTheRunGoesOn() {
    Path gone = configs.resolve("gone.json");
    AuditReport report = report(new AuditInput.VmConfig(gone), new AuditInput.PathInput(store.resolve("data.img")));

    assertThat(report.entries()).extracting(AuditEntry::path).containsExactly(s("data.img"));
    assertThat(report.summary().complete()).isTrue();
    assertThat(report.complete()).isFalse();
    VmConfigAudit result = report.configs().get(0);
    assertThat(result.readable()).isFalse();
    assertThat(result.disks()).isEmpty();
    assertThat(only(result, ConfigRule.CONFIG_UNREADABLE).message())
        .isEqualTo("cannot read the config: no such file or directory");
  }

  @Test
  void aConfigThatIsADirectoryOrAFifoIsUnreadableAndNeverOpened() throws IOException {
    ScanTest.mkfifo(configs.resolve("fifo.json"));
    AuditReport report = report(new AuditInput.VmConfig(configs.resolve("fifo.json")), new AuditInput.VmConfig(store));

    assertThat(report.configs()).allSatisfy(c -> assertThat(c.readable()).isFalse());
    assertThat(report.configs().get(0).findings().get(0).message()).contains("not a regular file");
    assertThat(report.configs().get(1).findings().get(0).message()).contains("is a directory");
  }

  @Test
  void brokenJsonIsAFindingWithItsPlaceAndTheRunGoesOn() throws IOException {
    Path broken = config("broken.json", "{\n  \"disks\": [\n    {\"image\": \"a.img\" \"writable\": true}\n  ]\n}\n");
    AuditReport report = report(new AuditInput.VmConfig(broken), new AuditInput.PathInput(store.resolve("odd.img")));

    assertThat(report.complete()).isTrue();
    assertThat(report.entries()).extracting(AuditEntry::path).containsExactly(s("odd.img"));
    VmConfigAudit result = report.configs().get(0);
    assertThat(result.readable()).isTrue();
    assertThat(result.disks()).isEmpty();
    assertThat(only(result, ConfigRule.INVALID_JSON).message()).startsWith("not valid JSON at line 3, column ");
    assertThat(rules(result)).containsExactly("invalid-json");
  }

  @Test
  void aQcow2PartitionIsRefusedButAQcow2WholeDiskIsNot() throws IOException {
    Path config = config("q.json",
        "{\"kernel\": \"k\", \"platform_version\": \"~1.0\", \"disks\": ["
            + "{\"partitions\": [" + part("root", s("disk.qcow2"), false) + "], \"writable\": false},"
            + "{\"image\": \"" + s("disk.qcow2") + "\", \"writable\": true}]}");
    VmConfigAudit result = report(config).configs().get(0);

    VmConfigAudit.Finding refused = only(result, ConfigRule.UNSUPPORTED_PARTITION_IMAGE);
    assertThat(refused.disk()).isZero();
    assertThat(refused.message()).endsWith("virtmgr refuses it: unsupported partition image type: Qcow2");
    assertThat(refused.images()).containsExactly(s("disk.qcow2"));
    assertThat(rules(result)).containsExactly("unsupported-partition-image");
    assertThat(result.disks().get(0).compositeSize()).isNull();
    assertThat(result.disks().get(1).image()).isEqualTo(s("disk.qcow2"));
    assertThat(result.disks().get(1).imageFormat()).isEqualTo(ImageFormat.QCOW2);
  }

  @Test
  void aCutSparseHeaderCannotBeSizedByVirtmgr() throws IOException {
    Files.write(store.resolve("cut.simg"), java.util.Arrays.copyOf(sparseHeader(4096, 1), 20));
    VmConfigAudit result = report(partitions("c.json", false, part("p", s("cut.simg"), false))).configs().get(0);
    assertThat(only(result, ConfigRule.INVALID_PARTITION_IMAGE).message())
        .endsWith("virtmgr cannot size it: failed to read android sparse header");
  }

  @Test
  void aWritableUnalignedPartitionIsAnErrorAReadOnlyOneIsPadded() throws IOException {
    VmConfigAudit result =
        report(partitions("w.json", true, part("rw", s("odd.img"), true) + ", " + part("ro", s("odd.img"), false)))
            .configs().get(0);

    VmConfigAudit.Finding unaligned = only(result, ConfigRule.UNALIGNED_WRITABLE_PARTITION);
    assertThat(unaligned.partition()).isEqualTo("rw");
    assertThat(unaligned.message()).contains("5000 bytes, not a multiple of 4096");
    // Each 5000-byte partition takes 8192: 0x5000 + 2 * 8192 + 0x4200 = 53760, rounded up to 65536.
    assertThat(result.disks().get(0).compositeSize()).isEqualTo(U64.of(65536));
  }

  @Test
  void aWritableSparsePartitionOrDiskFailsOnFirstWrite() throws IOException {
    Path config = config("s.json",
        "{\"bootloader\": \"b\", \"platform_version\": \"~1.0\", \"disks\": ["
            + "{\"partitions\": [" + part("system", s("system.simg"), true) + "], \"writable\": true},"
            + "{\"image\": \"" + s("system.simg") + "\", \"writable\": true},"
            + "{\"image\": \"" + s("system.simg") + "\", \"writable\": false}]}");
    VmConfigAudit result = report(config).configs().get(0);

    List<VmConfigAudit.Finding> sparse = result.findings();
    assertThat(sparse).extracting(f -> f.rule().id()).containsExactly("writable-android-sparse", "writable-android-sparse");
    assertThat(sparse).extracting(VmConfigAudit.Finding::disk).containsExactly(0, 1);
    assertThat(sparse.get(0).message()).contains("read-only").contains("first write fails");
  }

  @Test
  void labelsCollidingAfterTruncationToThirtySixUnitsAreAnError() throws IOException {
    String a35 = "a".repeat(35);
    // U+1F600 and U+1F601 share their high surrogate, which is unit 36: cut there, the two are one name.
    String grin = a35 + "\uD83D\uDE00";
    String beam = a35 + "\uD83D\uDE01";
    String long1 = "b".repeat(36) + "-one";
    String long2 = "b".repeat(36) + "-two";
    VmConfigAudit result =
        report(partitions("labels.json", false,
            part(grin, s("data.img"), false) + ", " + part(beam, s("odd.img"), false) + ", "
                + part(long1, s("data.img"), false) + ", " + part(long2, s("data.img"), false) + ", "
                + part("c".repeat(36), s("data.img"), false) + ", " + part("short", s("data.img"), false) + ", "
                + part("short", s("odd.img"), false)))
            .configs().get(0);

    List<VmConfigAudit.Finding> duplicates = result.findings().stream()
        .filter(f -> f.rule() == ConfigRule.DUPLICATE_PARTITION_LABEL).toList();
    assertThat(duplicates).extracting(VmConfigAudit.Finding::partition).containsExactly(beam, long2, "short");
    assertThat(duplicates.get(0).images()).containsExactly(s("data.img"), s("odd.img"));
    assertThat(duplicates.get(0).message()).contains("same GPT name once cut to 36 UTF-16 code units");
    assertThat(duplicates.get(1).images()).containsExactly(s("data.img"));
    assertThat(duplicates.get(2).message()).startsWith("disk 0: two partitions are labelled \"short\"");

    // Exactly 36 units is not cut; 37 and more are, and say so.
    List<VmConfigAudit.Finding> truncated = result.findings().stream()
        .filter(f -> f.rule() == ConfigRule.LABEL_TRUNCATED).toList();
    assertThat(truncated).extracting(VmConfigAudit.Finding::partition).containsExactly(grin, beam, long1, long2);
    assertThat(truncated).allMatch(f -> f.severity() == ConfigRule.Severity.WARNING);
    assertThat(truncated.get(0).message()).contains("37 UTF-16 code units").endsWith("(the cut splits a character)");
    assertThat(truncated.get(2).message()).doesNotContain("splits");
  }

  @Test
  void moreThan128PartitionsIsAnErrorButExactly128IsNot() throws IOException {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 129; i++) {
      parts.add(part("p" + i, s("data.img"), false));
    }
    VmConfigAudit over = report(partitions("129.json", false, String.join(",", parts))).configs().get(0);
    VmConfigAudit exact = report(partitions("128.json", false, String.join(",", parts.subList(0, 128)))).configs().get(0);

    assertThat(only(over, ConfigRule.TOO_MANY_PARTITIONS).message()).contains("129 partitions").contains("128");
    assertThat(exact.findings()).isEmpty();
    // 0x5000 + 128 * 8192 + 0x4200 = 1085952, rounded up to 64 KiB.
    assertThat(exact.disks().get(0).compositeSize()).isEqualTo(U64.of(1114112));
  }

  @Test
  void aCompositeOfTwoTebibytesOrMoreIsRefusedWithoutMakingOne() throws IOException {
    // Sparse headers claim the sizes; the files are 28 bytes. With 4096-byte blocks the disk is
    // align64K(0x5000 + 4096 n + 0x4200): n = 2^29 - 26 gives 2^41 - 64 KiB, n = 2^29 - 25 gives 2^41.
    Files.write(store.resolve("fits.simg"), sparseHeader(4096, (1 << 29) - 26));
    Files.write(store.resolve("over.simg"), sparseHeader(4096, (1 << 29) - 25));
    Files.write(store.resolve("huge.simg"), sparseHeader(-1, -1));
    VmConfigAudit fits = report(partitions("fits.json", false, part("a", s("fits.simg"), false))).configs().get(0);
    VmConfigAudit over = report(partitions("over.json", false, part("a", s("over.simg"), false))).configs().get(0);
    VmConfigAudit huge = report(partitions("huge.json", false,
        part("a", s("huge.simg"), false) + ", " + part("b", s("huge.simg"), false))).configs().get(0);

    assertThat(fits.findings()).isEmpty();
    assertThat(fits.disks().get(0).compositeSize()).isEqualTo(U64.of((1L << 41) - 65536));
    VmConfigAudit.Finding tooLarge = only(over, ConfigRule.DISK_TOO_LARGE);
    assertThat(tooLarge.message()).contains("would be 2199023255552 bytes").contains("under 2 TiB");
    assertThat(tooLarge.images()).containsExactly(s("over.simg"));
    assertThat(over.disks().get(0).compositeSize()).isEqualTo(U64.of(1L << 41));
    // Two partitions of (2^32 - 1)^2 bytes each: past 2^64, exact in the message, null as a U64.
    assertThat(only(huge, ConfigRule.DISK_TOO_LARGE).message()).contains("would be 36893488130239299584 bytes");
    assertThat(huge.disks().get(0).compositeSize()).isNull();
    assertThat(huge.disks().get(0).partitions().get(0).size()).hasToString("18446744065119617025");
  }

  @Test
  void aDiskNeedsExactlyOneOfImageAndPartitions() throws IOException {
    Path config = config("xor.json",
        "{\"kernel\": \"k\", \"platform_version\": \"1\", \"disks\": ["
            + "{\"image\": \"" + s("data.img") + "\", \"partitions\": [" + part("p", s("odd.img"), false) + "], \"writable\": false},"
            + "{\"writable\": false},"
            + "{\"partitions\": [], \"writable\": false},"
            + "{\"image\": null, \"partitions\": [" + part("p", s("odd.img"), false) + "], \"writable\": false}]}");
    VmConfigAudit result = report(config).configs().get(0);

    List<VmConfigAudit.Finding> xor = result.findings();
    assertThat(xor).extracting(f -> f.rule().id()).containsOnly("disk-image-or-partitions");
    assertThat(xor).extracting(VmConfigAudit.Finding::disk).containsExactly(0, 1, 2);
    assertThat(xor.get(0).message()).contains("both");
    assertThat(xor.get(1).message()).contains("neither").doesNotContain("empty");
    assertThat(xor.get(2).message()).contains("its `partitions` is empty");
    assertThat(result.disks()).hasSize(4);
  }
}
