package dev.imageaudit.core;

import java.util.Map;

/**
 * What a cloop image's preamble and header say; {@link #fields()} gives them under the keys and in
 * the order report.json has always had them, leaving out the fields a file too short to hold its
 * header does not give.
 *
 * @param version the format version the shell preamble names: always {@code 2.0}, the one QEMU reads
 * @param blockSize the uncompressed bytes of each block, or {@code null} when the file ends before
 *     the header
 * @param blocks the number of blocks, or {@code null} when the file ends before the header
 */
public record CloopDetails(String version, Long blockSize, Long blocks) implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return new DetailsFields().put("version", version).put("blockSize", blockSize).put("blocks", blocks).toMap();
  }
}
