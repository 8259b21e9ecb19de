package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * qcow (version 1) and qcow2 (versions 2 and 3), all big-endian (FORMATS.md section 6). A qcow
 * magic with a version other than 1 is reported as qcow2, as virtmgr types every qcow magic.
 */
final class QcowDetector implements FormatDetector {

  @Override
  public Detection detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    ImageSource source = probe.source();
    if (!Bytes.startsWith(head, 0, Magic.QCOW)) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (head.length < 8) {
      details.put("headerTruncated", true);
      return new Detection(ImageFormat.QCOW2, null, details);
    }
    long version = Bytes.u32be(head, 4) & 0xFFFF_FFFFL;
    ImageFormat format = version == 1 ? ImageFormat.QCOW : ImageFormat.QCOW2;
    details.put("version", version);
    // Both versions keep the virtual size at 24 and the backing file name's offset at 8.
    int headerEnd = version == 1 ? 40 : 72;
    if (head.length < 32) {
      details.put("headerTruncated", true);
      return new Detection(format, null, details);
    }
    U64 virtualSize = U64.of(Bytes.u64be(head, 24));
    if (version == 1) {
      details.put("clusterBits", Bytes.u8(head, 32));
      if (head.length >= 40) {
        details.put("cryptMethod", Bytes.u32be(head, 36) & 0xFFFF_FFFFL);
      }
    } else {
      details.put("clusterBits", Bytes.u32be(head, 20) & 0xFFFF_FFFFL);
      if (head.length >= 36) {
        details.put("cryptMethod", Bytes.u32be(head, 32) & 0xFFFF_FFFFL);
      }
      if (head.length >= 64) {
        details.put("snapshots", Bytes.u32be(head, 60) & 0xFFFF_FFFFL);
      }
    }
    if (head.length < headerEnd) {
      details.put("headerTruncated", true);
    }
    String backingFile = backingFileName(head, source, format);
    if (backingFile != null) {
      details.put("backingFile", backingFile);
    }
    return new Detection(format, virtualSize, details);
  }

  /**
   * Returns the backing file name the header points to, or {@code null} if there is none or it
   * lies out of reach. The name is reported only; the file it names is never opened.
   */
  private static String backingFileName(byte[] head, ImageSource source, ImageFormat format)
      throws IOException {
    long offset = Bytes.u64be(head, 8);
    // qcow v1 keeps the name's length at 16 as u32 too.
    long length = Bytes.u32be(head, 16) & 0xFFFF_FFFFL;
    if (offset == 0 || length == 0 || length > Caps.BACKING_FILE_NAME || offset < 0) {
      return null;
    }
    byte[] name;
    if (offset + length <= head.length) {
      name = java.util.Arrays.copyOfRange(head, (int) offset, (int) (offset + length));
    } else {
      name = source.read(offset, (int) length);
    }
    return new String(name, StandardCharsets.UTF_8);
  }
}
