package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Names a reported path as a URI (RFC 3986) for SARIF's artifact locations: the path's exact bytes
 * (from {@code pathBytes} when the name is not UTF-8), each byte outside the unreserved set and
 * {@code /} percent-encoded, so any name, even one that is not text, round-trips.
 */
final class ArtifactUris {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private ArtifactUris() {}

  /**
   * Returns the file's exact bytes as audited: a descriptor's resolved target when it has one, else
   * the path's bytes ({@code pathBytes} decoded when present).
   */
  static byte[] rawPath(AuditEntry entry) {
    if (entry.target() != null) {
      return entry.target().getBytes(StandardCharsets.UTF_8);
    }
    if (entry.pathBytes() != null) {
      try {
        return Base64.getDecoder().decode(entry.pathBytes());
      } catch (IllegalArgumentException e) {
        // Never written so by image-audit; the shown name is the next best thing.
      }
    }
    return JsonSupport.wellFormed(entry.path()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Returns {@code raw} as a URI: {@code file:///...} for an absolute path, a relative reference
   * (resolved against the run's working folder) otherwise.
   */
  static String uri(byte[] raw) {
    boolean absolute = raw.length > 0 && raw[0] == '/';
    StringBuilder out = new StringBuilder(raw.length + 16);
    if (absolute) {
      out.append("file://");
    }
    // ':' is encoded too, so a relative "a:b" never reads as a URI with scheme "a".
    for (byte b : raw) {
      int c = b & 0xFF;
      if (unreserved(c) || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** Returns true when the path is absolute (its URI is a {@code file:} URI). */
  static boolean absolute(byte[] raw) {
    return raw.length > 0 && raw[0] == '/';
  }

  private static boolean unreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
