package dev.imageaudit.core;

import static dev.imageaudit.core.FixtureAudits.fixture;
import static dev.imageaudit.core.FixtureAudits.image;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed details of the VHD fixtures (fixtures/vpc/make.sh), and the map report.json writes. */
class VhdDetailsTest {

  static final Path FIXTURES = FixtureAudits.ROOT.resolve("vpc");

  @Test
  void dynamicVhdGivesItsFooterAndDynamicHeader() {
    AuditEntry.Image image = fixture("vpc", "dynamic.vhd");
    assertThat(image.details().header()).isInstanceOfSatisfying(VhdDetails.class, vhd -> {
      assertThat(vhd.diskType()).isEqualTo("dynamic");
      assertThat(vhd.creatorApp()).isEqualTo("qemu");
      assertThat(vhd.cylinders() * vhd.heads() * vhd.sectorsPerTrack() * 512L).isEqualTo(69632);
      assertThat(vhd.currentSize()).isEqualTo(U64.of(69632));
      assertThat(vhd.sizeFrom()).isEqualTo("chs");
      assertThat(vhd.footerOnlyAtEnd()).isNull();
      assertThat(vhd.blockSize()).isEqualTo(2L << 20);
      assertThat(vhd.maxTableEntries()).isEqualTo(1L);
      assertThat(vhd.parentLocators()).isNull();
    });
    Map<String, Object> expected = footer("dynamic", "qemu", 2, 4, 17, 69632, 69632);
    expected.put("sizeFrom", "chs");
    expected.put("blockSize", 2097152L);
    expected.put("maxTableEntries", 1L);
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
    assertThat(image.details().toMap()).containsExactlyEntriesOf(expected);
  }

  @Test
  void fixedVhdIsNamedByItsFooterAtTheEndAndHasNoDynamicHeader() {
    AuditEntry.Image image = fixture("vpc", "fixed-force-size.vhd");
    assertThat(image.details().header()).isInstanceOfSatisfying(VhdDetails.class, vhd -> {
      assertThat(vhd.diskType()).isEqualTo("fixed");
      assertThat(vhd.footerOnlyAtEnd()).isTrue();
      assertThat(vhd.sizeFrom()).isEqualTo("currentSize");
      assertThat(vhd.blockSize()).isNull();
      assertThat(vhd.maxTableEntries()).isNull();
    });
    Map<String, Object> expected = footer("fixed", "qem2", 65535, 16, 255, 65536, 65536);
    expected.put("footerOnlyAtEnd", true);
    expected.put("sizeFrom", "currentSize");
    assertThat(image.details().header().fields()).containsExactlyEntriesOf(expected);
  }

  @Test
  void differencingVhdNamesItsParentAndLocators(@TempDir Path dir) throws IOException {
    byte[] dynamic = Files.readAllBytes(FIXTURES.resolve("dynamic.vhd"));
    // dynamic.vhd: footer copy at 0, dynamic header at 512, one BAT entry at 1536, footer at 2048.
    ByteBuffer b = ByteBuffer.allocate(12288);
    b.put(0, dynamic, 0, 2048).put(b.capacity() - 512, dynamic, 2048, 512);
    byte[] path = "..\\base.vhd".getBytes(StandardCharsets.UTF_16LE);
    b.put(8192, path);
    b.put(512 + 64, "base.vhd".getBytes(StandardCharsets.UTF_16BE));
    b.put(512 + 40, new byte[] {0x42}); // the parent UUID's first byte
    b.put(512 + 576, "W2ru".getBytes(StandardCharsets.US_ASCII)).putInt(512 + 576 + 8, path.length)
        .putLong(512 + 576 + 16, 8192);
    b.putInt(60, 4); // differencing
    b.putInt(64, 0);
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += b.get(i) & 0xFF;
    }
    b.putInt(64, ~sum);
    Path image = Files.write(dir.resolve("child.vhd"), b.array());

    AuditEntry.Image child = image(image);
    assertThat(child.flags()).containsExactly(Flag.DIFFERENCING_DISK);
    VhdDetails.ParentLocator locator = new VhdDetails.ParentLocator("W2ru", path.length, U64.of(8192), "..\\base.vhd");
    assertThat(child.details().header()).isInstanceOfSatisfying(VhdDetails.class, vhd -> {
      assertThat(vhd.diskType()).isEqualTo("differencing");
      assertThat(vhd.parentName()).isEqualTo("base.vhd");
      assertThat(vhd.parentUuid()).isEqualTo("42" + "0".repeat(30));
      assertThat(vhd.parentLocators()).containsExactly(locator);
    });
    Map<String, Object> expected = footer("differencing", "qemu", 2, 4, 17, 69632, 69632);
    expected.put("sizeFrom", "chs");
    expected.put("blockSize", 2097152L);
    expected.put("maxTableEntries", 1L);
    expected.put("parentName", "base.vhd");
    expected.put("parentUuid", "42" + "0".repeat(30));
    Map<String, Object> locatorMap = new LinkedHashMap<>();
    locatorMap.put("platform", "W2ru");
    locatorMap.put("dataLength", (long) path.length);
    locatorMap.put("dataOffset", U64.of(8192));
    locatorMap.put("path", "..\\base.vhd");
    expected.put("parentLocators", List.of(locatorMap));
    assertThat(child.details().header().fields()).containsExactlyEntriesOf(expected);
  }

  /** The footer's fields as report.jsonl wrote them before the typed record, for qemu-img's 5.3 on Windows. */
  private static Map<String, Object> footer(
      String type, String creator, int cylinders, int heads, int sectors, long current, long original) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("diskType", type);
    fields.put("creatorApp", creator);
    fields.put("creatorVersion", "5.3");
    fields.put("creatorOs", "Wi2k");
    fields.put("cylinders", cylinders);
    fields.put("heads", heads);
    fields.put("sectorsPerTrack", sectors);
    fields.put("currentSize", U64.of(current));
    fields.put("originalSize", U64.of(original));
    return fields;
  }
}
