package dev.imageaudit.core;

import static dev.imageaudit.core.FixtureAudits.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed details of the LUKS fixtures (fixtures/luks/make.sh), and the map report.json writes. */
class LuksDetailsTest {

  @Test
  void luks1GivesItsPartitionHeaderAndNoLuks2Field() {
    AuditEntry.Image image = fixture("luks", "v1.luks");
    assertThat(image.details().header()).isInstanceOfSatisfying(LuksDetails.class, luks -> {
      assertThat(luks.version()).isEqualTo(1);
      assertThat(luks.cipherName()).isEqualTo("aes");
      assertThat(luks.cipherMode()).isEqualTo("cbc-essiv:sha256");
      assertThat(luks.payloadOffset()).isEqualTo(528384L).isEqualTo(image.fileSize() - image.virtualSize().bits());
      assertThat(luks.keyBytes()).isEqualTo(16L);
      assertThat(luks.activeKeySlots()).isEqualTo(1);
      assertThat(luks.headerSize()).isNull();
      assertThat(luks.segments()).isNull();
    });
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("version", 1);
    expected.put("cipherName", "aes");
    expected.put("cipherMode", "cbc-essiv:sha256");
    expected.put("hashSpec", "sha256");
    expected.put("payloadOffset", 528384L);
    expected.put("keyBytes", 16L);
    expected.put("uuid", "d8d8c777-757a-4965-9a95-e3d5da191b8f");
    expected.put("activeKeySlots", 1);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected);
  }

  @Test
  void luks2GivesItsBinaryHeaderAndTheSegmentsOfItsJsonMetadata() {
    AuditEntry.Image image = fixture("luks", "v2.luks2");
    LuksDetails.Segment segment =
        new LuksDetails.Segment(0, "crypt", U64.of(98304), null, "aes-cbc-essiv:sha256", 512L);
    assertThat(image.details().header()).isInstanceOfSatisfying(LuksDetails.class, luks -> {
      assertThat(luks.version()).isEqualTo(2);
      assertThat(luks.headerSize()).isEqualTo(U64.of(16384));
      assertThat(luks.label()).isEqualTo("fixture");
      assertThat(luks.checksumChecked()).isTrue();
      assertThat(luks.keySlots()).isEqualTo(1);
      assertThat(luks.segments()).containsExactly(segment);
      assertThat(luks.cipherName()).isNull();
      assertThat(luks.activeKeySlots()).isNull();
    });
    // A dynamic segment runs to the end of the file.
    assertThat(image.virtualSize()).isEqualTo(U64.of(image.fileSize() - 98304));
    Map<String, Object> segmentMap = new LinkedHashMap<>();
    segmentMap.put("index", 0L);
    segmentMap.put("type", "crypt");
    segmentMap.put("offset", U64.of(98304));
    segmentMap.put("size", "dynamic");
    segmentMap.put("encryption", "aes-cbc-essiv:sha256");
    segmentMap.put("sectorSize", 512L);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("version", 2);
    expected.put("headerSize", U64.of(16384));
    expected.put("label", "fixture");
    expected.put("uuid", "c214bb5d-b7e5-4a8c-9853-bc340294965b");
    expected.put("checksumAlgorithm", "sha256");
    expected.put("checksumChecked", true);
    expected.put("keySlots", 1);
    expected.put("segments", List.of(segmentMap));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected);
  }
}
