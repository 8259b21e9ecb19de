package dev.imageaudit.core;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a qcow2 image's header and header extensions say, and the files they name; {@link
 * #fields()} gives them under the keys, in the order and with the value types report.json has
 * always had, leaving out the null ones. A component is null when the header does not give it: its
 * version has no such field (version 3's fields in a version 2 header), the file ends before it, or
 * what it depends on failed a check. A qcow magic with a version other than 1, 2 or 3 is qcow2 with
 * its version only. qcow images (version 1) have {@link QcowDetails}; a head too short to hold the
 * version has {@link FormatDetails.None}.
 *
 * @param version the header version: 2 or 3 (or the unknown version found)
 * @param clusterBits log2 of the cluster size in bytes
 * @param clusterSize the cluster size in bytes; null when clusterBits is outside QEMU's 9..21
 * @param cryptMethod 0 none, 1 AES, 2 LUKS
 * @param encryption {@code none}, {@code aes}, {@code luks} or {@code unknown}
 * @param snapshots the number of internal snapshots
 * @param headerLength the header's length in bytes (version 3)
 * @param incompatibleFeatures the incompatible feature bits (version 3)
 * @param compatibleFeatures the compatible feature bits (version 3)
 * @param autoclearFeatures the auto-clear feature bits (version 3)
 * @param refcountOrder log2 of a refcount's width in bits (4 for version 2, which has no field)
 * @param refcountBits a refcount's width in bits; null when refcountOrder is above 6
 * @param dirty incompatible bit 0 (version 3): the image was not closed cleanly
 * @param corrupt incompatible bit 1 (version 3): QEMU found the image corrupt
 * @param lazyRefcounts compatible bit 0 (version 3): refcounts may lag behind
 * @param extendedL2 incompatible bit 4 (version 3): subclusters, 128-bit L2 entries
 * @param unknownIncompatibleFeatures the incompatible bits (5 to 63) QEMU does not know, lowest
 *     first; null when there are none
 * @param compressionType {@code zlib}, {@code zstd} or {@code unknown}
 * @param backingFileOffset where the backing file name starts, in bytes; null when the header names
 *     no backing file
 * @param backingFileSize the backing file name's length in bytes; null when the header names none
 * @param backingFile the backing file's name (never opened); null when the header names none or the
 *     name lies where it cannot be read
 * @param dataFile the external data file's name (never opened), from its header extension
 * @param cryptoHeaderOffset where the LUKS header of an encrypted image starts, in bytes
 * @param cryptoHeaderLength the LUKS header's length in bytes
 * @param headerExtensionWalk {@code stopped at cap} when the extension walk met the read cap
 * @param headerExtensions the names of the header extensions, in file order: known names ({@code
 *     backing-format}, {@code feature-names}, ...) or the type in hex; the first 32 only, the full
 *     count then noted in the details' notes
 * @param backingFormat the backing file's format, from QEMU's extension or else crosvm's
 * @param backingFormatExtension which extension gave the backing format: {@code qemu}, {@code
 *     crosvm} or {@code qemu+crosvm}
 * @param crosvmBackingFormat crosvm's backing format when both extensions are present
 */
public record Qcow2Details(
    long version,
    Long clusterBits,
    Long clusterSize,
    Long cryptMethod,
    String encryption,
    Long snapshots,
    Long headerLength,
    U64 incompatibleFeatures,
    U64 compatibleFeatures,
    U64 autoclearFeatures,
    Long refcountOrder,
    Long refcountBits,
    Boolean dirty,
    Boolean corrupt,
    Boolean lazyRefcounts,
    Boolean extendedL2,
    List<Integer> unknownIncompatibleFeatures,
    String compressionType,
    U64 backingFileOffset,
    Long backingFileSize,
    String backingFile,
    String dataFile,
    U64 cryptoHeaderOffset,
    U64 cryptoHeaderLength,
    String headerExtensionWalk,
    List<String> headerExtensions,
    String backingFormat,
    String backingFormatExtension,
    String crosvmBackingFormat)
    implements FormatDetails {

  public Qcow2Details {
    unknownIncompatibleFeatures = unknownIncompatibleFeatures == null ? null : List.copyOf(unknownIncompatibleFeatures);
    headerExtensions = headerExtensions == null ? null : List.copyOf(headerExtensions);
  }

  @Override
  public Map<String, Object> fields() {
    return DetailsFields.collect(this);
  }

  @Override
  public void forEachField(BiConsumer<String, Object> sink) {
    new DetailsFields(sink)
        .put("version", version)
        .put("clusterBits", clusterBits)
        .put("clusterSize", clusterSize)
        .put("cryptMethod", cryptMethod)
        .put("encryption", encryption)
        .put("snapshots", snapshots)
        .put("headerLength", headerLength)
        .put("incompatibleFeatures", incompatibleFeatures)
        .put("compatibleFeatures", compatibleFeatures)
        .put("autoclearFeatures", autoclearFeatures)
        .put("refcountOrder", refcountOrder)
        .put("refcountBits", refcountBits)
        .put("dirty", dirty)
        .put("corrupt", corrupt)
        .put("lazyRefcounts", lazyRefcounts)
        .put("extendedL2", extendedL2)
        .put("unknownIncompatibleFeatures", unknownIncompatibleFeatures)
        .put("compressionType", compressionType)
        .put("backingFileOffset", backingFileOffset)
        .put("backingFileSize", backingFileSize)
        .put("backingFile", backingFile)
        .put("dataFile", dataFile)
        .put("cryptoHeaderOffset", cryptoHeaderOffset)
        .put("cryptoHeaderLength", cryptoHeaderLength)
        .put("headerExtensionWalk", headerExtensionWalk)
        .put("headerExtensions", headerExtensions)
        .put("backingFormat", backingFormat)
        .put("backingFormatExtension", backingFormatExtension)
        .put("crosvmBackingFormat", crosvmBackingFormat);
  }
}
