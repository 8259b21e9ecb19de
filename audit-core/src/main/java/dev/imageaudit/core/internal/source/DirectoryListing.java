package dev.imageaudit.core.internal.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lists one directory with the Linux {@code getdents64} call: each entry's name as its exact bytes
 * and its type as the listing gives it ({@code d_type}), sorted by the names' unsigned bytes.
 *
 * <p>Why: the JDK's directory stream drops {@code d_type}, so the walk had to stat every entry to
 * tell a file from a folder, one {@code statx} a file on top of the one of the opened descriptor.
 * With the type from the listing, a regular file costs the walk no call of its own. A file system
 * that does not fill {@code d_type} gives {@link #DT_UNKNOWN}; the walk stats such entries.
 *
 * <p>{@link #AVAILABLE} is false where {@link LinuxFiles} is not, or without the C library's {@code
 * getdents64} (glibc before 2.30); the walk then lists with the JDK.
 */
final class DirectoryListing {

  /** True when directories can be listed here. */
  static final boolean AVAILABLE;

  // d_type values (dirent.h), the same on every Linux architecture.
  static final int DT_UNKNOWN = 0;
  static final int DT_FIFO = 1;
  static final int DT_CHR = 2;
  static final int DT_DIR = 4;
  static final int DT_BLK = 6;
  static final int DT_REG = 8;
  static final int DT_LNK = 10;
  static final int DT_SOCK = 12;

  /** What glibc's readdir uses: a few hundred entries a call. */
  static final int BUFFER_SIZE = 32 * 1024;

  // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
  private static final int RECLEN_OFFSET = 16;
  private static final int TYPE_OFFSET = 18;
  private static final int NAME_OFFSET = 19;

  static {
    boolean ok = false;
    if (LinuxFiles.AVAILABLE) {
      try {
        Native.register(Calls.class, Platform.C_LIBRARY_NAME);
        ok = true;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        ok = false;
      }
    }
    AVAILABLE = ok;
  }

  /** One entry of a directory: its name's exact bytes and its {@code d_type}. */
  record Entry(byte[] name, int type) {}

  private final Memory memory;
  private final ByteBuffer view;

  /** A lister with its own buffer of {@code bufferSize} bytes, reused for every directory it lists. */
  DirectoryListing(int bufferSize) {
    this.memory = new Memory(bufferSize);
    this.view = memory.getByteBuffer(0, bufferSize).order(ByteOrder.nativeOrder());
  }

  DirectoryListing() {
    this(BUFFER_SIZE);
  }

  /**
   * Returns the entries of the directory at {@code dir} ({@code .} and {@code ..} left out), sorted
   * by their names' unsigned bytes, each name once.
   *
   * @throws LastErrorException when the directory cannot be opened or read (its errno)
   */
  List<Entry> list(Path dir) {
    List<Entry> entries = new ArrayList<>();
    try (Reader reader = open(dir)) {
      while (reader.read(entries)) {
        // Reads until the end of the directory.
      }
    }
    return sorted(entries);
  }

  /** Opens {@code dir} for reading in steps; the caller closes it. */
  Reader open(Path dir) {
    byte[] path = LinuxFiles.cPath(dir);
    int flags = LinuxFiles.O_RDONLY | LinuxFiles.O_DIRECTORY | LinuxFiles.O_NONBLOCK | LinuxFiles.O_CLOEXEC;
    return new Reader(LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, path, flags));
  }

  /** One open directory, read one buffer at a time. */
  final class Reader implements AutoCloseable {
    private final int fd;

    private Reader(int fd) {
      this.fd = fd;
    }

    /**
     * Adds the entries of one {@code getdents64} call to {@code into} (unsorted, {@code .} and
     * {@code ..} left out); returns false at the end of the directory.
     */
    boolean read(List<Entry> into) {
      long n;
      while (true) {
        try {
          n = Calls.getdents64(fd, memory, memory.size());
          break;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != LinuxFiles.EINTR) {
            throw e;
          }
        }
      }
      int end = (int) n;
      for (int at = 0; at < end; ) {
        int reclen = view.getShort(at + RECLEN_OFFSET) & 0xffff;
        int type = view.get(at + TYPE_OFFSET) & 0xff;
        int nameEnd = at + NAME_OFFSET;
        while (view.get(nameEnd) != 0) {
          nameEnd++;
        }
        int length = nameEnd - at - NAME_OFFSET;
        if (!isDot(at + NAME_OFFSET, length)) {
          byte[] name = new byte[length];
          view.get(at + NAME_OFFSET, name);
          into.add(new Entry(name, type));
        }
        at += reclen;
      }
      return end > 0;
    }

    private boolean isDot(int name, int length) {
      return view.get(name) == '.' && (length == 1 || length == 2 && view.get(name + 1) == '.');
    }

    @Override
    public void close() {
      try {
        LinuxFiles.close(fd);
      } catch (LastErrorException ignored) {
        // A directory read only: a failed close loses nothing.
      }
    }
  }

  /**
   * Returns {@code entries} sorted by their names' unsigned bytes (the order of the JDK's {@link
   * Path#compareTo} for names in one directory), a name listed twice (a directory changing while
   * listed) kept once.
   */
  static List<Entry> sorted(List<Entry> entries) {
    entries.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
    int kept = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (kept == 0 || !Arrays.equals(entries.get(kept - 1).name(), entries.get(i).name())) {
        entries.set(kept++, entries.get(i));
      }
    }
    return kept == entries.size() ? entries : new ArrayList<>(entries.subList(0, kept));
  }

  /**
   * Returns the path of the entry {@code name} of directory {@code dir}, exact for any bytes. A name
   * the JDK encodes back to the same bytes resolves as text; any other goes through its URI, whose
   * percent escapes the JDK decodes to the exact bytes.
   *
   * @param shown {@code name} decoded by {@link Names#display}
   * @param asText {@code shown} is {@code name}'s exact UTF-8
   */
  static Path child(Path dir, byte[] name, String shown, boolean asText) {
    if (asText && (Names.JNU_UTF8 || isAscii(name))) {
      return dir.resolve(shown);
    }
    String base = dir.toAbsolutePath().toUri().toString();
    StringBuilder uri = new StringBuilder(base.length() + 1 + name.length * 3).append(base);
    if (!base.endsWith("/")) {
      uri.append('/');
    }
    for (byte b : name) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
        uri.append((char) c);
      } else {
        uri.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return Path.of(java.net.URI.create(uri.toString()));
  }

  static boolean isAscii(byte[] name) {
    for (byte b : name) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** The native calls, registered apart so that a C library without getdents64 leaves LinuxFiles usable. */
  private static final class Calls {
    private Calls() {}

    static native long getdents64(int fd, Pointer buf, long count) throws LastErrorException;
  }
}
