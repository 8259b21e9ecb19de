package dev.imageaudit.report;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Swaps two folders in one step with Linux's {@code renameat2(RENAME_EXCHANGE)}: each name then
 * holds what the other held, and no reader ever finds either name missing or half of one.
 *
 * <p>The call is made through JNA, found once, on first use. Where it cannot be made (not Linux,
 * a C library without {@code renameat2}, a kernel without it ({@code ENOSYS}), a file system
 * without exchange ({@code EINVAL}), a name the platform encoding cannot spell), {@link #exchange}
 * returns false and the caller falls back to two plain renames.
 */
final class Renames {

  /** Paths are taken from the process's working directory, or are absolute. */
  private static final int AT_FDCWD = -100;
  /** Atomically exchange the two names. */
  private static final int RENAME_EXCHANGE = 2;

  private static final int EPERM = 1;
  private static final int ENOENT = 2;
  private static final int EACCES = 13;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;

  // Null when renameat2 cannot be called here; looked up once.
  private static final Function RENAMEAT2 = lookUp();

  private Renames() {}

  /** Returns true when {@link #exchange} can be attempted on this platform. */
  static boolean available() {
    return RENAMEAT2 != null;
  }

  /**
   * Exchanges {@code a} and {@code b}, two existing entries of the same file system. Returns
   * true when done, false when this platform or file system cannot exchange (nothing was changed).
   *
   * @throws IOException when the exchange was possible but failed (permission, a name gone)
   */
  static boolean exchange(Path a, Path b) throws IOException {
    if (RENAMEAT2 == null) {
      return false;
    }
    byte[] from = nativeName(a);
    byte[] to = nativeName(b);
    if (from == null || to == null) {
      return false;
    }
    try {
      RENAMEAT2.invokeInt(new Object[] {AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE});
      return true;
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == ENOSYS || errno == EINVAL) {
        return false;
      }
      String reason = reason(e);
      throw switch (errno) {
        case EACCES, EPERM -> new AccessDeniedException(a.toString(), b.toString(), reason);
        case ENOENT -> new NoSuchFileException(a.toString(), b.toString(), reason);
        default -> new FileSystemException(a.toString(), b.toString(), reason);
      };
    }
  }

  /** Returns the kernel's words for the failure, without JNA's {@code [errno]} prefix. */
  private static String reason(LastErrorException e) {
    String message = String.valueOf(e.getMessage());
    int bracket = message.indexOf("] ");
    return (bracket >= 0 ? message.substring(bracket + 2) : message) + " (renameat2 RENAME_EXCHANGE)";
  }

  /**
   * Returns the absolute path's bytes as the JDK passes them to the kernel (the platform's file
   * name encoding), NUL-terminated; null when a character cannot be encoded, so nothing is guessed.
   */
  private static byte[] nativeName(Path path) {
    String name = path.toAbsolutePath().toString();
    CharsetEncoder encoder =
        Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()))
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer encoded = encoder.encode(CharBuffer.wrap(name));
      byte[] bytes = new byte[encoded.remaining() + 1];
      encoded.get(bytes, 0, bytes.length - 1);
      return bytes;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Function lookUp() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    try {
      return Function.getFunction("c", "renameat2", Function.THROW_LAST_ERROR);
    } catch (LinkageError | RuntimeException e) {
      // No renameat2 in this C library (glibc before 2.28), or JNA's native part cannot load
      // (a noexec temporary folder): the plain renames still work.
      return null;
    }
  }
}
