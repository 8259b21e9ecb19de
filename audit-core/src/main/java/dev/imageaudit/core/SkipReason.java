package dev.imageaudit.core;

/** Why a path met by the walk was not audited; {@link #id()} is the name in reports. */
public enum SkipReason {
  /** A symbolic link, and links are not followed (the default). */
  SYMLINK("symlink"),
  /** A followed symbolic link that leads back to a directory already on the walk's path. */
  SYMLINK_LOOP("symlink-loop"),
  /** A followed symbolic link whose target does not exist. */
  DANGLING_SYMLINK("dangling-symlink"),
  /** A named pipe: opening it could block, so it is never opened. */
  FIFO("fifo"),
  /** A Unix domain socket. */
  SOCKET("socket"),
  /** A character device: not a disk, and reading one can block. */
  CHARACTER_DEVICE("character-device");

  private final String id;

  SkipReason(String id) {
    this.id = id;
  }

  /** Returns the stable name used in reports. */
  public String id() {
    return id;
  }
}
