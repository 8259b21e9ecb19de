package dev.imageaudit.core.internal.source;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * The exact bytes of a path whose name is not valid UTF-8. The JDK keeps a Unix path's bytes but
 * shows them only through {@link Path#toUri()}, which percent-encodes every byte outside ASCII:
 * decoding those escapes gives the bytes back. Only names the JDK could not decode take this way.
 */
final class PathBytes {

  private PathBytes() {}

  /** Returns the bytes of {@code path} as the kernel sees them (absolute if {@code path} is not). */
  static byte[] exact(Path path) {
    URI uri = path.toUri();
    String raw = uri.getRawPath();
    // For a relative path, toUri() is absolute from the working directory: the same file, in full.
    if (raw.length() > 1 && raw.endsWith("/") && !path.toString().endsWith("/")) {
      // toUri() marks a directory with a trailing slash; the name itself has none.
      raw = raw.substring(0, raw.length() - 1);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write((byte) c);
      }
    }
    return out.toByteArray();
  }
}
