package dev.imageaudit.core;

import java.util.Map;

/**
 * What a QED image's 64-byte header says, and the backing file it names; {@link #fields()} gives
 * them under the keys and in the order report.json has always had them, leaving out the null ones.
 * A header too short to read has {@link FormatDetails.None} instead.
 *
 * @param clusterSize the bytes of each cluster
 * @param tableSize the clusters of each L1 and L2 table
 * @param headerClusters the clusters the header takes
 * @param features the feature bits: 1 backing file, 2 need check, 4 backing file is raw (no probe)
 * @param compatFeatures the compatible feature bits
 * @param autoclearFeatures the auto-clear feature bits
 * @param l1TableOffset where the L1 table starts, in bytes
 * @param unknownFeatures the feature bits QEMU does not know; null when there are none
 * @param backingFileNameLength the backing file name's length in bytes; null without a backing file
 * @param backingFile the backing file's name, as the header stores it (never opened); null without
 *     a backing file or when the name lies where QEMU would not read it
 * @param backingFormat {@code raw} when the header says the backing file is raw; else null
 * @param backingFormatProbed true when a backing file's format is left to QEMU's probe; else null
 */
public record QedDetails(
    long clusterSize,
    long tableSize,
    long headerClusters,
    U64 features,
    U64 compatFeatures,
    U64 autoclearFeatures,
    U64 l1TableOffset,
    U64 unknownFeatures,
    Long backingFileNameLength,
    String backingFile,
    String backingFormat,
    Boolean backingFormatProbed)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return new DetailsFields()
        .put("clusterSize", clusterSize)
        .put("tableSize", tableSize)
        .put("headerClusters", headerClusters)
        .put("features", features)
        .put("compatFeatures", compatFeatures)
        .put("autoclearFeatures", autoclearFeatures)
        .put("l1TableOffset", l1TableOffset)
        .put("unknownFeatures", unknownFeatures)
        .put("backingFileNameLength", backingFileNameLength)
        .put("backingFile", backingFile)
        .put("backingFormat", backingFormat)
        .put("backingFormatProbed", backingFormatProbed)
        .toMap();
  }
}
