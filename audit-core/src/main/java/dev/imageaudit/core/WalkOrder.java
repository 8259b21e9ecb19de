package dev.imageaudit.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The order in which one input's walk yields its paths, as a comparison of two paths' exact bytes:
 * component by component ({@code /}-separated), each component compared as unsigned bytes, and a
 * path before the paths below it. Two reports of the same input are both in this order, so they
 * can be compared by a merge, one entry of each at a time, whatever their size.
 *
 * <p>Why per component and not the whole path's bytes: the walk sorts each folder's names (as
 * {@code Path.compareTo} does on Unix: unsigned bytes) and goes depth-first, so {@code a/b} (inside
 * folder {@code a}) comes before {@code a.c}, though {@code '/'} (0x2F) sorts after {@code '.'}
 * (0x2E). The inputs themselves are walked in the order given on the command line, and the files
 * VM configs name come first: this order holds within one input.
 */
public final class WalkOrder {

  private WalkOrder() {}

  /** Returns an entry's path as its exact bytes: {@code pathBytes} decoded, else the path's UTF-8. */
  public static byte[] bytes(String path, String pathBytes) {
    if (pathBytes != null) {
      try {
        return Base64.getDecoder().decode(pathBytes);
      } catch (IllegalArgumentException e) {
        // Not written so by image-audit; fall back on the shown name.
      }
    }
    return path.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns {@link #bytes(String, String)} of {@code entry}. */
  public static byte[] bytes(AuditEntry entry) {
    return bytes(entry.path(), entry.pathBytes());
  }

  /**
   * Compares two paths' bytes in walk order: negative when {@code a} is walked first, zero when
   * they are the same path.
   */
  public static int compare(byte[] a, byte[] b) {
    int i = 0;
    int j = 0;
    while (true) {
      boolean aEnd = i >= a.length;
      boolean bEnd = j >= b.length;
      if (aEnd || bEnd) {
        return aEnd && bEnd ? 0 : aEnd ? -1 : 1;
      }
      // Compare one component of each.
      while (true) {
        boolean aSep = i >= a.length || a[i] == '/';
        boolean bSep = j >= b.length || b[j] == '/';
        if (aSep || bSep) {
          if (aSep && bSep) {
            break;
          }
          return aSep ? -1 : 1; // the shorter name sorts first
        }
        int c = (a[i] & 0xFF) - (b[j] & 0xFF);
        if (c != 0) {
          return c;
        }
        i++;
        j++;
      }
      // Both at a separator or an end: skip repeated separators.
      while (i < a.length && a[i] == '/') {
        i++;
      }
      while (j < b.length && b[j] == '/') {
        j++;
      }
    }
  }
}
