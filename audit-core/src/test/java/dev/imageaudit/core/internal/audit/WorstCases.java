package dev.imageaudit.core.internal.audit;

import dev.imageaudit.core.internal.avf.CrosvmDiskRulesTest;
import dev.imageaudit.core.internal.format.AndroidSparseDetector;
import dev.imageaudit.core.internal.format.FormatSeeds;
import dev.imageaudit.core.internal.format.Magic;
import dev.imageaudit.core.internal.format.MalformedFormatsTest;
import dev.imageaudit.core.internal.format.QcowDetector;
import dev.imageaudit.core.internal.format.QcowDetectorTest;
import dev.imageaudit.core.internal.format.TestImages;
import dev.imageaudit.core.internal.format.VhdxDetectorTest;
import dev.imageaudit.core.internal.format.VpcDetectorTest;
import dev.imageaudit.core.internal.format.ZstdDetector;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The most an image of each format can make an entry keep and write under the caps: every list a
 * file can make long filled past its cap, every string as long as it may be, every field that is
 * reported only when odd made odd. Strings are made of control characters, six bytes each in JSON,
 * which makes the most JSON; the formats with the longest lists come again with ASCII strings,
 * one byte each, which the text budget lets keep six times as many characters: the most heap.
 * And the two attack files of issue 10: a VMDK descriptor of 50,000 extent lines and a qcow2 image
 * of 8,192 empty header extensions. Shared with the report module's tests, which write them.
 */
public final class WorstCases {

  /** A character JSON writes as six bytes ({@code \u0001}). */
  private static final char CONTROL = '\u0001';

  private WorstCases() {}

