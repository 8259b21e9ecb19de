package dev.imageaudit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmConfigAudit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example configs of {@code vm-configs/}, each with the findings its README row promises. */
class VmConfigExamplesTest {

  private static final Path CONFIGS = Path.of("vm-configs");

  static VmConfigAudit audit(String name) {
    AuditReport report =
        ImageAudit.report(List.of(new AuditInput.VmConfig(CONFIGS.resolve(name))), ScanOptions.defaults())
            .block(Duration.ofSeconds(30));
    return report.configs().get(0);
  }

  static List<String> rules(VmConfigAudit config) {
    return config.findings().stream().map(f -> f.rule().id()).toList();
  }

  @Test
  void goodHasOnlyTheRelativePathWarning() {
    VmConfigAudit good = audit("good.json");
    assertThat(rules(good)).containsExactly("relative-paths");
    assertThat(good.findings().get(0).images())
        .containsExactly("image-store/system.simg", "image-store/vendor.simg", "image-store/raw-aligned.img");
    VmConfigAudit.Disk disk = good.disks().get(0);
    assertThat(disk.partitions()).extracting(VmConfigAudit.Partition::size)
        .containsExactly(U64.of(262144), U64.of(1060864), U64.of(65536));
    // 0x5000 + 262144 + 1060864 + 65536 + 0x4200 = 1425920, rounded up to 64 KiB.
    assertThat(disk.compositeSize()).isEqualTo(U64.of(1441792));
  }

  @Test
  void aQcow2PartitionIsRefused() {
    VmConfigAudit config = audit("qcow2-partition.json");
    assertThat(rules(config)).containsExactly("unsupported-partition-image", "relative-paths");
    assertThat(config.findings().get(0).message())
        .isEqualTo("disk 0, partition \"root\": virtmgr refuses it: unsupported partition image type: Qcow2");
  }

  @Test
  void unalignedWritableAndLabelsAlikeInTheirFirst36Units() {
    VmConfigAudit config = audit("unaligned-and-long-labels.json");
    assertThat(rules(config))
        .containsExactly(
            "unaligned-writable-partition", "label-truncated", "duplicate-partition-label", "label-truncated",
            "relative-paths");
    assertThat(config.findings().get(0).images()).containsExactly("image-store/raw-unaligned.img");
    assertThat(config.findings().get(2).images()).containsExactly("image-store/raw-aligned.img", "image-store/base.raw");
    assertThat(config.hasErrors()).isTrue();
  }

  @Test
  void wholeDiskImagesAreCrosvmsToOpen() {
    VmConfigAudit config = audit("whole-disk.json");
    assertThat(rules(config)).containsExactly("relative-paths");
    assertThat(config.disks()).extracting(d -> d.imageFormat().id()).containsExactly("qcow2", "raw");
  }

  @Test
  void brokenJsonSaysWhere() {
    VmConfigAudit config = audit("broken.json");
    assertThat(config.readable()).isTrue();
    assertThat(rules(config)).containsExactly("invalid-json");
    assertThat(config.findings().get(0).message()).startsWith("not valid JSON at line 5, column ");
  }

  @Test
  void aConfigAndAWalkOfTheStoreAuditEachFileOnce() {
    AuditReport report =
        ImageAudit.report(
                List.of(new AuditInput.PathInput(Path.of("image-store")), new AuditInput.VmConfig(CONFIGS.resolve("good.json"))),
                ScanOptions.defaults())
            .block(Duration.ofSeconds(30));
    assertThat(report.entries()).extracting(AuditEntry::path).doesNotHaveDuplicates().hasSize(11);
  }
}
