package dev.imageaudit.core.internal.format;

import java.nio.charset.StandardCharsets;

/** The magic numbers the detectors and virtmgr's rules look for (FORMATS.md sections 1, 5, 6, 7). */
public final class Magic {
  /** qcow and qcow2: "QFI\xfb" at 0 (big-endian 0x514649FB). */
  public static final byte[] QCOW = {'Q', 'F', 'I', (byte) 0xFB};

  /** Android sparse: little-endian 0xED26FF3A at 0. */
  public static final byte[] ANDROID_SPARSE = {0x3A, (byte) 0xFF, 0x26, (byte) 0xED};

  /** crosvm composite disk: "composite_disk\x1d" at 0. */
  public static final byte[] COMPOSITE = "composite_disk\u001d".getBytes(StandardCharsets.US_ASCII);

  private Magic() {}
}
