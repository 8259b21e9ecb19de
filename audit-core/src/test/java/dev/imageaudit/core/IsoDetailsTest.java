package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed details of the ISO 9660 fixtures (fixtures/iso9660/make.sh), and the map report.json writes. */
class IsoDetailsTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/iso9660");

  static AuditEntry.Image audit(String name) {
    AuditEntry entry = ImageAudit.auditFile(FIXTURES.resolve(name));
    assertThat(entry).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }

  @Test
  void plainIsoGivesItsPrimaryVolumeDescriptor() {
    AuditEntry.Image image = audit("plain.iso");
    assertThat(image.details().header()).isInstanceOfSatisfying(IsoDetails.class, iso -> {
      assertThat(iso.systemId()).isEqualTo("LINUX");
      assertThat(iso.volumeId()).isEqualTo("PLAINVOL");
      assertThat(iso.volumeBlocks()).isEqualTo(25);
      assertThat(iso.blockSize()).isEqualTo(2048);
      assertThat(iso.volumeSize()).isEqualTo(25 * 2048).isEqualTo(image.fileSize());
    });
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("systemId", "LINUX");
    expected.put("volumeId", "PLAINVOL");
    expected.put("volumeBlocks", 25L);
    expected.put("blockSize", 2048);
    expected.put("volumeSize", 51200L);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected);
  }

  @Test
  void hybridIsoKeepsItsPartitionTableInTheNotes() {
    AuditEntry.Image image = audit("hybrid-gpt.iso");
    assertThat(image.details().header()).isInstanceOfSatisfying(IsoDetails.class, iso -> {
      assertThat(iso.systemId()).isEmpty();
      assertThat(iso.volumeId()).isEqualTo("HYBRIDVOL");
      assertThat(iso.volumeSize()).isEqualTo(34 * 2048).isLessThan(image.fileSize());
    });
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("systemId", "");
    expected.put("volumeId", "HYBRIDVOL");
    expected.put("volumeBlocks", 34L);
    expected.put("blockSize", 2048);
    expected.put("volumeSize", 69632L);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().notes()).containsEntry("partitionTable", "gpt").doesNotContainKeys(expected.keySet().toArray(String[]::new));
  }
}
