package dev.imageaudit.core.internal;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * LUKS encrypted volumes, versions 1 and 2: {@code LUKS\xBA\xBE} at 0 and a big-endian version
 * u16 at 6 (FORMATS.md section 8; QEMU {@code crypto/block-luks.c}; the LUKS1 and LUKS2 on-disk
 * specifications). Returns {@code null} unless the magic is at 0. Always raises {@code encrypted}.
 *
 * <p>LUKS1: virtualSize is the file length less payload_offset (u32 @104) x 512, QEMU's rule
 * except that QEMU first rounds the length up to 512 (as it does for raw). The key slots are
 * checked as QEMU checks them. LUKS2 (which QEMU 7.2 does not read): the JSON metadata after the
 * 4 KiB binary header is read under {@link Caps#LUKS2_JSON}, its checksum verified, and virtualSize taken
 * from the first data segment (a "dynamic" size runs to the end of the file).
 */
final class LuksDetector extends MagicDetector {

  /**
   * Reads the JSON area's text, which is one JSON value and nothing after it. Nesting is limited so
   * that hostile metadata cannot exhaust the stack; every length limit is the cap, which the text
   * never passes (a number or string that long takes milliseconds), so the depth is the only limit it can
   * break. A key given twice is not refused: the last value counts.
   *
   * <p>In a holder class: building a mapper loads hundreds of Jackson classes (about a second at
   * start-up), which only a store that holds a LUKS2 image should pay.
   */
  private static final class Json {
    static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(Caps.LUKS2_JSON_DEPTH)
                          .maxDocumentLength(Caps.LUKS2_JSON)
                          .maxNameLength(Caps.LUKS2_JSON)
                          .maxStringLength(Caps.LUKS2_JSON)
                          .maxNumberLength(Caps.LUKS2_JSON)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  }

  static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE};
  private static final int V1_HEADER = 592;
  private static final int V2_BINARY_HEADER = 4096;
  private static final long SLOT_ENABLED = 0x00AC71F3L;
  private static final long SLOT_DISABLED = 0x0000DEADL;
  /** LUKS1 key material is aligned to the 4 KiB header, in 512-byte sectors. */
  private static final long HEADER_SECTORS = 8;

  LuksDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    found.flag(Flag.ENCRYPTED);
    if (head.length < 8) {
      found.headerEndsAt(head, "before the version");
      return found.toDetection(ImageFormat.LUKS, null);
    }
    int version = Bytes.u16be(head, 6);
    found.put("version", version);
    return switch (version) {
      case 1 -> luks1(probe, head, found);
      case 2 -> luks2(probe, head, found);
      default -> {
        found.invalid("version " + version + " is neither 1 nor 2");
        yield found.toDetection(ImageFormat.LUKS, null);
      }
    };
  }

  private static Detection luks1(Probe probe, byte[] head, Findings found) {
    if (head.length < 112) {
      found.headerEndsAt(head, "of " + V1_HEADER);
      return found.toDetection(ImageFormat.LUKS, null);
    }
    found.put("cipherName", Bytes.asciiz(head, 8, 32)).put("cipherMode", Bytes.asciiz(head, 40, 32));
    found.put("hashSpec", Bytes.asciiz(head, 72, 32));
    long payloadSectors = Bytes.u32beUnsigned(head, 104);
    long keyBytes = Bytes.u32beUnsigned(head, 108);
    long payload = payloadSectors * 512;
    found.put("payloadOffset", payload).put("keyBytes", keyBytes);
    U64 size = null;
    if (payload > probe.size()) {
      found.truncated("payload offset " + payload + " passes the end of the file");
    } else {
      size = U64.of(probe.size() - payload);
    }
    if (found.headerShort(head, V1_HEADER)) {
      return found.toDetection(ImageFormat.LUKS, size);
    }
    found.put("uuid", Bytes.asciiz(head, 168, 40));
    checkKeySlots(head, found, payloadSectors, keyBytes);
    return found.toDetection(ImageFormat.LUKS, size);
  }

  private static void checkKeySlots(byte[] head, Findings found, long payloadSectors, long keyBytes) {
    long[] start = new long[8];
    long[] length = new long[8];
    int active = 0;
    for (int i = 0; i < 8; i++) {
      int at = 208 + 48 * i;
      long state = Bytes.u32beUnsigned(head, at);
      long stripes = Bytes.u32beUnsigned(head, at + 44);
      start[i] = Bytes.u32beUnsigned(head, at + 40);
      // The key material in sectors, rounded up to the header's alignment, as cryptsetup lays it out.
      long sectors = (keyBytes * stripes + 511) / 512;
      length[i] = (sectors + HEADER_SECTORS - 1) / HEADER_SECTORS * HEADER_SECTORS;
      if (state == SLOT_ENABLED) {
        active++;
      } else if (state != SLOT_DISABLED) {
        found.invalid("key slot " + i + " state is neither enabled nor disabled");
      }
      if (stripes == 0) {
        found.invalid("key slot " + i + " has zero stripes");
      }
      if (start[i] + length[i] > payloadSectors) {
        found.invalid("key slot " + i + " overlaps the encrypted payload");
      }
    }
    for (int i = 0; i < 8; i++) {
      for (int j = i + 1; j < 8; j++) {
        if (start[i] + length[i] > start[j] && start[j] + length[j] > start[i]) {
          found.invalid("key slots " + i + " and " + j + " overlap");
        }
      }
    }
    found.put("activeKeySlots", active);
  }

  private static Detection luks2(Probe probe, byte[] head, Findings found) throws IOException {
    if (head.length < V2_BINARY_HEADER) {
      found.truncated("binary header ends at byte " + head.length + " of " + V2_BINARY_HEADER);
      return found.toDetection(ImageFormat.LUKS, null);
    }
    long headerSize = Bytes.u64be(head, 8);
    found.put("headerSize", U64.of(headerSize));
    found.put("label", Bytes.asciiz(head, 24, 48)).put("uuid", Bytes.asciiz(head, 168, 40));
    String checksumAlgorithm = Bytes.asciiz(head, 72, 32);
    found.put("checksumAlgorithm", checksumAlgorithm);
    if (Long.bitCount(headerSize) != 1 || headerSize < 16 * 1024 || headerSize > 4 * 1024 * 1024) {
      found.invalid("header size is not a power of two from 16 KiB to 4 MiB");
      return found.toDetection(ImageFormat.LUKS, null);
    }
    if (Bytes.u64be(head, 256) != 0) {
      found.invalid("primary header does not say it is at offset 0");
    }
    int area = (int) headerSize - V2_BINARY_HEADER;
    int want = Math.min(area, Caps.LUKS2_JSON);
    byte[] json = probe.source().read(V2_BINARY_HEADER, want);
    if (json.length < want) {
      found.truncated("JSON metadata ends past the end of the file");
      return found.toDetection(ImageFormat.LUKS, null);
    }
    if (want == area) {
      verifyChecksum(head, json, checksumAlgorithm, found);
    } else {
      found.put("checksumChecked", false);
    }
    int end = 0;
    while (end < json.length && json[end] != 0) {
      end++;
    }
    if (end == json.length && want < area) {
      found.put("metadataError", "JSON metadata longer than the cap of " + Caps.LUKS2_JSON + " bytes");
      return found.toDetection(ImageFormat.LUKS, null);
    }
    String text = new String(json, 0, end, StandardCharsets.UTF_8);
    JsonNode metadata;
    try {
      metadata = Json.MAPPER.readTree(text);
    } catch (StreamConstraintsException e) {
      // The length limits are never reached (see MAPPER): the depth is the limit passed.
      found.invalid("JSON metadata: nesting deeper than " + Caps.LUKS2_JSON_DEPTH);
      return found.toDetection(ImageFormat.LUKS, null);
    } catch (JacksonException e) {
      long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
      found.invalid("JSON metadata: " + e.getOriginalMessage() + (at < 0 ? "" : " at offset " + at));
      return found.toDetection(ImageFormat.LUKS, null);
    }
    if (metadata.isMissingNode()) {
      // Nothing but blanks before the first NUL.
      found.invalid("JSON metadata: unexpected end at offset " + text.length());
      return found.toDetection(ImageFormat.LUKS, null);
    }
    return segments(probe, metadata, found);
  }

  private static void verifyChecksum(byte[] head, byte[] json, String algorithm, Findings found) {
    String javaName = switch (algorithm) {
      case "sha1" -> "SHA-1";
      case "sha256" -> "SHA-256";
      case "sha512" -> "SHA-512";
      default -> null;
    };
    if (javaName == null) {
      found.put("checksumChecked", false);
      return;
    }
    try {
      MessageDigest digest = MessageDigest.getInstance(javaName);
      byte[] binary = java.util.Arrays.copyOf(head, V2_BINARY_HEADER);
      // The checksum covers the whole header with its own 64-byte field zeroed.
      java.util.Arrays.fill(binary, 448, 448 + 64, (byte) 0);
      digest.update(binary);
      digest.update(json);
      byte[] sum = digest.digest();
      boolean ok = java.util.Arrays.equals(sum, java.util.Arrays.copyOfRange(head, 448, 448 + sum.length));
      found.put("checksumChecked", true);
      if (!ok) {
        found.invalid("header checksum mismatch (expected " + HexFormat.of().formatHex(sum) + ")");
      }
    } catch (NoSuchAlgorithmException e) {
      found.put("checksumChecked", false);
    }
  }

  private static Detection segments(Probe probe, JsonNode root, Findings found) {
    JsonNode segments = root.path("segments");
    if (!segments.isObject()) {
      found.invalid("JSON metadata has no segments object");
      return found.toDetection(ImageFormat.LUKS, null);
    }
    if (root.path("keyslots").isObject()) {
      found.put("keySlots", root.path("keyslots").size());
    }
    // Segments are keyed by their decimal index; the data starts at the lowest.
    TreeMap<Long, JsonNode> byIndex = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : segments.properties()) {
      Long index = parseIndex(e.getKey());
      if (index == null || !e.getValue().isObject()) {
        found.invalid("segment \"" + e.getKey() + "\" is not an indexed object");
        return found.toDetection(ImageFormat.LUKS, null);
      }
      byIndex.put(index, e.getValue());
    }
    CappedList<Map<String, Object>> reported = new CappedList<>(Caps.LUKS_SEGMENTS);
    U64 size = null;
    for (Map.Entry<Long, JsonNode> e : byIndex.entrySet()) {
      JsonNode segment = e.getValue();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("index", e.getKey());
      out.put("type", text(segment.get("type")));
      U64 offset = parseU64(segment.path("offset"));
      JsonNode rawSize = segment.path("size");
      boolean dynamic = rawSize.isString() && rawSize.stringValue().equals("dynamic");
      U64 length = dynamic ? null : parseU64(rawSize);
      if (offset == null || (!dynamic && length == null)) {
        found.invalid("segment " + e.getKey() + " offset or size is not a decimal u64 string");
        return found.toDetection(ImageFormat.LUKS, null);
      }
      out.put("offset", offset);
      out.put("size", dynamic ? "dynamic" : length);
      if (segment.path("encryption").isString()) {
        out.put("encryption", segment.path("encryption").stringValue());
      }
      JsonNode sectorSize = segment.path("sector_size");
      // A whole number of at most 18 characters, sign included; longer ones, which no volume has, are left out.
      if (sectorSize.isIntegralNumber() && sectorSize.canConvertToLong()
          && Long.toString(sectorSize.longValue()).length() <= 18) {
        out.put("sectorSize", sectorSize.longValue());
      }
      reported.add(out);
      if (reported.count() == 1) {
        size = segmentSize(probe.size(), offset, length, e.getKey(), found);
      }
    }
    reported.putInto(found, "segments");
    if (reported.count() == 0) {
      found.invalid("JSON metadata has no data segment");
    }
    return found.toDetection(ImageFormat.LUKS, size);
  }

  private static U64 segmentSize(long fileSize, U64 offset, U64 length, long index, Findings found) {
    if (length == null) {
      // A "dynamic" segment runs from its offset to the end of the device.
      if (Long.compareUnsigned(offset.bits(), fileSize) > 0) {
        found.truncated("segment " + index + " starts past the end of the file");
        return null;
      }
      return U64.of(fileSize - offset.bits());
    }
    long end = offset.bits() + length.bits();
    if (Long.compareUnsigned(end, offset.bits()) < 0) {
      found.invalid("segment " + index + " end wraps past 2^64");
      return null;
    }
    if (Long.compareUnsigned(end, fileSize) > 0) {
      found.truncated("segment " + index + " ends past the end of the file");
    }
    return length;
  }

  private static Long parseIndex(String key) {
    if (key.isEmpty() || key.length() > 9 || !key.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(key);
  }

  /** A value as text: a string as it is, anything else as JSON, {@code "null"} where it is absent. */
  private static String text(JsonNode value) {
    if (value == null) {
      return "null";
    }
    return value.isString() ? value.stringValue() : value.toString();
  }

  private static U64 parseU64(JsonNode value) {
    if (!value.isString()) {
      return null;
    }
    String s = value.stringValue();
    if (s.isEmpty() || s.length() > 20 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    try {
      return U64.of(Long.parseUnsignedLong(s));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
