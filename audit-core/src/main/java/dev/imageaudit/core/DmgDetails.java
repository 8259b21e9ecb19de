package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an Apple disk image's (UDIF) {@code koly} trailer says, as report.jsonl writes it: every
 * field of the 512-byte trailer this audit reads, each in the trailer's own unit. {@link #fields()}
 * gives the same keys, order and value types the {@code details} object has always had for dmg.
 *
 * @param version the trailer's version (u32; 4 for every image Apple's tools write)
 * @param headerSize the trailer's size in bytes (u32; 512)
 * @param dataForkOffset where the data fork starts, in bytes from the start of the file (u64)
 * @param dataForkLength the data fork's length in bytes (u64)
 * @param resourceForkOffset where the resource fork starts, in bytes (u64)
 * @param resourceForkLength the resource fork's length in bytes (u64; 0 when there is none)
 * @param xmlOffset where the XML property list (the block tables) starts, in bytes (u64)
 * @param xmlLength the XML property list's length in bytes (u64; 0 when there is none)
 * @param imageVariant the image variant (u32)
 * @param sectors the disk's size in 512-byte sectors (u64)
 */
public record DmgDetails(
    long version,
    long headerSize,
    U64 dataForkOffset,
    U64 dataForkLength,
    U64 resourceForkOffset,
    U64 resourceForkLength,
    U64 xmlOffset,
    U64 xmlLength,
    long imageVariant,
    U64 sectors)
    implements FormatDetails {

  public DmgDetails {
    Objects.requireNonNull(dataForkOffset, "dataForkOffset");
    Objects.requireNonNull(dataForkLength, "dataForkLength");
    Objects.requireNonNull(resourceForkOffset, "resourceForkOffset");
    Objects.requireNonNull(resourceForkLength, "resourceForkLength");
    Objects.requireNonNull(xmlOffset, "xmlOffset");
    Objects.requireNonNull(xmlLength, "xmlLength");
    Objects.requireNonNull(sectors, "sectors");
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("version", version);
    fields.put("headerSize", headerSize);
    fields.put("dataForkOffset", dataForkOffset);
    fields.put("dataForkLength", dataForkLength);
    fields.put("resourceForkOffset", resourceForkOffset);
    fields.put("resourceForkLength", resourceForkLength);
    fields.put("xmlOffset", xmlOffset);
    fields.put("xmlLength", xmlLength);
    fields.put("imageVariant", imageVariant);
    fields.put("sectors", sectors);
    return fields;
  }
}
