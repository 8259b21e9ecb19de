package dev.imageaudit.core.internal.source;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * File names are bytes: Linux allows any but {@code /} and NUL. A name that is valid UTF-8 is shown
 * as it is; in one that is not, each byte outside a valid sequence is shown {@code \xNN}, so two
 * names that differ only there never share a display, and the exact bytes go with the entry
 * ({@code pathBytes}, base64).
 */
public final class Names {

  private Names() {}

  /**
   * True when the JDK encodes and decodes file names as UTF-8 (the launcher sees to it; a library's
   * host may not): then a name that is valid UTF-8 resolves as text.
   */
  static final boolean JNU_UTF8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));

  /**
   * Returns true when {@code name}, as the JDK decoded it, may not give back its bytes as UTF-8: the
   * JDK met bytes it could not decode (U+FFFD), or it decodes names with another charset and the
   * name is not ASCII (under ISO-8859-1 every byte decodes to some character, so nothing marks the loss).
   */
  static boolean lossy(String name) {
    return name.indexOf('\uFFFD') >= 0 || !JNU_UTF8 && !isAscii(name);
  }

  /** Returns true when every character of {@code text} is ASCII, the same in every charset for names. */
  static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Returns the exact bytes of the last component of {@code path}. */
  static byte[] lastComponent(Path path) {
    byte[] all = PathBytes.exact(path);
    int slash = all.length - 1;
    while (slash >= 0 && all[slash] != '/') {
      slash--;
    }
    return Arrays.copyOfRange(all, slash + 1, all.length);
  }

  /** Returns {@code bytes} as UTF-8, each byte that is not part of a valid sequence as {@code \xNN}. */
  static String display(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length * 4 + 4);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isUnderflow()) {
        break;
      }
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          out.put(String.format("\\x%02x", in.get() & 0xff));
        }
      }
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /** Returns {@code parent/name} in bytes, as the walk joins display names. */
  static byte[] join(byte[] parent, byte[] name) {
    boolean slash = parent.length > 0 && parent[parent.length - 1] == '/';
    byte[] joined = new byte[parent.length + (slash ? 0 : 1) + name.length];
    System.arraycopy(parent, 0, joined, 0, parent.length);
    if (!slash) {
      joined[parent.length] = '/';
    }
    System.arraycopy(name, 0, joined, joined.length - name.length, name.length);
    return joined;
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
