package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Android sparse images: the 28-byte little-endian file header of libsparse (FORMATS.md section 5). */
final class AndroidSparseDetector implements FormatDetector {

  @Override
  public Detection detect(Probe probe) {
    byte[] head = probe.head();
    if (!Bytes.startsWith(head, 0, Magic.ANDROID_SPARSE)) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (head.length < VirtmgrPartitionRules.SPARSE_HEADER_SIZE) {
      details.put("headerTruncated", true);
      return new Detection(ImageFormat.ANDROID_SPARSE, null, details);
    }
    details.put("majorVersion", Bytes.u16le(head, 4));
    details.put("minorVersion", Bytes.u16le(head, 6));
    details.put("fileHeaderSize", Bytes.u16le(head, 8));
    details.put("chunkHeaderSize", Bytes.u16le(head, 10));
    details.put("blockSize", Integer.toUnsignedLong(Bytes.u32le(head, 12)));
    details.put("totalBlocks", Integer.toUnsignedLong(Bytes.u32le(head, 16)));
    details.put("totalChunks", Integer.toUnsignedLong(Bytes.u32le(head, 20)));
    details.put("imageChecksum", Integer.toUnsignedLong(Bytes.u32le(head, 24)));
    U64 expanded = U64.ofProduct(Bytes.u32le(head, 16), Bytes.u32le(head, 12));
    return new Detection(ImageFormat.ANDROID_SPARSE, expanded, details);
  }
}
