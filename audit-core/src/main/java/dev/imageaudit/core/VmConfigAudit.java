package dev.imageaudit.core;

import java.util.List;
import java.util.Objects;

/**
 * What the audit says about one AVF VM config: the disks it declares, as far as they could be
 * read, and every rule they break.
 *
 * @param path the config's path as given
 * @param readable false when the config file could not be read at all; the run is then incomplete
 * @param disks the disks the config declares, in its order; empty when it is not valid JSON
 * @param findings every rule broken, config-wide ones first, then disk by disk in the config's order
 */
public record VmConfigAudit(String path, boolean readable, List<Disk> disks, List<Finding> findings) {

  public VmConfigAudit {
    Objects.requireNonNull(path, "path");
    disks = List.copyOf(disks);
    findings = List.copyOf(findings);
  }

  /** Returns the number of findings of {@code severity}. */
  public long count(ConfigRule.Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).count();
  }

  /** Returns true when some finding is an error: the VM would not start, or would fail once running. */
  public boolean hasErrors() {
    return count(ConfigRule.Severity.ERROR) > 0;
  }

  /**
   * One entry of the config's {@code disks}.
   *
   * @param index its position in {@code disks}, from 0
   * @param writable its {@code writable}, or {@code null} when missing or not a boolean
   * @param image the whole-disk image's path as audited (resolved, tidied), or {@code null}
   * @param imageFormat the whole-disk image's format, or {@code null} when absent or not audited
   * @param partitions its partitions, in order
   * @param compositeSize the size crosvm gives the composite disk assembled from the partitions, or
   *     {@code null} for a whole-disk image, when a partition's size is unknown, or past 2^64 - 1
   */
  public record Disk(
      int index, Boolean writable, String image, ImageFormat imageFormat, List<Partition> partitions, U64 compositeSize) {
    public Disk {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * One partition of a disk.
   *
   * @param label its {@code label}, or {@code null} when missing or not a string
   * @param path its image's path as audited (resolved, tidied), or {@code null} when missing or not a string
   * @param writable its {@code writable} ({@code false} when absent), or {@code null} when not a boolean
   * @param format the image's format, or {@code null} when not audited
   * @param size the partition's size as virtmgr computes it, or {@code null} when virtmgr would not
   */
  public record Partition(String label, String path, Boolean writable, ImageFormat format, U64 size) {}

  /**
   * One broken rule.
   *
   * @param rule the rule
   * @param message what is wrong, for a person
   * @param disk the index of the disk concerned, or {@code null} for the whole config
   * @param partition the label of the partition concerned, or {@code null}
   * @param images the paths (as audited) of the images concerned; empty when none
   */
  public record Finding(ConfigRule rule, String message, Integer disk, String partition, List<String> images) {
    public Finding {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(message, "message");
      images = List.copyOf(images);
    }

    /** Returns the rule's severity. */
    public ConfigRule.Severity severity() {
      return rule.severity();
    }
  }
}
