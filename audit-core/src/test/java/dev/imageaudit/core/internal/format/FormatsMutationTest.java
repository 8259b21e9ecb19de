package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Property: whatever bytes of a real VMDK, VHD, VHDX or VDI header are changed or cut, detection
 * returns (never throws) and never reads past the caps of the formats it may try.
 */
class FormatsMutationTest {

  /**
   * The head, plus the largest cap of one detector that reads past head and tail. The tail and the
   * ISO 9660 descriptor, read by every audit, are added by {@link Fixtures#judge(byte[], long)}.
   */
  private static final long CAP = Caps.HEAD + Math.max(
      Caps.VMDK_DESCRIPTOR,
      Math.max(
          2L * VhdxDetector.HEADER + 2L * VhdxDetector.REGION_TABLE + Caps.VHDX_METADATA,
          VpcDetector.DYNAMIC_HEADER + 8L * Caps.VPC_PARENT_LOCATOR));

  /** Values that make offsets wrap, counts absurd and sizes pass 2^63. */
  private static final long[] INTERESTING = {
    0, 1, -1L, -2L, -512L, -1024L, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 0x8000_0000L, 1L << 32, 1L << 55
  };

  @ParameterizedTest
  @CsvSource({
    "vmdk, monolithicSparse.vmdk, 0",
    "vmdk, streamOptimized-footer.vmdk, 0",
    "vmdk, cowd.vmdk, 0",
    "vmdk, monolithicFlat.vmdk, 0",
    "vpc, dynamic.vhd, 0",
    "vpc, fixed.vhd, 0",
    "vhdx, dynamic.vhdx.gz, 3145728",
    "vdi, dynamic.vdi, 0",
    "vdi, static.vdi.gz, 0"
  })
  void mutatedHeadersNeverThrowNorPassTheCaps(String format, String name, int extraRegion) throws IOException {
    byte[] original = Fixtures.bytes(format, name);
    Random random = new Random(name.hashCode());
    for (int i = 0; i < 400; i++) {
      byte[] b = original.clone();
      int changes = 1 + random.nextInt(8);
      for (int c = 0; c < changes; c++) {
        int at = position(random, b.length, extraRegion);
        if (random.nextBoolean()) {
          b[at] = (byte) random.nextInt(256);
        } else if (at + 8 <= b.length) {
          ByteBuffer.wrap(b).order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
              .putLong(at & ~3, INTERESTING[random.nextInt(INTERESTING.length)]);
        }
      }
      if (random.nextInt(5) == 0) {
        b = Arrays.copyOf(b, random.nextInt(b.length + 1));
      }
      AuditEntry.Image image = Fixtures.judge(b, CAP);
      assertThat(image.format()).isNotNull();
      if (image.virtualSize() != null) {
        assertThat(image.virtualSize().toString()).doesNotStartWith("-");
      }
    }
  }

  /** A place in the head, the tail, or the format's extra structure (VHDX region tables, metadata). */
  private static int position(Random random, int length, int extraRegion) {
    int window = Math.min(length, 4096);
    return switch (random.nextInt(extraRegion > 0 ? 4 : 2)) {
      case 0 -> random.nextInt(window);
      case 1 -> length - 1 - random.nextInt(window);
      case 2 -> 0x30000 + random.nextInt(0x20000); // both region tables
      default -> extraRegion + random.nextInt(0x10100); // metadata table and items
    };
  }
}
