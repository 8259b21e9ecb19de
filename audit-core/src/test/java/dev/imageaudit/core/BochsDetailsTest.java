package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

/** The typed details of the bximage fixtures (fixtures/bochs/make.sh), through the one-file audit. */
class BochsDetailsTest {

  @Test
  void aVersion2GrowingDiskHasItsHeaderTyped() {
    AuditEntry.Image image = image("growing.img");
    assertThat(image.details().header()).isInstanceOfSatisfying(BochsDetails.class, d -> {
      assertThat(d.type()).isEqualTo("Redolog");
      assertThat(d.subtype()).isEqualTo("Growing");
      assertThat(d.version()).isEqualTo(2);
      assertThat(d.catalogEntries()).isEqualTo(1024);
      assertThat(d.extentSize()).isEqualTo(16384);
      assertThat(d.diskSize()).isEqualTo(U64.of(10321920));
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("type", "Redolog"), entry("subtype", "Growing"), entry("version", 2L),
        entry("headerSize", 512L), entry("catalogEntries", 1024L), entry("bitmapSize", 4L),
        entry("extentSize", 16384L), entry("diskSize", U64.of(10321920)));
  }

  @Test
  void aVersion1DiskAndAnOddSizeKeepTheHeadersNumbers() {
    assertThat(image("v1.img").details().header())
        .isInstanceOfSatisfying(BochsDetails.class, d -> assertThat(d.version()).isEqualTo(1));
    // The header's byte count, 300 bytes past whole sectors: virtualSize is rounded down, the detail is not.
    AuditEntry.Image odd = image("odd-size.img");
    assertThat(odd.details().header()).isInstanceOfSatisfying(BochsDetails.class,
        d -> assertThat(d.diskSize()).isEqualTo(U64.of(10322220)));
    assertThat(odd.virtualSize()).isEqualTo(U64.of(10321920));
  }

  private static AuditEntry.Image image(String name) {
    return FixtureAudits.fixture("bochs", name);
  }
}
