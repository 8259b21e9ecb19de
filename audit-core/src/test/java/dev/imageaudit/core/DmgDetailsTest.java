package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dmg fixture made by make.sh (fixtures/dmg), read back as the typed {@link DmgDetails}. */
class DmgDetailsTest {

  private static final Path UDIF = Path.of("src/test/resources/fixtures/dmg/udif.dmg");

  @Test
  void trailerFieldsAreTypedAndWrittenAsBefore() throws IOException {
    AuditEntry.Image image = (AuditEntry.Image) ImageAudit.auditFile(UDIF);

    assertThat(image.format()).isEqualTo(ImageFormat.DMG);
    assertThat(image.details().header()).isInstanceOfSatisfying(DmgDetails.class, dmg -> {
      assertThat(dmg.version()).isEqualTo(4);
      assertThat(dmg.headerSize()).isEqualTo(512);
      assertThat(dmg.dataForkLength()).isEqualTo(U64.of(512));
      assertThat(dmg.xmlOffset()).isEqualTo(U64.of(512));
      assertThat(dmg.xmlLength()).isEqualTo(U64.of(924));
      assertThat(dmg.sectors()).isEqualTo(U64.of(2048));
    });
    // The map report.jsonl held before the typed record (main at 96018c9): same keys, order and types.
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("version", 4L);
    before.put("headerSize", 512L);
    before.put("dataForkOffset", U64.of(0));
    before.put("dataForkLength", U64.of(512));
    before.put("resourceForkOffset", U64.of(0));
    before.put("resourceForkLength", U64.of(0));
    before.put("xmlOffset", U64.of(512));
    before.put("xmlLength", U64.of(924));
    before.put("imageVariant", 1L);
    before.put("sectors", U64.of(2048));
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(before);
    assertThat(image.details().notes()).isEmpty();
  }
}
