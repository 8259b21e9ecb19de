package dev.imageaudit.core.internal.source;

import dev.imageaudit.core.AuditEntry;
import java.nio.file.Path;

/** What the walk yields: a file to open and audit, or an entry the walk decided itself. */
public sealed interface WalkItem permits WalkItem.Open, WalkItem.Done {

  /** The report's name for the path. */
  String display();

  /**
   * A regular file or block device to audit.
   *
   * @param display the report's name for it
   * @param target a descriptor's resolved target, or {@code null}
   * @param path where to open it
   * @param followLinks open through a symbolic link (a followed link or {@code /proc/self/fd/N})
   * @param statSize its st_size when the walk met it, or {@link #SIZE_UNKNOWN} when the walk took
   *     its type from the directory listing and did not stat it (the open file's size is used)
   * @param pathBytes the exact bytes of the path in base64 when {@code display} is not them, or null
   * @param dir the folder the walk listed it in, or null; with {@code name}, it is opened relative
   *     to that folder, the same {@code Path} object for all of the folder's files
   * @param name its name's exact bytes in {@code dir}, as the listing gave them, or null
   */
  record Open(
      String display, String target, Path path, boolean followLinks, long statSize, String pathBytes, Path dir,
      byte[] name) implements WalkItem {

    /** The {@code statSize} of a file the walk did not stat. */
    public static final long SIZE_UNKNOWN = -1;

    /** A file whose display is exactly its UTF-8 path. */
    public Open(String display, String target, Path path, boolean followLinks, long statSize) {
      this(display, target, path, followLinks, statSize, null);
    }

    /** A file opened by its whole path. */
    public Open(String display, String target, Path path, boolean followLinks, long statSize, String pathBytes) {
      this(display, target, path, followLinks, statSize, pathBytes, null, null);
    }
  }

  /** A skip or an error decided without opening the file. */
  record Done(AuditEntry entry) implements WalkItem {
    @Override
    public String display() {
      return entry.path();
    }
  }
}
