package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vmdk fixtures made by qemu-img and make.sh (fixtures/vmdk), one per header type, read back
 * as the typed {@link VmdkDetails}: each test also holds {@code fields()} to the map report.jsonl
 * held before the typed record (main at 96018c9), keys, order and value types.
 */
class VmdkDetailsTest {

  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/vmdk");

  @Test
  void sparseExtentHeaderAndEmbeddedDescriptorAreTyped() throws IOException {
    AuditEntry.Image image = fixture("monolithicSparse.vmdk");

    VmdkDetails.Extent self = new VmdkDetails.Extent("RW", U64.of(2048), "SPARSE", "monolithicSparse.vmdk", null);
    assertThat(image.details().header()).isInstanceOfSatisfying(VmdkDetails.class, vmdk -> {
      assertThat(vmdk.headerType()).isEqualTo(VmdkDetails.KDMV);
      assertThat(vmdk.version()).isEqualTo(1L);
      assertThat(vmdk.capacitySectors()).isEqualTo(U64.of(2048));
      assertThat(vmdk.clusterSize()).isEqualTo(65536L);
      assertThat(vmdk.grainTableEntries()).isEqualTo(512L);
      assertThat(vmdk.compressed()).isFalse();
      assertThat(vmdk.headerInFooter()).isNull();
      assertThat(vmdk.descriptorVersion()).isEqualTo("1");
      assertThat(vmdk.createType()).isEqualTo("monolithicSparse");
      assertThat(vmdk.parentCid()).isEqualTo("ffffffff");
      assertThat(vmdk.extents()).containsExactly(self);
      assertThat(vmdk.allExtentsSize()).isNull();
    });
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("headerType", "KDMV");
    before.put("version", 1L);
    before.put("flags", 3L);
    before.put("capacitySectors", U64.of(2048));
    before.put("clusterSize", 65536L);
    before.put("grainTableEntries", 512L);
    before.put("compressed", false);
    before.put("descriptorVersion", "1");
    before.put("createType", "monolithicSparse");
    before.put("cid", "3fd6877b");
    before.put("parentCid", "ffffffff");
    before.put("extents", List.of(extent("RW", 2048, "SPARSE", "monolithicSparse.vmdk", null)));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(before);
  }

  @Test
  void cowdHeaderIsTypedAndItsCapacityStaysALong() throws IOException {
    AuditEntry.Image image = fixture("cowd.vmdk");

    assertThat(image.details().header()).isInstanceOfSatisfying(VmdkDetails.class, vmdk -> {
      assertThat(vmdk.headerType()).isEqualTo(VmdkDetails.COWD);
      assertThat(vmdk.version()).isEqualTo(1L);
      assertThat(vmdk.capacitySectors()).isEqualTo(U64.of(4096));
      assertThat(vmdk.clusterSize()).isEqualTo(8192L);
      assertThat(vmdk.cid()).isEqualTo("12345678");
      assertThat(vmdk.extents()).isNull();
    });
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("headerType", "COWD");
    before.put("version", 1L);
    before.put("flags", 3L);
    before.put("capacitySectors", 4096L);
    before.put("clusterSize", 8192L);
    before.put("cid", "12345678");
    before.put("parentCid", "ffffffff");
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(before);
  }

  @Test
  void descriptorFileKeysAndExtentsAreTypedAndItsVersionIsWrittenAsVersion() throws IOException {
    AuditEntry.Image image = fixture("extentAccess.vmdk");

    assertThat(image.details().header()).isInstanceOfSatisfying(VmdkDetails.class, vmdk -> {
      assertThat(vmdk.headerType()).isEqualTo(VmdkDetails.DESCRIPTOR);
      assertThat(vmdk.version()).isNull();
      assertThat(vmdk.descriptorVersion()).isEqualTo("1");
      assertThat(vmdk.createType()).isEqualTo("monolithicFlat");
      assertThat(vmdk.extents()).extracting(VmdkDetails.Extent::access)
          .containsExactly("RW", "RDONLY", "NOACCESS", "RW");
      assertThat(vmdk.extents().get(3)).isEqualTo(new VmdkDetails.Extent("RW", U64.of(16), "ZERO", null, null));
      assertThat(vmdk.allExtentsSize()).isEqualTo(U64.of(240 * 512));
    });
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("headerType", "descriptor");
    before.put("version", "1");
    before.put("createType", "monolithicFlat");
    before.put("cid", "fffffffe");
    before.put("parentCid", "ffffffff");
    before.put("extents", List.of(
        extent("RW", 128, "FLAT", "monolithicFlat-flat.vmdk", 0L),
        extent("RDONLY", 64, "FLAT", "monolithicFlat-flat.vmdk", 0L),
        extent("NOACCESS", 32, "FLAT", "monolithicFlat-flat.vmdk", 0L),
        extent("RW", 16, "ZERO", null, null)));
    before.put("allExtentsSize", U64.of(122880));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(before);
  }

  /** An extent as report.jsonl held it before the typed record: absent values left out. */
  private static Map<String, Object> extent(String access, long sectors, String type, String file, Long offset) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("access", access);
    map.put("sectors", U64.of(sectors));
    map.put("type", type);
    if (file != null) {
      map.put("file", file);
    }
    if (offset != null) {
      map.put("offset", U64.of(offset));
    }
    return map;
  }

  private static AuditEntry.Image fixture(String name) throws IOException {
    AuditEntry entry = ImageAudit.auditFile(FIXTURES.resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }
}
