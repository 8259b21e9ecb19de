package dev.imageaudit.core;

import static dev.imageaudit.core.FixtureAudits.fixture;
import static dev.imageaudit.core.FixtureAudits.image;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed details of the VDI fixtures (fixtures/vdi/make.sh), and the map report.json writes. */
class VdiDetailsTest {

  static final Path FIXTURES = FixtureAudits.ROOT.resolve("vdi");

  @Test
  void dynamicVdiGivesItsHeader() {
    AuditEntry.Image image = fixture("vdi", "dynamic.vdi");
    assertThat(image.details().header()).isInstanceOfSatisfying(VdiDetails.class, vdi -> {
      assertThat(vdi.version()).isEqualTo("1.1");
      assertThat(vdi.diskSize()).isEqualTo(U64.of(1 << 20));
      assertThat(vdi.imageType()).isEqualTo("dynamic");
      assertThat(vdi.blockSize()).isEqualTo(1L << 20);
      assertThat(vdi.blocks()).isEqualTo(1L);
      assertThat(vdi.blocksAllocated()).isZero();
      assertThat(vdi.sectorSize()).isEqualTo(512L);
      assertThat(vdi.parentUuid()).isNull();
      assertThat(vdi.linkUuid()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected(1 << 20));
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected(1 << 20));
  }

  @Test
  void oddSizeVdiKeepsTheHeadersDiskSizeWhileTheVirtualSizeIsRoundedUp() {
    AuditEntry.Image image = fixture("vdi", "odd-size.vdi");
    assertThat(image.details().header()).isInstanceOfSatisfying(VdiDetails.class,
        vdi -> assertThat(vdi.diskSize()).isEqualTo(U64.of(1_000_001)));
    assertThat(image.virtualSize()).isEqualTo(U64.of(1_000_448));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected(1_000_001));
  }

  @Test
  void aHeaderCutBeforeTheBlockMapGivesTheFieldsItHolds(@TempDir Path dir) throws IOException {
    Path cut = dir.resolve("cut.vdi");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("dynamic.vdi")), 0x180));
    AuditEntry.Image image = image(cut);
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().header()).isEqualTo(
        new VdiDetails("1.1", U64.of(1 << 20), "dynamic", null, null, null, null, null, null, null, null));
    assertThat(image.details().toMap()).containsExactly(
        Map.entry("version", "1.1"), Map.entry("diskSize", U64.of(1 << 20)), Map.entry("imageType", "dynamic"),
        Map.entry("truncated", "header"));
  }

  /** The details of both fixtures as report.jsonl wrote them before the typed record. */
  private static Map<String, Object> expected(long diskSize) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("version", "1.1");
    expected.put("diskSize", U64.of(diskSize));
    expected.put("imageType", "dynamic");
    expected.put("blockSize", 1048576L);
    expected.put("blocks", 1L);
    expected.put("blocksAllocated", 0L);
    expected.put("sectorSize", 512L);
    expected.put("blockMapOffset", 512L);
    expected.put("dataOffset", 1024L);
    return expected;
  }
}
