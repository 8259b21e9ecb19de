package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

/** The typed details of the qemu-img QED fixtures (fixtures/qed/make.sh), through the one-file audit. */
class QedDetailsTest {

  @Test
  void aPlainImagesHeaderIsTypedWithoutABackingFile() {
    AuditEntry.Image image = FixtureAudits.fixture("qed", "plain.qed");
    assertThat(image.details().header()).isInstanceOfSatisfying(QedDetails.class, d -> {
      assertThat(d.clusterSize()).isEqualTo(4096);
      assertThat(d.tableSize()).isEqualTo(2);
      assertThat(d.headerClusters()).isEqualTo(1);
      assertThat(d.features()).isEqualTo(U64.ZERO);
      assertThat(d.l1TableOffset()).isEqualTo(U64.of(4096));
      assertThat(d.unknownFeatures()).isNull();
      assertThat(d.backingFile()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("clusterSize", 4096L), entry("tableSize", 2L), entry("headerClusters", 1L),
        entry("features", U64.ZERO), entry("compatFeatures", U64.ZERO), entry("autoclearFeatures", U64.ZERO),
        entry("l1TableOffset", U64.of(4096)));
  }

  @Test
  void aRawBackingFileIsNamedWithItsFormat() {
    AuditEntry.Image image = FixtureAudits.fixture("qed", "backing-raw.qed");
    assertThat(image.details().header()).isInstanceOfSatisfying(QedDetails.class, d -> {
      assertThat(d.features()).isEqualTo(U64.of(5));
      assertThat(d.backingFileNameLength()).isEqualTo(8L);
      assertThat(d.backingFile()).isEqualTo("base.raw");
      assertThat(d.backingFormat()).isEqualTo("raw");
      assertThat(d.backingFormatProbed()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("clusterSize", 8192L), entry("tableSize", 4L), entry("headerClusters", 1L),
        entry("features", U64.of(5)), entry("compatFeatures", U64.ZERO), entry("autoclearFeatures", U64.ZERO),
        entry("l1TableOffset", U64.of(8192)), entry("backingFileNameLength", 8L), entry("backingFile", "base.raw"),
        entry("backingFormat", "raw"));
  }

  @Test
  void aNameOutsideTheHeaderClustersIsLeftUnreadAndItsFormatProbed() {
    AuditEntry.Image image = FixtureAudits.fixture("qed", "backing-name-outside-header.qed");
    assertThat(image.details().header()).isInstanceOfSatisfying(QedDetails.class, d -> {
      assertThat(d.backingFileNameLength()).isEqualTo(4096L);
      assertThat(d.backingFile()).isNull();
      assertThat(d.backingFormatProbed()).isTrue();
    });
    assertThat(image.details().notes())
        .containsEntry("invalidHeader", "backing file name lies outside the header clusters");
  }
}
