package dev.imageaudit.core.internal.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small images built byte by byte, shared by tests in more than one package. */
public final class TestImages {

  private TestImages() {}

  /**
   * A 28-byte Android sparse header, version 1.0 with 12-byte chunk headers and no chunks, claiming
   * {@code totalBlocks} x {@code blockSize} bytes (both read as unsigned u32).
   */
  public static byte[] sparseHeader(int blockSize, int totalBlocks) {
    return ByteBuffer.allocate(28)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0xED26FF3A)
        .putShort((short) 1)
        .putShort((short) 0)
        .putShort((short) 28)
        .putShort((short) 12)
        .putInt(blockSize)
        .putInt(totalBlocks)
        .putInt(0)
        .putInt(0)
        .array();
  }
}
