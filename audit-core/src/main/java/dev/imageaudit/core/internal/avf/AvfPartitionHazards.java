package dev.imageaudit.core.internal.avf;

import dev.imageaudit.core.Flag;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where virtmgr's view of a partition image and the bytes crosvm will serve from it part ways,
 * beside {@link VirtmgrPartitionRules} (which stays exactly virtmgr's): findings that virtmgr
 * accepts silently but that give the VM a partition other than the one meant.
 */
public final class AvfPartitionHazards {
  private AvfPartitionHazards() {}

  /**
   * Returns the hazards of one partition image.
   *
   * @param virtmgr the type virtmgr detects
   * @param crosvm the type crosvm detects from the same bytes
   * @param statSize st_size, which virtmgr takes as a raw partition's size
   * @param capacity the image's real length (a block device's capacity)
   */
  public static Set<Flag> flags(VirtmgrPartitionRules.ImageType virtmgr, CrosvmDiskRules.ImageType crosvm, long statSize, long capacity) {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    if (virtmgr == VirtmgrPartitionRules.ImageType.RAW) {
      if (crosvm == CrosvmDiskRules.ImageType.ZSTD) {
        // virtmgr has no zstd type: it sizes the compressed bytes as a raw partition.
        flags.add(Flag.ZSTD_AS_RAW_PARTITION);
      }
      if (statSize == 0 && capacity > 0) {
        // A block device: st_size is 0, so virtmgr lays out an empty partition.
        flags.add(Flag.ZERO_SIZE_PARTITION);
      }
    }
    return flags;
  }
}
