package dev.imageaudit.core;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What an ISO 9660 image's primary volume descriptor (sector 16, ECMA-119 8.4) says: its
 * identifiers and the size of its file system, which may be smaller than the file (a hybrid image's
 * partitions may lie past it). {@link #fields()} gives them under the keys report.json has always
 * used.
 *
 * @param systemId the system identifier, trailing blanks removed (may be empty)
 * @param volumeId the volume identifier, trailing blanks removed (may be empty)
 * @param volumeBlocks the volume space size, in logical blocks (u32)
 * @param blockSize the logical block size, in bytes (u16)
 * @param volumeSize the file system's size in bytes: {@code volumeBlocks x blockSize}
 */
public record IsoDetails(String systemId, String volumeId, long volumeBlocks, int blockSize, long volumeSize)
    implements FormatDetails {

  @Override
  public Map<String, Object> fields() {
    return DetailsFields.collect(this);
  }

  @Override
  public void forEachField(BiConsumer<String, Object> sink) {
    sink.accept("systemId", systemId);
    sink.accept("volumeId", volumeId);
    sink.accept("volumeBlocks", volumeBlocks);
    sink.accept("blockSize", blockSize);
    sink.accept("volumeSize", volumeSize);
  }
}
