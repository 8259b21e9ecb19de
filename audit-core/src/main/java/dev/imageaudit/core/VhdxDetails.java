package dev.imageaudit.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a Hyper-V VHDX image's headers, region table and metadata say, as report.jsonl writes it: a
 * field is {@code null} when the image does not give it (a structure missing, cut short or failing
 * its checks before it). {@link #fields()} gives the same keys, order and value types the {@code
 * details} object has always had for vhdx, nulls left out.
 *
 * @param creator the file identifier's creator string (UTF-16LE up to its first NUL), or {@code
 *     null} when empty
 * @param sequenceNumber the current header's sequence number (u64), or {@code null} when neither
 *     header is valid
 * @param logGuid the current header's log GUID, upper case, or {@code null} when it is all zeros
 *     (no log to replay)
 * @param regionTableCopyUsed {@code true} when the first region table failed and its copy at 256
 *     KiB was read, else {@code null}
 * @param unknownRequiredRegion the GUID of a region marked required that this audit does not know
 *     (the last such entry), or {@code null}
 * @param unknownRequiredMetadata the GUID of a metadata item marked required that this audit does
 *     not know (the last such entry), or {@code null}
 * @param blockSize the file parameters' block size in bytes (u32), as written even when invalid
 * @param leaveBlocksAllocated the file parameters' LeaveBlocksAllocated bit (a fixed disk)
 * @param hasParent the file parameters' HasParent bit (a differencing disk)
 * @param logicalSectorSize the logical sector size in bytes (u32), as written even when invalid
 * @param physicalSectorSize the physical sector size in bytes (u32)
 * @param virtualDiskSize the virtual disk size item in bytes (u64), before QEMU rounds it down to
 *     whole 512-byte sectors
 * @param parentLocator a differencing disk's parent locator, reported and never opened
 */
public record VhdxDetails(
    String creator,
    U64 sequenceNumber,
    String logGuid,
    Boolean regionTableCopyUsed,
    String unknownRequiredRegion,
    String unknownRequiredMetadata,
    Long blockSize,
    Boolean leaveBlocksAllocated,
    Boolean hasParent,
    Long logicalSectorSize,
    Long physicalSectorSize,
    U64 virtualDiskSize,
    ParentLocator parentLocator)
    implements FormatDetails {

  /**
   * A differencing disk's parent locator item: its type and its key/value entries, which name the
   * parent file (never opened).
   *
   * @param type the locator type GUID, upper case
   * @param entries the first distinct keys in file order, each with its first value (keys and
   *     values as the UTF-16LE text of the item, cut to the audit's caps)
   */
  public record ParentLocator(String type, Map<String, String> entries) {
    public ParentLocator {
      Objects.requireNonNull(type, "type");
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Returns the locator as report.jsonl writes it: {@code type}, then {@code entries}. */
    public Map<String, Object> fields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("type", type);
      fields.put("entries", entries);
      return fields;
    }
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    putIfPresent(fields, "creator", creator);
    putIfPresent(fields, "sequenceNumber", sequenceNumber);
    putIfPresent(fields, "logGuid", logGuid);
    putIfPresent(fields, "regionTableCopyUsed", regionTableCopyUsed);
    putIfPresent(fields, "unknownRequiredRegion", unknownRequiredRegion);
    putIfPresent(fields, "unknownRequiredMetadata", unknownRequiredMetadata);
    putIfPresent(fields, "blockSize", blockSize);
    putIfPresent(fields, "leaveBlocksAllocated", leaveBlocksAllocated);
    putIfPresent(fields, "hasParent", hasParent);
    putIfPresent(fields, "logicalSectorSize", logicalSectorSize);
    putIfPresent(fields, "physicalSectorSize", physicalSectorSize);
    putIfPresent(fields, "virtualDiskSize", virtualDiskSize);
    if (parentLocator != null) {
      fields.put("parentLocator", parentLocator.fields());
    }
    return fields;
  }

  private static void putIfPresent(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
