package dev.imageaudit.core;

import java.util.Map;

/**
 * What a Bochs growing disk's 512-byte header says; {@link #fields()} gives them under the keys and
 * in the order report.json has always had them. A header too short to read has {@link
 * FormatDetails.None} instead.
 *
 * @param type the redolog type, {@code Redolog} for the images QEMU reads (text up to its NUL,
 *     other bytes than printable ASCII as '?')
 * @param subtype the redolog subtype, {@code Growing} for the images QEMU reads
 * @param version the header version's major number: 1 or 2 (others are flagged invalid-header)
 * @param headerSize the header's size in bytes, where the catalog starts
 * @param catalogEntries the catalog's entries, one per extent
 * @param bitmapSize the bytes of each extent's bitmap
 * @param extentSize the bytes of each extent
 * @param diskSize the disk size in bytes as the header gives it, before QEMU rounds it down to
 *     whole 512-byte sectors
 */
public record BochsDetails(
    String type,
    String subtype,
    long version,
    long headerSize,
    long catalogEntries,
    long bitmapSize,
    long extentSize,
    U64 diskSize)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return new DetailsFields()
        .put("type", type)
        .put("subtype", subtype)
        .put("version", version)
        .put("headerSize", headerSize)
        .put("catalogEntries", catalogEntries)
        .put("bitmapSize", bitmapSize)
        .put("extentSize", extentSize)
        .put("diskSize", diskSize)
        .toMap();
  }
}
