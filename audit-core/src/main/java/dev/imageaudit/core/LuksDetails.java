package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a LUKS volume's header says, version 1 or 2, as report.json has always written it under
 * {@code details}: {@link #fields()} gives the fields of the header's version that were read, in
 * report order, and leaves out the {@code null} ones.
 *
 * <p>A LUKS1 header gives {@code cipherName} to {@code keyBytes}, then {@code uuid} and {@code
 * activeKeySlots} when the file holds the whole 592-byte header. A LUKS2 header gives {@code
 * headerSize} to {@code checksumAlgorithm} from its binary header, then what its JSON metadata
 * allowed: {@code checksumChecked}, {@code keySlots}, {@code segments}, or {@code metadataError}.
 * The other version's fields are {@code null}.
 *
 * @param version the header version (u16; 1 or 2, or the unknown version a broken header gives)
 * @param cipherName LUKS1: the cipher name ({@code aes}, ...)
 * @param cipherMode LUKS1: the cipher mode ({@code xts-plain64}, {@code cbc-essiv:sha256}, ...)
 * @param hashSpec LUKS1: the hash of the key derivation ({@code sha256}, ...)
 * @param payloadOffset LUKS1: where the encrypted payload starts, in bytes (the header's count of
 *     512-byte sectors x 512)
 * @param keyBytes LUKS1: the master key's length in bytes (u32)
 * @param headerSize LUKS2: the size of the binary header and its JSON area, in bytes (u64)
 * @param label LUKS2: the volume's label (may be empty)
 * @param uuid the volume's UUID, as text
 * @param activeKeySlots LUKS1: how many of the eight key slots are enabled
 * @param checksumAlgorithm LUKS2: the header checksum's algorithm ({@code sha256}, ...)
 * @param checksumChecked LUKS2: whether the header checksum was verified (false for an unknown
 *     algorithm or a JSON area past the read cap)
 * @param keySlots LUKS2: how many key slots the JSON metadata lists
 * @param segments LUKS2: the data segments, in index order, at most the segment cap (the full count
 *     is then a note, {@code segmentsCount})
 * @param metadataError LUKS2: why the JSON metadata was not read (longer than the cap)
 */
public record LuksDetails(
    int version,
    String cipherName,
    String cipherMode,
    String hashSpec,
    Long payloadOffset,
    Long keyBytes,
    U64 headerSize,
    String label,
    String uuid,
    Integer activeKeySlots,
    String checksumAlgorithm,
    Boolean checksumChecked,
    Integer keySlots,
    List<Segment> segments,
    String metadataError)
    implements FormatDetails {

  public LuksDetails {
    segments = segments == null ? null : List.copyOf(segments);
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("version", version);
    DetailsFields.putIfPresent(fields, "cipherName", cipherName);
    DetailsFields.putIfPresent(fields, "cipherMode", cipherMode);
    DetailsFields.putIfPresent(fields, "hashSpec", hashSpec);
    DetailsFields.putIfPresent(fields, "payloadOffset", payloadOffset);
    DetailsFields.putIfPresent(fields, "keyBytes", keyBytes);
    DetailsFields.putIfPresent(fields, "headerSize", headerSize);
    DetailsFields.putIfPresent(fields, "label", label);
    DetailsFields.putIfPresent(fields, "uuid", uuid);
    DetailsFields.putIfPresent(fields, "activeKeySlots", activeKeySlots);
    DetailsFields.putIfPresent(fields, "checksumAlgorithm", checksumAlgorithm);
    DetailsFields.putIfPresent(fields, "checksumChecked", checksumChecked);
    DetailsFields.putIfPresent(fields, "keySlots", keySlots);
    if (segments != null) {
      fields.put("segments", segments.stream().map(Segment::fields).toList());
    }
    DetailsFields.putIfPresent(fields, "metadataError", metadataError);
    return fields;
  }

  /**
   * One data segment of a LUKS2 volume's JSON metadata: where its encrypted data lies.
   *
   * @param index the segment's index, its key in the {@code segments} object
   * @param type the segment's type ({@code crypt}, ...), as text; {@code "null"} when absent
   * @param offset where the segment's data starts, in bytes
   * @param size the segment's length in bytes, or {@code null} for a {@code "dynamic"} size (to the
   *     end of the device), written {@code "dynamic"}
   * @param encryption the segment's cipher ({@code aes-xts-plain64}, ...), or {@code null}
   * @param sectorSize the encryption's sector size in bytes, or {@code null}
   */
  public record Segment(long index, String type, U64 offset, U64 size, String encryption, Long sectorSize) {

    /** Returns the segment as report.json writes it: {@code null} fields left out, a dynamic size as text. */
    public Map<String, Object> fields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("index", index);
      fields.put("type", type);
      fields.put("offset", offset);
      fields.put("size", size == null ? "dynamic" : size);
      DetailsFields.putIfPresent(fields, "encryption", encryption);
      DetailsFields.putIfPresent(fields, "sectorSize", sectorSize);
      return fields;
    }
  }
}
