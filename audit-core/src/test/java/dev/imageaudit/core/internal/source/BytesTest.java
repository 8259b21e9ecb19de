package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written text helpers print exactly what the formatter and regex they replaced printed. */
class BytesTest {

  private final Random random = new Random(7);

  @Test
  void hexIsFormattersZeroPaddedHex() {
    for (int n = 0; n < 10_000; n++) {
      int value = n < 4 ? new int[] {0, -1, Integer.MIN_VALUE, 0xff}[n] : random.nextInt();
      byte b = (byte) value;
      assertThat(Bytes.hex(value, 8, true)).isEqualTo(String.format("%08X", value));
      assertThat(Bytes.hex(Integer.toUnsignedLong(value), 8, false)).isEqualTo(String.format("%08x", Integer.toUnsignedLong(value)));
      assertThat(Bytes.hex(b, 2, true)).isEqualTo(String.format("%02X", b));
      assertThat(Bytes.hex(b & 0xff, 2, false)).isEqualTo(String.format("%02x", b & 0xff));
      assertThat(Bytes.hex(value & 0xffff, 4, true)).isEqualTo(String.format("%04X", value & 0xffff));
    }
  }

  @Test
  void guidIsTheMixedEndianFormOfTheFormatterBefore() {
    for (int n = 0; n < 2_000; n++) {
      byte[] b = new byte[20];
      random.nextBytes(b);
      String expected =
          String.format(
              "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
              Bytes.u32le(b, 2), Bytes.u16le(b, 6), Bytes.u16le(b, 8),
              b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17]);
      assertThat(Bytes.guid(b, 2)).isEqualTo(expected);
    }
    // The EFI system partition's type GUID, as GPT stores it.
    byte[] esp = {
      0x28, 0x73, 0x2a, (byte) 0xc1, 0x1f, (byte) 0xf8, (byte) 0xd2, 0x11,
      (byte) 0xba, 0x4b, 0x00, (byte) 0xa0, (byte) 0xc9, 0x3e, (byte) 0xc9, 0x3b
    };
    assertThat(Bytes.guid(esp, 0)).isEqualTo("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
  }

  @Test
  void asciizKeepsPrintableAsciiAndMarksEveryOtherByte() {
    for (int n = 0; n < 2_000; n++) {
      byte[] b = new byte[64];
      random.nextBytes(b);
      int end = 0;
      while (end < 40 && b[end] != 0) {
        end++;
      }
      String expected =
          new String(b, 0, end, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7E]", "?");
      assertThat(Bytes.asciiz(b, 0, 40)).isEqualTo(expected);
    }
    assertThat(Bytes.asciiz("conectix\0rest".getBytes(StandardCharsets.US_ASCII), 0, 13)).isEqualTo("conectix");
  }
}
