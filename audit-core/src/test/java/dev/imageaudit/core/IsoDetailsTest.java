package dev.imageaudit.core;

import static dev.imageaudit.core.FixtureAudits.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed details of the ISO 9660 fixtures (fixtures/iso9660/make.sh), and the map report.json writes. */
class IsoDetailsTest {

  @Test
  void plainIsoGivesItsPrimaryVolumeDescriptor() {
    AuditEntry.Image image = fixture("iso9660", "plain.iso");
    assertThat(image.details().header()).isInstanceOfSatisfying(IsoDetails.class, iso -> {
      assertThat(iso.systemId()).isEqualTo("LINUX");
      assertThat(iso.volumeId()).isEqualTo("PLAINVOL");
      assertThat(iso.volumeBlocks()).isEqualTo(25);
      assertThat(iso.blockSize()).isEqualTo(2048);
      assertThat(iso.volumeSize()).isEqualTo(25 * 2048).isEqualTo(image.fileSize());
    });
    Map<String, Object> expected = expected("LINUX", "PLAINVOL", 25);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected);
  }

  @Test
  void hybridIsoKeepsItsPartitionTableInTheNotes() {
    AuditEntry.Image image = fixture("iso9660", "hybrid-gpt.iso");
    assertThat(image.details().header()).isInstanceOfSatisfying(IsoDetails.class, iso -> {
      assertThat(iso.systemId()).isEmpty();
      assertThat(iso.volumeId()).isEqualTo("HYBRIDVOL");
      assertThat(iso.volumeSize()).isEqualTo(34 * 2048).isLessThan(image.fileSize());
    });
    Map<String, Object> expected = expected("", "HYBRIDVOL", 34);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().notes()).containsEntry("partitionTable", "gpt")
        .doesNotContainKeys(expected.keySet().toArray(String[]::new));
  }

  /** A fixture's details as report.jsonl wrote them before the typed record: xorriso's 2 KiB blocks. */
  private static Map<String, Object> expected(String systemId, String volumeId, long blocks) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("systemId", systemId);
    expected.put("volumeId", volumeId);
    expected.put("volumeBlocks", blocks);
    expected.put("blockSize", 2048);
    expected.put("volumeSize", blocks * 2048);
    return expected;
  }
}
