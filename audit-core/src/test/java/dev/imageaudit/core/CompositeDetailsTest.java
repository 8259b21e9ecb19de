package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A composite disk make.sh built from crosvm's proto (fixtures/composite/make.sh) read into {@link
 * CompositeDetails}, whose fields are the details object the reports have always written for it,
 * key for key and type for type.
 */
class CompositeDetailsTest {

  @Test
  void descriptorComponentsAndRulesAreTyped() throws IOException {
    AuditEntry.Image image = FixtureAudits.audit(ImageFormat.COMPOSITE, "two-components.composite");
    FormatDetails header = image.details().header();

    assertThat(header).isInstanceOfSatisfying(CompositeDetails.class, composite -> {
      assertThat(composite.version()).isEqualTo(U64.of(1));
      assertThat(composite.components()).containsExactly(
          new CompositeDetails.Component("system.img", U64.ZERO, false, U64.ZERO),
          new CompositeDetails.Component("userdata.img", U64.of(65536), true, U64.ZERO));
      assertThat(composite.length()).isEqualTo(U64.of(1114112));
      assertThat(composite.lastOffset()).isEqualTo(U64.of(65536));
      assertThat(composite.duplicateOffset()).isNull();
      assertThat(composite.rules()).isEqualTo(new CompositeDetails.Rules(true, true, true, true, true));
      assertThat(composite.descriptorError()).isNull();
    });
    assertThat(image.virtualSize()).isEqualTo(U64.of(1114112));

    Map<String, Object> system = new LinkedHashMap<>();
    system.put("path", "system.img");
    system.put("offset", U64.ZERO);
    system.put("readWrite", false);
    system.put("fileOffset", U64.ZERO);
    Map<String, Object> userdata = new LinkedHashMap<>();
    userdata.put("path", "userdata.img");
    userdata.put("offset", U64.of(65536));
    userdata.put("readWrite", true);
    userdata.put("fileOffset", U64.ZERO);
    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("versionAtMostTwo", true);
    rules.put("hasComponents", true);
    rules.put("offsetsSorted", true);
    rules.put("offsetsUnique", true);
    rules.put("lengthPastLastOffset", true);
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("version", U64.of(1));
    today.put("components", List.of(system, userdata));
    today.put("length", U64.of(1114112));
    today.put("lastOffset", U64.of(65536));
    today.put("rules", rules);
    assertThat(header.fields()).containsExactlyEntriesOf(today);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> components = (List<Map<String, Object>>) header.fields().get("components");
    assertThat(components.get(1)).containsExactlyEntriesOf(userdata);
    @SuppressWarnings("unchecked")
    Map<String, Object> written = (Map<String, Object>) header.fields().get("rules");
    assertThat(written).containsExactlyEntriesOf(rules);
  }

  @Test
  void unreadDescriptorGivesOnlyItsError() {
    CompositeDetails unread = CompositeDetails.unread("truncated varint at byte 3");

    assertThat(unread.fields()).containsExactly(Map.entry("descriptorError", "truncated varint at byte 3"));
  }
}
