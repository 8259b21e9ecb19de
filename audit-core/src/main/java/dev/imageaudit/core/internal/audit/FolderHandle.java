package dev.imageaudit.core.internal.audit;

import com.sun.jna.LastErrorException;
import dev.imageaudit.core.internal.source.LinuxFiles;
import java.nio.file.Path;

/**
 * The folder this I/O thread is opening files in, held open ({@code O_PATH}) so that each of its
 * files is opened by name relative to it: one {@code openat} of one path component a file, as the
 * C floor does, instead of the kernel walking the whole path again for every file. A batch is
 * consecutive files of the walk, so most of its files share the folder before them; {@link
 * #release} closes it when the batch ends, so no descriptor outlives a batch.
 *
 * <p>Measured (bench/RESULTS.md, 2026-12-03): the C floor opening each file of a 1m store by its
 * absolute path took 1.12 of the CPU it takes opening it relative to its folder; in a 1m run of
 * image-audit, the kernel's {@code openat} and the path's conversion to bytes went from 4.1 to
 * 3.1 s of CPU (profiled), too little for paired whole runs to tell apart from their noise.
 */
final class FolderHandle {

  /** Returned by {@link #openat} when the folder cannot be opened: open the file by its path. */
  static final int NO_FOLDER = -1;

  private static final ThreadLocal<FolderHandle> PER_THREAD = ThreadLocal.withInitial(FolderHandle::new);

  /** NAME_MAX (255) bytes and the NUL: any name a folder listing gives. */
  private static final int NAME_BYTES = 256;

  private Path folder;
  private int fd = NO_FOLDER;
  /** {@code name}, NUL-terminated: the C call's argument, reused file after file. */
  private final byte[] cName = new byte[NAME_BYTES];

  private FolderHandle() {}

  /**
   * Opens {@code name} in {@code folder} with {@code flags}, keeping the folder open for this
   * thread's next file; returns the descriptor, or {@link #NO_FOLDER} when the folder itself could
   * not be opened (gone, or not searchable: the file's own open by path then says why).
   *
   * @throws LastErrorException when the file's {@code openat} fails (its errno)
   */
  static int openat(Path folder, byte[] name, int flags) {
    return PER_THREAD.get().open(folder, name, flags);
  }

  /** Closes this thread's folder, if it holds one. */
  static void release() {
    PER_THREAD.get().close();
  }

  private int open(Path dir, byte[] name, int flags) {
    if (name.length >= NAME_BYTES) {
      return NO_FOLDER;
    }
    // The walk passes one Path object for all the files of a folder: identity is the usual answer.
    if (dir != folder && !dir.equals(folder)) {
      close();
      if (!openFolder(dir)) {
        return NO_FOLDER;
      }
    }
    System.arraycopy(name, 0, cName, 0, name.length);
    cName[name.length] = 0;
    return LinuxFiles.openRetrying(fd, cName, flags);
  }

  private boolean openFolder(Path dir) {
    int flags = LinuxFiles.O_PATH | LinuxFiles.O_DIRECTORY | LinuxFiles.O_CLOEXEC;
    try {
      fd = LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, LinuxFiles.cPath(dir), flags);
    } catch (LastErrorException e) {
      return false;
    }
    folder = dir;
    return true;
  }

  private void close() {
    if (fd == NO_FOLDER) {
      return;
    }
    int open = fd;
    fd = NO_FOLDER;
    folder = null;
    try {
      LinuxFiles.close(open);
    } catch (LastErrorException ignored) {
      // An O_PATH descriptor has nothing to flush: a failed close loses nothing.
    }
  }
}
