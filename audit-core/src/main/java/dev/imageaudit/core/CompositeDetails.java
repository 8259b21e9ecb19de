package dev.imageaudit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a crosvm composite disk's descriptor says, under the keys report.json has always written for
 * composite: the {@code CompositeDisk} protobuf's fields ({@code cdisk_spec.proto}), what its
 * components' offsets add up to, and crosvm's rules over them. A descriptor that cannot be read has
 * only {@link #descriptorError}; all other fields are then null.
 *
 * @param version field 1, the descriptor's version (crosvm reads up to 2)
 * @param components field 2, the component disks in file order: the first 64 ({@code
 *     details.componentsCount} counts them all when there are more)
 * @param length field 3, the disk's size, in bytes
 * @param lastOffset the largest component offset, in bytes; null without components
 * @param duplicateOffset the smallest offset, in bytes, two components share; null if none do
 * @param rules crosvm's rules over all the components
 * @param descriptorError why the descriptor was not read: over the cap, or not a well-formed {@code
 *     CompositeDisk}
 */
public record CompositeDetails(
    U64 version,
    List<Component> components,
    U64 length,
    U64 lastOffset,
    U64 duplicateOffset,
    Rules rules,
    String descriptorError)
    implements FormatDetails {

  public CompositeDetails {
    components = components == null ? null : List.copyOf(components);
  }

  /** Returns the details of a descriptor that could not be read, saying why. */
  public static CompositeDetails unread(String descriptorError) {
    return new CompositeDetails(null, null, null, null, null, null, descriptorError);
  }

  /**
   * One {@code ComponentDisk}: a file the composite disk maps in (never opened by the audit).
   *
   * @param path field 1, the component's file as the descriptor names it
   * @param offset field 2, where the component starts in the disk, in bytes
   * @param readWrite true if field 3 is READ_WRITE (1), false for READ_ONLY
   * @param fileOffset field 4, where the component's data starts in its file, in bytes
   */
  public record Component(String path, U64 offset, boolean readWrite, U64 fileOffset) {

    /** Returns the component as an item of the {@code components} list is written. */
    public Map<String, Object> fields() {
      return new DetailsFields()
          .put("path", path)
          .put("offset", offset)
          .put("readWrite", readWrite)
          .put("fileOffset", fileOffset)
          .toMap();
    }
  }

  /**
   * The descriptor's own rules over all its components, each true when it holds.
   *
   * @param versionAtMostTwo the version is at most 2, the last crosvm reads
   * @param hasComponents there is at least one component
   * @param offsetsSorted the components' offsets ascend in file order, as virtmgr writes them
   *     (crosvm sorts them itself)
   * @param offsetsUnique no two components start at one offset, which crosvm refuses
   * @param lengthPastLastOffset the length passes the last component's offset
   */
  public record Rules(
      boolean versionAtMostTwo,
      boolean hasComponents,
      boolean offsetsSorted,
      boolean offsetsUnique,
      boolean lengthPastLastOffset) {

    /** Returns the rules as the {@code rules} object is written. */
    public Map<String, Object> fields() {
      return new DetailsFields()
          .put("versionAtMostTwo", versionAtMostTwo)
          .put("hasComponents", hasComponents)
          .put("offsetsSorted", offsetsSorted)
          .put("offsetsUnique", offsetsUnique)
          .put("lengthPastLastOffset", lengthPastLastOffset)
          .toMap();
    }
  }

  /** Returns the fields under their report keys, in report order, null fields left out. */
  @Override
  public Map<String, Object> fields() {
    List<Map<String, Object>> items = null;
    if (components != null) {
      items = new ArrayList<>(components.size());
      for (Component component : components) {
        items.add(component.fields());
      }
    }
    return new DetailsFields()
        .put("version", version)
        .put("components", items)
        .put("length", length)
        .put("lastOffset", lastOffset)
        .put("duplicateOffset", duplicateOffset)
        .put("rules", rules == null ? null : rules.fields())
        .put("descriptorError", descriptorError)
        .toMap();
  }
}
