package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The typed details of the qemu-img Parallels fixtures (fixtures/parallels/make.sh), through the one-file audit. */
class ParallelsDetailsTest {

  @Test
  void theExtendedMagicsHeaderIsTyped() {
    AuditEntry.Image image = FixtureAudits.fixture("parallels", "ext-8k.hdd");
    assertThat(image.details().header()).isInstanceOfSatisfying(ParallelsDetails.class, d -> {
      assertThat(d.magic()).isEqualTo("WithouFreSpacExt");
      assertThat(d.version()).isEqualTo(2L);
      assertThat(d.clusterSectors()).isEqualTo(16L);
      assertThat(d.batEntries()).isEqualTo(384L);
      assertThat(d.sectors()).isEqualTo(U64.of(6144));
      assertThat(d.inUse()).isFalse();
      assertThat(d.extensionOffset()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("magic", "WithouFreSpacExt"), entry("version", 2L), entry("heads", 16L), entry("cylinders", 12L),
        entry("clusterSectors", 16L), entry("batEntries", 384L), entry("sectors", U64.of(6144)),
        entry("dataOffset", 16L), entry("inUse", false));
  }

  @Test
  void theOldMagicKeepsAllSixtyFourBitsOfItsSectorCountInTheDetails() {
    AuditEntry.Image image = FixtureAudits.fixture("parallels", "old-magic.hdd");
    assertThat(image.details().header()).isInstanceOfSatisfying(ParallelsDetails.class, d -> {
      assertThat(d.magic()).isEqualTo("WithoutFreeSpace");
      assertThat(d.sectors()).isEqualTo(U64.of((1L << 32) + 2048));
    });
    // QEMU sizes the old format by the low 32 bits only.
    assertThat(image.virtualSize()).isEqualTo(U64.of(2048L * 512));
  }

  @Test
  void aFileEndingInsideTheHeaderKeepsWhatItsStartSays() throws IOException {
    AuditEntry.Image image = FixtureAudits.auditFirstBytes("parallels", "ext.hdd", 40);
    assertThat(image.details().header()).isInstanceOf(ParallelsDetails.class);
    assertThat(image.details().header().fields()).containsExactly(entry("magic", "WithouFreSpacExt"));
    assertThat(image.virtualSize()).isNull();
    assertThat(image.flags()).contains(Flag.TRUNCATED);
  }
}
