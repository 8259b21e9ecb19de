package dev.imageaudit.core.internal.source;

import dev.imageaudit.core.VmConfigAudit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A VM config as {@link VmConfigReader} read it: the disks it declares, as far as their shape
 * allowed, the paths they name resolved for opening, and what was wrong with the JSON itself.
 *
 * @param display the config's path as given
 * @param folder the folder relative paths resolve from, as shown in messages
 * @param readable false when the file could not be read at all
 * @param findings what reading found wrong (unreadable file, bad JSON, wrong types, vm's checks)
 * @param disks the disks that are JSON objects, in the config's order
 */
public record LoadedConfig(
    String display, String folder, boolean readable, List<VmConfigAudit.Finding> findings, List<DiskSpec> disks) {

  public LoadedConfig {
    findings = List.copyOf(findings);
    disks = List.copyOf(disks);
  }

  /**
   * A path named by the config.
   *
   * @param given the string in the config
   * @param display the path to audit it under: resolved from the config's folder, tidied
   * @param path where to open it, or {@code null} when {@code given} is not a valid path
   * @param relative true when {@code given} is a relative path
   */
  public record NamedPath(String given, String display, Path path, boolean relative) {}

  /**
   * One disk of the config.
   *
   * @param index its position in {@code disks}
   * @param writable its {@code writable}, or {@code null} when missing or not a boolean
   * @param image its whole-disk {@code image}, or {@code null}
   * @param partitions its partitions that are JSON objects, in order
   */
  public record DiskSpec(int index, Boolean writable, NamedPath image, List<PartitionSpec> partitions) {
    public DiskSpec {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * One partition of a disk.
   *
   * @param label its {@code label}, or {@code null} when missing or not a string
   * @param path its {@code path}, or {@code null} when missing or not a string
   * @param writable its {@code writable} ({@code false} when absent), or {@code null} when not a boolean
   */
  public record PartitionSpec(String label, NamedPath path, Boolean writable) {}

  /** Returns every path the config names, whole-disk images and partitions, in the config's order. */
  public List<NamedPath> namedPaths() {
    List<NamedPath> paths = new ArrayList<>();
    for (DiskSpec disk : disks) {
      if (disk.image() != null) {
        paths.add(disk.image());
      }
      for (PartitionSpec partition : disk.partitions()) {
        if (partition.path() != null) {
          paths.add(partition.path());
        }
      }
    }
    return paths;
  }
}
