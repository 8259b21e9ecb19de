package dev.imageaudit.core;

import java.util.Arrays;
import java.util.Optional;

/** A finding about an image that a user may gate on; {@link #id()} is its stable kebab-case name. */
public enum Flag {
  /** virtmgr refuses the image as a partition image (qcow2, qcow, composite). */
  UNSUPPORTED_PARTITION_IMAGE("unsupported-partition-image");

  private final String id;

  Flag(String id) {
    this.id = id;
  }

  /** Returns the stable name used in reports and by {@code --fail-on}. */
  public String id() {
    return id;
  }

  /** Returns the flag named {@code id}, if there is one. */
  public static Optional<Flag> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }
}