  /** Returns the worst cases as the arguments (name, bytes) of a parameterized test. */
  public static Stream<Arguments> arguments() {
    return images().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  /** Returns the worst case of every format, by name, in a fixed order. */
  public static Map<String, byte[]> images() {
    Map<String, byte[]> images = new LinkedHashMap<>();
    try {
      images.put("qcow2", qcow2());
      images.put("vmdk", vmdk(CONTROL));
      images.put("vmdk-ascii", vmdk('a'));
      images.put("composite", composite(CONTROL));
      images.put("composite-ascii", composite('a'));
      images.put("luks2", luks2());
      images.put("vhdx", vhdx());
      images.put("gpt", gpt(CONTROL));
      images.put("gpt-ascii", gpt('a'));
      images.put("vpc", vpc());
      images.put("qed", qed());
      images.put("android-sparse", androidSparse());
      images.put("polyglot", polyglot());
      for (String fixture : FormatSeeds.FIXTURES) {
        images.put(fixture, FormatSeeds.all().get(fixture));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    images.put("vmdk-50000-extents", vmdkExtentFlood());
    images.put("qcow2-8192-extensions", qcow2ExtensionFlood());
    return images;
  }

  /**
   * Issue 10's descriptor: what qemu-img writes for a monolithicFlat disk, then 50,000 extent lines
   * naming a host file each, 3.4 MB of which the audit reads its 1 MiB cap.
   */
  public static byte[] vmdkExtentFlood() {
    StringBuilder text = new StringBuilder(
        "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\n"
            + "# Extent description\nRW 2048 FLAT \"disk-flat.vmdk\" 0\n");
    for (int i = 0; i < 50_000; i++) {
      text.append("RW 18446744073709551615 FLAT \"/etc/shadow").append(i).append("\" 18446744073709551615\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Issue 10's qcow2: a valid v3 header followed by 8,192 header extensions of no bytes each. */
  public static byte[] qcow2ExtensionFlood() {
    ByteBuffer b = QcowDetectorTest.v3();
    for (int i = 0; i < 8192 && 112 + 8 * i + 8 <= 65536; i++) {
      b.putInt(112 + 8 * i, 0x1000 + i).putInt(112 + 8 * i + 4, 0);
    }
    return QcowDetectorTest.bytes(b, 65536 + 4096);
  }

  /**
   * qcow2 v3: every feature bit set, a 1023-byte backing file name, backing format extensions of
   * QEMU and crosvm, a data file extension, a crypto header, then empty extensions to the name.
   */
  static byte[] qcow2() {
    ByteBuffer b = QcowDetectorTest.v3();
    int nameAt = 65536 - Caps.BACKING_FILE_NAME;
    b.putLong(8, nameAt).putInt(16, Caps.BACKING_FILE_NAME);
    b.putLong(72, -1L).putLong(80, -1L).putLong(88, -1L);
    int at = 112;
    at = extension(b, at, QcowDetector.EXT_QEMU_BACKING_FORMAT, controls(15));
    at = extension(b, at, QcowDetector.EXT_CROSVM_BACKING_FORMAT, controls(4000));
    at = extension(b, at, QcowDetector.EXT_DATA_FILE, controls(4000));
    at = extension(b, at, QcowDetector.EXT_CRYPTO_HEADER, new byte[16]);
    for (int type = 1; at + 8 <= nameAt; type++) {
      at = extension(b, at, type, new byte[0]);
    }
    b.put(nameAt, controls(Caps.BACKING_FILE_NAME));
    return QcowDetectorTest.bytes(b, 65536 + 4096);
  }

  private static int extension(ByteBuffer b, int at, int type, byte[] data) {
    b.putInt(at, type).putInt(at + 4, data.length).put(at + 8, data);
    return at + 8 + ((data.length + 7) & ~7);
  }

  /**
   * A VMDK descriptor of 1 MiB: long header values, an unparsable extent line, then extent lines
   * whose type and file name are long runs of control characters, and u64 sizes.
   */
  static byte[] vmdk(char fill) {
    String run = String.valueOf(fill).repeat(1500);
    StringBuilder text = new StringBuilder("# Disk DescriptorFile\nversion=1\n");
    text.append("CID=").append(run).append("\nparentCID=").append(run).append('\n');
    text.append("createType=\"").append(run).append("\"\nparentFileNameHint=\"").append(run).append("\"\n");
    text.append("RW ").append(run).append('\n');
    while (text.length() < Caps.VMDK_DESCRIPTOR) {
      text.append("RW 18446744073709551615 ").append(run, 0, 200).append(" \"").append(run, 0, 300)
          .append("\" 18446744073709551615\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A composite disk of 1000 components under the descriptor cap, each path 1000 {@code fill} characters. */
  static byte[] composite(char fill) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Magic.COMPOSITE);
    out.write(0x08);
    CrosvmDiskRulesTest.varint(out, -1L);
    for (int i = 0; i < 1000; i++) {
      ByteArrayOutputStream c = new ByteArrayOutputStream();
      c.write(0x0A);
      CrosvmDiskRulesTest.varint(c, 1000);
      c.writeBytes(filled(1000, fill));
      c.write(0x10);
      CrosvmDiskRulesTest.varint(c, -1L - i);
      c.write(0x18);
      c.write(1);
      c.write(0x20);
      CrosvmDiskRulesTest.varint(c, -1L);
      out.write(0x12);
      CrosvmDiskRulesTest.varint(out, c.size());
      out.writeBytes(c.toByteArray());
    }
    out.write(0x18);
    CrosvmDiskRulesTest.varint(out, -1L);
    return out.toByteArray();
  }

  /** LUKS2 with a 64 KiB header: JSON metadata of many segments with long type and cipher names. */
  static byte[] luks2() throws Exception {
    String run = "\\u0001".repeat(300);
    StringBuilder json = new StringBuilder("{\"keyslots\":{\"0\":{}},\"segments\":{");
    for (int i = 0; json.length() < Caps.LUKS2_JSON - 4000; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(i).append("\":{\"type\":\"").append(run)
          .append("\",\"offset\":\"18446744073709551615\",\"size\":\"18446744073709551615\",\"encryption\":\"")
          .append(run).append("\",\"sector_size\":999999999999999999}");
    }
    json.append("}}");
    return MalformedFormatsTest.luks2(64 * 1024, json.toString(), 128 * 1024);
  }

  /** dynamic.vhdx made a differencing disk whose parent locator has 200 entries of long keys and values. */
  static byte[] vhdx() throws IOException {
    String[] keyValues = new String[400];
    for (int i = 0; i < 200; i++) {
      keyValues[2 * i] = i + String.valueOf(CONTROL).repeat(200);
      keyValues[2 * i + 1] = String.valueOf(CONTROL).repeat(2000);
    }
    byte[] image = VhdxDetectorTest.differencing(VhdxDetectorTest.locator(keyValues));
    // The creator field at 8: 256 UTF-16 characters, none of them NUL.
    for (int i = 8; i < 520; i += 2) {
      image[i] = 1;
    }
    return image;
  }

  /** A GPT disk of 128 partitions, each name 36 {@code fill} characters. */
  static byte[] gpt(char fill) {
    byte[] entries = new byte[128 * 128];
    ByteBuffer b = ByteBuffer.wrap(entries).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 128; i++) {
      b.putLong(i * 128, -1L - i).putLong(i * 128 + 8, -1L).putLong(i * 128 + 16, -1L).putLong(i * 128 + 24, -1L);
      b.putLong(i * 128 + 32, 34L + 8 * i).putLong(i * 128 + 40, 34L + 8 * i + 7);
      for (int c = 0; c < 36; c++) {
        b.putShort(i * 128 + 56 + 2 * c, (short) fill);
      }
    }
    return MalformedFormatsTest.gpt(512, 1 << 20, 2, 128, 128, entries);
  }

  /** dynamic.vhd made a differencing disk: a parent name of 256 control characters, eight locators of 1 KiB paths. */
  static byte[] vpc() throws IOException {
    byte[] dynamic = VpcDetectorTest.footer(VpcDetectorTest.dynamic(), 60, 4);
    int dataAt = 2048;
    byte[] image = new byte[dataAt + 8 * Caps.VPC_PARENT_LOCATOR + 512];
    System.arraycopy(dynamic, 0, image, 0, dataAt);
    System.arraycopy(dynamic, dataAt, image, image.length - 512, 512);
    for (int i = 512 + 64; i < 512 + 64 + 512; i += 2) {
      image[i + 1] = 1;
    }
    for (int i = 0; i < 8; i++) {
      VpcDetectorTest.locator(image, i, "W2ku", Caps.VPC_PARENT_LOCATOR, dataAt + (long) i * Caps.VPC_PARENT_LOCATOR);
      for (int at = dataAt + i * Caps.VPC_PARENT_LOCATOR; at < dataAt + (i + 1) * Caps.VPC_PARENT_LOCATOR; at += 2) {
        image[at] = 1;
      }
    }
    return image;
  }

  /** QED with a backing file name of 4095 control characters in its two header clusters. */
  static byte[] qed() {
    ByteBuffer header = MalformedFormatsTest.qed(4096, 2, 2, 1 | 2 | (-1L << 3), 8192, 1 << 20, 64, Caps.QED_BACKING_FILE_NAME);
    byte[] image = Arrays.copyOf(header.array(), 16384);
    Arrays.fill(image, 64, 64 + Caps.QED_BACKING_FILE_NAME, (byte) 1);
    return image;
  }

  /** Android sparse with more don't-care chunks than the walk's cap. */
  static byte[] androidSparse() {
    int chunks = Caps.SPARSE_CHUNKS + 10;
    ByteBuffer b = ByteBuffer.allocate(28 + 12 * chunks).order(ByteOrder.LITTLE_ENDIAN);
    b.put(TestImages.sparseHeader(4096, chunks));
    b.putInt(20, chunks);
    for (int i = 0; i < chunks; i++) {
      b.putShort(28 + 12 * i, (short) AndroidSparseDetector.DONT_CARE).putInt(28 + 12 * i + 4, 1).putInt(28 + 12 * i + 8, 12);
    }
    return b.array();
  }

  /** Bytes that five formats claim: zstd at 0, VDI at 0x40, ISO 9660 at 0x8000, DMG and VHD footers at the end. */
  static byte[] polyglot() throws IOException {
    byte[] image = new byte[0x8800 + 4096];
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0, ZstdDetector.FRAME_MAGIC).putInt(0x40, 0xBEDA107F);
    image[0x8000] = 1;
    System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, image, 0x8001, 5);
    System.arraycopy("koly".getBytes(StandardCharsets.US_ASCII), 0, image, image.length - 512, 4);
    return image;
  }

  private static byte[] controls(int n) {
    return filled(n, CONTROL);
  }

  private static byte[] filled(int n, char fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) fill);
    return b;
  }
}
