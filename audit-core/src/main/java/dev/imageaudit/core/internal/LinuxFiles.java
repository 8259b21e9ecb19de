package dev.imageaudit.core.internal;

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
final class LinuxFiles {

  /** True when the calls below can be used. */
  static final boolean AVAILABLE;

  static final int O_RDONLY = 0;
  static final int O_NOCTTY = 0400;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;
  /** O_NOFOLLOW differs by architecture: x86-64 0400000, aarch64 0100000. */
  static final int O_NOFOLLOW;

  static final int AT_EMPTY_PATH = 0x1000;
  static final int STATX_TYPE = 0x1;
  static final int STATX_SIZE = 0x200;
  /** sizeof(struct statx): the same on every Linux architecture. */
  static final int STATX_BYTES = 256;
  static final int STATX_MODE_OFFSET = 28;
  static final int STATX_SIZE_OFFSET = 40;

  static final int S_IFMT = 0170000;
  static final int S_IFREG = 0100000;
  static final int S_IFDIR = 0040000;
  static final int S_IFBLK = 0060000;
  static final int S_IFCHR = 0020000;
  static final int S_IFIFO = 0010000;
  static final int S_IFSOCK = 0140000;

  static final int SEEK_END = 2;

  // errno values shared by Linux architectures.
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int ENXIO = 6;
  static final int EACCES = 13;
  static final int ENOTDIR = 20;
  static final int ELOOP = 40;

  static {
    boolean ok = false;
    int noFollow = 0;
    if (Platform.isLinux() && Platform.is64Bit() && (Platform.isIntel() || Platform.isARM())) {
      noFollow = Platform.isARM() ? 0100000 : 0400000;
      try {
        Native.register(LinuxFiles.class, Platform.C_LIBRARY_NAME);
        ok = true;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        ok = false;
      }
    }
    O_NOFOLLOW = noFollow;
    AVAILABLE = ok;
  }

  private LinuxFiles() {}

  static native int open(byte[] path, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

  static native long lseek(int fd, long offset, int whence) throws LastErrorException;

  static native int statx(int dirfd, byte[] path, int flags, int mask, Pointer buf) throws LastErrorException;

  static native String strerror(int errnum);

  /** Returns {@code path}'s exact bytes, NUL-terminated, as the kernel knows the name. */
  static byte[] cPath(Path path) {
    String text = path.toString();
    byte[] bytes;
    if (text.indexOf('\uFFFD') < 0) {
      // No replacement character: the JDK decoded the name without loss, so encoding it back is exact.
      bytes = text.getBytes(StandardCharsets.UTF_8);
    } else {
      bytes = PathBytes.exact(path);
    }
    byte[] c = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, c, 0, bytes.length);
    return c;
  }

  /** A buffer of native memory for one thread's reads; reused for every file that thread reads. */
  static final class ReadBuffer {
    private static final ThreadLocal<ReadBuffer> PER_THREAD = ThreadLocal.withInitial(ReadBuffer::new);
    /**
     * Enough for any planned read (a file of 64 KiB whole, and the byte past its end that tells a
     * grown file) and any single capped read; larger reads are done in pieces.
     */
    static final int SIZE = 64 * 1024 + 1;

    final Memory memory = new Memory(SIZE);
    /** The planned ranges of the file this thread reads (see {@link ReadPlan}), reused file after file. */
    final byte[] plan = new byte[ReadPlan.CAPACITY];
    final Memory statx = new Memory(STATX_BYTES);

    static ReadBuffer get() {
      return PER_THREAD.get();
    }
  }
}
