package dev.imageaudit.core;

import java.util.Map;

/**
 * What a Parallels image's 64-byte header says; {@link #fields()} gives them under the keys and in
 * the order report.json has always had them, leaving out the null ones. A file that ends before the
 * header's end gives its magic only: every other component is then null.
 *
 * @param magic the magic: {@code WithoutFreeSpace} (the old format) or {@code WithouFreSpacExt}
 * @param version the header version, 2 for the images QEMU opens
 * @param heads the geometry's heads
 * @param cylinders the geometry's cylinders
 * @param clusterSectors the 512-byte sectors of each cluster (the header's {@code tracks})
 * @param batEntries the block allocation table's entries, one per cluster
 * @param sectors the disk's 512-byte sectors as the header stores them, all 64 bits (the old
 *     magic's virtual size uses the low 32 only)
 * @param dataOffset where the first data cluster starts, in 512-byte sectors
 * @param inUse true when the in-use marker is set: the image was open for writing and not closed
 * @param extensionOffset where the format extension cluster starts, in 512-byte sectors; null when
 *     the header has none (0)
 */
public record ParallelsDetails(
    String magic,
    Long version,
    Long heads,
    Long cylinders,
    Long clusterSectors,
    Long batEntries,
    U64 sectors,
    Long dataOffset,
    Boolean inUse,
    U64 extensionOffset)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return new DetailsFields()
        .put("magic", magic)
        .put("version", version)
        .put("heads", heads)
        .put("cylinders", cylinders)
        .put("clusterSectors", clusterSectors)
        .put("batEntries", batEntries)
        .put("sectors", sectors)
        .put("dataOffset", dataOffset)
        .put("inUse", inUse)
        .put("extensionOffset", extensionOffset)
        .toMap();
  }
}
