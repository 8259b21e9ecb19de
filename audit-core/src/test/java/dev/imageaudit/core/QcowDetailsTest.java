package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed details of the qemu-img qcow and qcow2 fixtures (fixtures/qcow2/make.sh), through the
 * one-file audit: {@link Qcow2Details} for versions 2 and 3, {@link QcowDetails} for version 1.
 */
class QcowDetailsTest {

  @Test
  void aVersion3OverlayHasItsHeaderItsBackingFileAndItsExtensionsTyped() {
    AuditEntry.Image image = FixtureAudits.fixture("qcow2", "backing-qcow2.qcow2");
    assertThat(image.details().header()).isInstanceOfSatisfying(Qcow2Details.class, d -> {
      assertThat(d.version()).isEqualTo(3);
      assertThat(d.clusterBits()).isEqualTo(12L);
      assertThat(d.clusterSize()).isEqualTo(4096L);
      assertThat(d.encryption()).isEqualTo("none");
      assertThat(d.headerLength()).isEqualTo(112L);
      assertThat(d.incompatibleFeatures()).isEqualTo(U64.ZERO);
      assertThat(d.refcountBits()).isEqualTo(16L);
      assertThat(d.dirty()).isFalse();
      assertThat(d.compressionType()).isEqualTo("zlib");
      assertThat(d.backingFileOffset()).isEqualTo(U64.of(136));
      assertThat(d.backingFile()).isEqualTo("cluster-4k.qcow2");
      assertThat(d.headerExtensions()).containsExactly("backing-format");
      assertThat(d.backingFormat()).isEqualTo("qcow2");
      assertThat(d.backingFormatExtension()).isEqualTo("qemu");
      assertThat(d.dataFile()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("version", 3L), entry("clusterBits", 12L), entry("clusterSize", 4096L), entry("cryptMethod", 0L),
        entry("encryption", "none"), entry("snapshots", 0L), entry("headerLength", 112L),
        entry("incompatibleFeatures", U64.ZERO), entry("compatibleFeatures", U64.ZERO),
        entry("autoclearFeatures", U64.ZERO), entry("refcountOrder", 4L), entry("refcountBits", 16L),
        entry("dirty", false), entry("corrupt", false), entry("lazyRefcounts", false), entry("extendedL2", false),
        entry("compressionType", "zlib"), entry("backingFileOffset", U64.of(136)), entry("backingFileSize", 16L),
        entry("backingFile", "cluster-4k.qcow2"), entry("headerExtensions", List.of("backing-format")),
        entry("backingFormat", "qcow2"), entry("backingFormatExtension", "qemu"));
  }

  @Test
  void aVersion2HeaderHasNoVersion3FieldsAndSixteenBitRefcounts() {
    AuditEntry.Image image = FixtureAudits.fixture("qcow2", "v2-4k.qcow2");
    assertThat(image.details().header()).isInstanceOfSatisfying(Qcow2Details.class, d -> {
      assertThat(d.version()).isEqualTo(2);
      assertThat(d.headerLength()).isNull();
      assertThat(d.incompatibleFeatures()).isNull();
      assertThat(d.dirty()).isNull();
      assertThat(d.refcountOrder()).isEqualTo(4L);
      assertThat(d.headerExtensions()).isEmpty();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("version", 2L), entry("clusterBits", 12L), entry("clusterSize", 4096L), entry("cryptMethod", 0L),
        entry("encryption", "none"), entry("snapshots", 0L), entry("refcountOrder", 4L), entry("refcountBits", 16L),
        entry("compressionType", "zlib"), entry("headerExtensions", List.of()));
  }

  @Test
  void anExternalDataFileIsNamedFromItsExtension() {
    assertThat(FixtureAudits.fixture("qcow2", "external-data.qcow2").details().header())
        .isInstanceOfSatisfying(Qcow2Details.class, d -> {
          assertThat(d.dataFile()).isEqualTo("external.data");
          assertThat(d.incompatibleFeatures()).isEqualTo(U64.of(4));
          assertThat(d.headerExtensions()).containsExactly("data-file");
        });
  }

  @Test
  void aVersion1ImageIsQcowWithItsOneByteBitFieldsAsIntegers() {
    AuditEntry.Image image = FixtureAudits.fixture("qcow2", "aes-v1.qcow");
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW);
    assertThat(image.details().header()).isInstanceOfSatisfying(QcowDetails.class, d -> {
      assertThat(d.version()).isEqualTo(1);
      assertThat(d.clusterBits()).isEqualTo(12);
      assertThat(d.l2Bits()).isEqualTo(9);
      assertThat(d.cryptMethod()).isEqualTo(1L);
      assertThat(d.encryption()).isEqualTo("aes");
      assertThat(d.backingFile()).isNull();
    });
    assertThat(image.details().header().fields()).containsExactly(
        entry("version", 1L), entry("clusterBits", 12), entry("l2Bits", 9), entry("cryptMethod", 1L),
        entry("encryption", "aes"));
  }

  @Test
  void aFileEndingInsideTheHeaderGivesTheFieldsItHoldsAndNullForTheRest() throws IOException {
    AuditEntry.Image image = FixtureAudits.auditFirstBytes("qcow2", "backing-qcow2.qcow2", 50);
    assertThat(image.details().header()).isInstanceOfSatisfying(Qcow2Details.class, d -> {
      assertThat(d.version()).isEqualTo(3);
      assertThat(d.clusterSize()).isEqualTo(4096L);
      assertThat(d.cryptMethod()).isEqualTo(0L);
      assertThat(d.backingFileOffset()).isEqualTo(U64.of(136));
      // The name lies past the end of this file: named as a backing file, never read.
      assertThat(d.backingFile()).isNull();
      assertThat(d.snapshots()).isNull();
      assertThat(d.headerLength()).isNull();
      assertThat(d.compressionType()).isNull();
      assertThat(d.headerExtensions()).isNull();
    });
    assertThat(image.details().notes()).containsEntry("headerTruncated", true);
    assertThat(image.flags()).contains(Flag.BACKING_FILE, Flag.TRUNCATED);
    // Magic and version only: the record keeps the version, the rest is null.
    assertThat(FixtureAudits.auditFirstBytes("qcow2", "backing-qcow2.qcow2", 8).details().header().fields())
        .containsExactly(entry("version", 3L));
  }
}
