package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The vhdx fixtures made by qemu-img (fixtures/vhdx/make.sh), read back as the typed {@link VhdxDetails}. */
class VhdxDetailsTest {

  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/vhdx");

  @Test
  void dynamicDiskFieldsAreTypedAndWrittenAsBefore() throws IOException {
    AuditEntry.Image image = fixture("dynamic.vhdx.gz");

    assertThat(image.format()).isEqualTo(ImageFormat.VHDX);
    assertThat(image.details().header()).isInstanceOfSatisfying(VhdxDetails.class, vhdx -> {
      assertThat(vhdx.creator()).isEqualTo("QEMU v7.2.22");
      assertThat(vhdx.blockSize()).isEqualTo(1L << 20);
      assertThat(vhdx.leaveBlocksAllocated()).isFalse();
      assertThat(vhdx.hasParent()).isFalse();
      assertThat(vhdx.logicalSectorSize()).isEqualTo(512L);
      assertThat(vhdx.physicalSectorSize()).isEqualTo(512L);
      assertThat(vhdx.virtualDiskSize()).isEqualTo(U64.of(1 << 20));
      // No log, no second region table, nothing unknown, no parent: those fields are absent.
      assertThat(vhdx.logGuid()).isNull();
      assertThat(vhdx.regionTableCopyUsed()).isNull();
      assertThat(vhdx.unknownRequiredRegion()).isNull();
      assertThat(vhdx.unknownRequiredMetadata()).isNull();
      assertThat(vhdx.parentLocator()).isNull();
    });
    // The map report.jsonl held before the typed record (main at 96018c9): same keys, order and types.
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("creator", "QEMU v7.2.22");
    before.put("sequenceNumber", U64.of(1597028957));
    before.put("blockSize", 1048576L);
    before.put("leaveBlocksAllocated", false);
    before.put("hasParent", false);
    before.put("logicalSectorSize", 512L);
    before.put("physicalSectorSize", 512L);
    before.put("virtualDiskSize", U64.of(1048576));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(before);
    assertThat(image.details().notes()).isEmpty();
  }

  @Test
  void fixedDiskLeavesItsBlocksAllocated() throws IOException {
    assertThat(fixture("fixed.vhdx.gz").details().header()).isInstanceOfSatisfying(VhdxDetails.class, vhdx -> {
      assertThat(vhdx.leaveBlocksAllocated()).isTrue();
      assertThat(vhdx.sequenceNumber()).isEqualTo(U64.of(4128527482L));
    });
  }

  private static AuditEntry.Image fixture(String name) throws IOException {
    byte[] bytes;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve(name)))) {
      bytes = in.readAllBytes();
    }
    return Auditor.judge(name, null, new ByteArraySource(bytes), bytes.length);
  }
}
