package dev.imageaudit.core.internal.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The Linux calls the JDK does not offer, through JNA's direct mapping: open a file without
 * blocking and without following a link, then learn its type and size from the open descriptor.
 *
 * <p>Why: the walk stats a path, an I/O thread opens it later. A FIFO swapped in between would
 * block a plain {@code open(O_RDONLY)} forever; {@code O_NONBLOCK} makes that open return at once,
 * and {@code statx} of the descriptor then says what was really opened. One {@code open}, one
 * {@code statx}, one {@code pread} per small file, one {@code close}.
 *
 * <p>{@link #AVAILABLE} is false off Linux x86-64/aarch64 or without the C library's {@code
 * statx} (glibc before 2.28); callers then use the JDK's {@code FileChannel}.
 */
public final class LinuxFiles {

  /** True when the calls below can be used. */
  public static final boolean AVAILABLE;

  /** Why the calls below cannot be used, or null when they can ({@link #AVAILABLE}). */
  public static final String UNAVAILABLE_BECAUSE;

  public static final int O_RDONLY = 0;
  public static final int O_NOCTTY = 0400;
  public static final int O_NONBLOCK = 04000;
  public static final int O_CLOEXEC = 02000000;
  /** O_NOFOLLOW differs by architecture: x86-64 0400000, aarch64 0100000. */
  public static final int O_NOFOLLOW;
  /** O_DIRECTORY differs by architecture: x86-64 0200000, aarch64 040000. */
  public static final int O_DIRECTORY = Platform.isARM() ? 040000 : 0200000;
  /** A descriptor that only names a file or folder (here: a folder to open files relative to). */
  public static final int O_PATH = 010000000;

  /** {@code openat}'s folder for "where {@code open} would look": the working folder, or none for an absolute path. */
  public static final int AT_FDCWD = -100;
  public static final int AT_EMPTY_PATH = 0x1000;
  public static final int STATX_TYPE = 0x1;
  public static final int STATX_SIZE = 0x200;
  /** sizeof(struct statx): the same on every Linux architecture. */
  static final int STATX_BYTES = 256;
  public static final int STATX_MODE_OFFSET = 28;
  public static final int STATX_SIZE_OFFSET = 40;

  public static final int S_IFMT = 0170000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFSOCK = 0140000;

  public static final int SEEK_END = 2;

  /** posix_fadvise advice: the file is read at random places, so the kernel reads ahead nothing. */
  public static final int POSIX_FADV_RANDOM = 1;

  // errno values shared by Linux architectures.
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int ENXIO = 6;
  public static final int EACCES = 13;
  public static final int ENOTDIR = 20;
  public static final int ELOOP = 40;

  static {
    String because = "not Linux on x86-64 or aarch64";
    int noFollow = 0;
    if (Platform.isLinux() && Platform.is64Bit() && (Platform.isIntel() || Platform.isARM())) {
      noFollow = Platform.isARM() ? 0100000 : 0400000;
      try {
        Native.register(LinuxFiles.class, Platform.C_LIBRARY_NAME);
        because = null;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        // The first line of the message (a failed load can carry several), or the error's name without one.
        String message = e.getMessage();
        because = message == null || message.isBlank() ? e.getClass().getName() : message.lines().findFirst().orElseThrow();
      }
    }
    O_NOFOLLOW = noFollow;
    AVAILABLE = because == null;
    UNAVAILABLE_BECAUSE = because;
  }

  private LinuxFiles() {}

  public static native int close(int fd) throws LastErrorException;

  /** Opens {@code path} (NUL-terminated) relative to the folder open as {@code dirfd}. */
  public static native int openat(int dirfd, byte[] path, int flags) throws LastErrorException;

  /**
   * Opens {@code path} (NUL-terminated) relative to the folder open as {@code dirfd}, or as {@code
   * open} does with {@link #AT_FDCWD}; called again when a signal interrupted it (EINTR).
   *
   * @throws LastErrorException for any other failure (its errno)
   */
  public static int openRetrying(int dirfd, byte[] path, int flags) {
    while (true) {
      try {
        return openat(dirfd, path, flags);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          throw e;
        }
      }
    }
  }

  static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

  public static native long lseek(int fd, long offset, int whence) throws LastErrorException;

  /**
   * Declares how {@code fd} will be read; returns 0 or an error number (this call does not set errno).
   *
   * <p>Why: the first read of a file makes the kernel read ahead up to 128 KiB beyond it. An audit reads
   * a few KiB at the head and tail of each file, so on a store of large sparse images that read-ahead
   * filled the page cache with pages never used (zeros, for holes) and pushed out the store's own.
   */
  public static native int posix_fadvise(int fd, long offset, long len, int advice);

  public static native int statx(int dirfd, byte[] path, int flags, int mask, Pointer buf) throws LastErrorException;

  public static native String strerror(int errnum);

  /** Returns {@code path}'s exact bytes, NUL-terminated, as the kernel knows the name. */
  public static byte[] cPath(Path path) {
    String text = path.toString();
    byte[] bytes;
    if (!Names.lossy(text)) {
      // Decoded as UTF-8 without a replacement character, or plain ASCII: encoding it back is exact.
      bytes = text.getBytes(StandardCharsets.UTF_8);
    } else {
      bytes = PathBytes.exact(path);
    }
    byte[] c = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, c, 0, bytes.length);
    return c;
  }

  /** A buffer of native memory for one thread's reads; reused for every file that thread reads. */
  public static final class ReadBuffer {
    private static final ThreadLocal<ReadBuffer> PER_THREAD = ThreadLocal.withInitial(ReadBuffer::new);
    /**
     * Enough for any planned read (a file of 64 KiB whole, and the byte past its end that tells a
     * grown file) and any single capped read; larger reads are done in pieces.
     */
    public static final int SIZE = 64 * 1024 + 1;

    final Memory memory = new Memory(SIZE);
    /** The planned ranges of the file this thread reads (see {@link ReadPlan}), reused file after file. */
    final byte[] plan = new byte[ReadPlan.CAPACITY];
    /** Where a read is fetched before it is copied out at its exact length (see {@link BoundedSource}). */
    final byte[] scratch = new byte[BoundedSource.SCRATCH_BYTES];
    public final Memory statx = new Memory(STATX_BYTES);

    public static ReadBuffer get() {
      return PER_THREAD.get();
    }
  }
}
