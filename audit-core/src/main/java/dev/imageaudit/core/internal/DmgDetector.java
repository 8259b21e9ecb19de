package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.util.Optional;

/**
 * Apple disk images (UDIF): a 512-byte big-endian {@code koly} trailer in the last 512 bytes of the
 * file (FORMATS.md section 8, QEMU {@code block/dmg.c}). Returns {@code null} unless {@code koly}
 * starts exactly 512 bytes before the end. Reads nothing but the probe's tail.
 *
 * <p>virtualSize is the trailer's sector count (u64 @0x1EC) x 512. The checks are the ones QEMU makes
 * before reading the block tables: data fork, resource fork and XML property list lie before the
 * trailer, one of the last two is present, and the size fits QEMU's signed 64-bit byte count.
 * QEMU itself names a file dmg only by its {@code .dmg} file name; this detector reads bytes only.
 */
final class DmgDetector implements FormatDetector {

  private static final byte[] MAGIC = {'k', 'o', 'l', 'y'};
  private static final int TRAILER = 512;

  /** The tail, where the {@code koly} trailer is. */
  @Override
  public ReadPlan.Needs reads() {
    return ReadPlan.Needs.HEAD_AND_TAIL;
  }

  /** The {@code koly} trailer, 512 bytes before the end: a header at 0 must win over it. */
  @Override
  public int probeScore() {
    return SCORE_TRAILER;
  }

  @Override
  public Optional<Detection> detect(Probe probe) throws IOException {
    long fileSize = probe.size();
    if (fileSize < TRAILER) {
      return Optional.empty();
    }
    byte[] tail = probe.tail();
    int at = tail.length - TRAILER;
    if (at < 0 || !Bytes.startsWith(tail, at, MAGIC)) {
      return Optional.empty();
    }
    long koly = fileSize - TRAILER;
    Findings found = new Findings();
    long headerSize = Bytes.u32beUnsigned(tail, at + 8);
    long dataOffset = Bytes.u64be(tail, at + 0x18);
    long rsrcOffset = Bytes.u64be(tail, at + 0x28);
    long rsrcLength = Bytes.u64be(tail, at + 0x30);
    long xmlOffset = Bytes.u64be(tail, at + 0xD8);
    long xmlLength = Bytes.u64be(tail, at + 0xE0);
    long sectors = Bytes.u64be(tail, at + 0x1EC);
    found.put("version", Bytes.u32beUnsigned(tail, at + 4)).put("headerSize", headerSize);
    found.put("dataForkOffset", U64.of(dataOffset)).put("dataForkLength", U64.of(Bytes.u64be(tail, at + 0x20)));
    found.put("resourceForkOffset", U64.of(rsrcOffset)).put("resourceForkLength", U64.of(rsrcLength));
    found.put("xmlOffset", U64.of(xmlOffset)).put("xmlLength", U64.of(xmlLength));
    found.put("imageVariant", Bytes.u32beUnsigned(tail, at + 0x1E8)).put("sectors", U64.of(sectors));
    if (headerSize != TRAILER) {
      found.invalid("trailer size " + headerSize + " is not 512");
    } else if (Long.compareUnsigned(dataOffset, koly) > 0) {
      found.invalid("data fork starts after the trailer");
    } else if (Long.compareUnsigned(rsrcOffset, koly) >= 0 || Long.compareUnsigned(rsrcLength, koly - rsrcOffset) > 0) {
      found.invalid("resource fork does not lie before the trailer");
    } else if (Long.compareUnsigned(xmlOffset, koly) >= 0 || Long.compareUnsigned(xmlLength, koly - xmlOffset) > 0) {
      found.invalid("XML property list does not lie before the trailer");
    } else if (rsrcLength == 0 && xmlLength == 0) {
      found.invalid("neither a resource fork nor an XML property list");
    }
    if (Long.compareUnsigned(sectors, Long.MAX_VALUE / 512) > 0) {
      found.invalid("sector count times 512 passes 2^63");
      return Optional.of(found.toDetection(ImageFormat.DMG, null));
    }
    return Optional.of(found.toDetection(ImageFormat.DMG, U64.of(sectors * 512)));
  }
}
