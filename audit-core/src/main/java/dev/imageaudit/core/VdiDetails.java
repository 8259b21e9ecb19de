package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a VirtualBox VDI header (version 1.1, QEMU's {@code VdiHeader}) says, as report.json has
 * always written it under {@code details}: a field is {@code null}, and left out of {@link
 * #fields()}, when the file ends before it, when the header's version is not 1.1 (whose layout the
 * rest assumes), or (the UUIDs) when it is all zeros.
 *
 * @param version the header version, {@code major.minor} (1.1 for every image QEMU opens)
 * @param diskSize the disk size in bytes (u64), as the header gives it, before QEMU rounds it up to
 *     whole 512-byte sectors
 * @param imageType {@code dynamic}, {@code static}, {@code undo}, {@code differencing}, or {@code
 *     unknown(N)}
 * @param blockSize the size of one block in bytes (u32)
 * @param blocks the number of blocks in the image (u32)
 * @param blocksAllocated the number of blocks allocated in the file (u32)
 * @param sectorSize the sector size in bytes (u32; 512)
 * @param blockMapOffset the byte offset of the block map (u32)
 * @param dataOffset the byte offset of the first block (u32)
 * @param parentUuid the parent image's UUID, 32 hex digits as stored (a differencing image's)
 * @param linkUuid the link UUID, 32 hex digits as stored
 */
public record VdiDetails(
    String version,
    U64 diskSize,
    String imageType,
    Long blockSize,
    Long blocks,
    Long blocksAllocated,
    Long sectorSize,
    Long blockMapOffset,
    Long dataOffset,
    String parentUuid,
    String linkUuid)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("version", version);
    DetailsFields.putIfPresent(fields, "diskSize", diskSize);
    DetailsFields.putIfPresent(fields, "imageType", imageType);
    DetailsFields.putIfPresent(fields, "blockSize", blockSize);
    DetailsFields.putIfPresent(fields, "blocks", blocks);
    DetailsFields.putIfPresent(fields, "blocksAllocated", blocksAllocated);
    DetailsFields.putIfPresent(fields, "sectorSize", sectorSize);
    DetailsFields.putIfPresent(fields, "blockMapOffset", blockMapOffset);
    DetailsFields.putIfPresent(fields, "dataOffset", dataOffset);
    DetailsFields.putIfPresent(fields, "parentUuid", parentUuid);
    DetailsFields.putIfPresent(fields, "linkUuid", linkUuid);
    return fields;
  }
}
