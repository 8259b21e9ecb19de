package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The typed details of the cloop-utils fixtures (fixtures/cloop/make.sh), through the one-file audit. */
class CloopDetailsTest {

  @Test
  void blocksAndTheirSizeAreTyped() {
    AuditEntry.Image image = FixtureAudits.fixture("cloop", "b16k.cloop");
    assertThat(image.details().header()).isInstanceOfSatisfying(CloopDetails.class, d -> {
      assertThat(d.version()).isEqualTo("2.0");
      assertThat(d.blockSize()).isEqualTo(16384L);
      assertThat(d.blocks()).isEqualTo(6L);
    });
    assertThat(image.virtualSize()).isEqualTo(U64.of(16384L * 6));
    assertThat(image.details().header().fields())
        .containsExactly(entry("version", "2.0"), entry("blockSize", 16384L), entry("blocks", 6L));
  }

  @Test
  void anotherBlockSizeIsReadFromItsHeader() {
    assertThat(FixtureAudits.fixture("cloop", "b4k.cloop").details().header().fields())
        .containsExactly(entry("version", "2.0"), entry("blockSize", 4096L), entry("blocks", 16L));
  }

  @Test
  void aFileEndingInsideTheHeaderKeepsWhatItsStartSays() throws IOException {
    AuditEntry.Image image = FixtureAudits.auditFirstBytes("cloop", "b4k.cloop", 100);
    assertThat(image.details().header()).isInstanceOf(CloopDetails.class);
    assertThat(image.details().header().fields()).containsExactly(entry("version", "2.0"));
    assertThat(image.virtualSize()).isNull();
    assertThat(image.flags()).contains(Flag.TRUNCATED);
  }
}
