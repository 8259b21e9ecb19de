package dev.imageaudit.core;

import java.util.Map;

/**
 * What a qcow (version 1) image's 48-byte header says, and the backing file it names; {@link
 * #fields()} gives them under the keys, in the order and with the value types report.json has
 * always had (cluster and L2 bits are one byte each: Integer), leaving out the null ones. qcow2
 * images (versions 2 and 3) have {@link Qcow2Details}; a head too short to hold the version has
 * {@link FormatDetails.None}.
 *
 * @param version the header version: 1
 * @param clusterBits log2 of the cluster size in bytes; null when the file ends before the header does
 * @param l2Bits log2 of an L2 table's entries; null when the file ends before the header does
 * @param cryptMethod 0 none, 1 AES; null when the file ends before the header does
 * @param encryption {@code none}, {@code aes} or {@code unknown} (crypt methods QEMU does not know);
 *     null when the file ends before the header does
 * @param backingFileOffset where the backing file name starts, in bytes; null when the header names
 *     no backing file
 * @param backingFileSize the backing file name's length in bytes; null when the header names none
 * @param backingFile the backing file's name (never opened); null when the header names none or the
 *     name lies where it cannot be read
 */
public record QcowDetails(
    long version,
    Integer clusterBits,
    Integer l2Bits,
    Long cryptMethod,
    String encryption,
    U64 backingFileOffset,
    Long backingFileSize,
    String backingFile)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return new DetailsFields()
        .put("version", version)
        .put("clusterBits", clusterBits)
        .put("l2Bits", l2Bits)
        .put("cryptMethod", cryptMethod)
        .put("encryption", encryption)
        .put("backingFileOffset", backingFileOffset)
        .put("backingFileSize", backingFileSize)
        .put("backingFile", backingFile)
        .toMap();
  }
}
