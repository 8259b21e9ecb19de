package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.LuksDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Bytes;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
 * specifications), read as a {@link Luks1Header} or a {@link Luks2Header}. Always raises {@code
 * encrypted}.
 *
 * <p>LUKS1: virtualSize is the file length less payload_offset (u32 @104) x 512, QEMU's rule
 * except that QEMU first rounds the length up to 512 (as it does for raw). The key slots are
 * checked as QEMU checks them. LUKS2 (which QEMU 7.2 does not read): the JSON metadata after the
 * 4 KiB binary header is read under {@link Caps#LUKS2_JSON}, its checksum verified, and virtualSize
 * taken from the first data segment (a "dynamic" size runs to the end of the file).
 */
public final class LuksDetector extends MagicDetector {

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

  /** Where both versions keep their version, a big-endian u16 after the magic. */
  private static final int VERSION_AT = 6;

  private static final long SLOT_ENABLED = 0x00AC71F3L;
  private static final long SLOT_DISABLED = 0x0000DEADL;
  /** LUKS1 key material is aligned to the 4 KiB header, in 512-byte sectors. */
  private static final long HEADER_SECTORS = 8;

  public LuksDetector() {
    super(MAGIC);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    found.flag(Flag.ENCRYPTED);
    if (head.length < VERSION_AT + 2) {
      found.headerEndsAt(head, "before the version");
      return found.toDetection(ImageFormat.LUKS, null, FormatDetails.None.INSTANCE);
    }
    int version = Bytes.u16be(head, VERSION_AT);
    return switch (version) {
      case 1 -> luks1(probe, head, found);
      case 2 -> new Luks2Reading(probe, head, found).read();
      default -> {
        found.invalid("version " + version + " is neither 1 nor 2");
        yield found.toDetection(ImageFormat.LUKS, null, versionOnly(version));
      }
    };
  }

  private static Detection luks1(Probe probe, byte[] head, Findings found) {
    if (head.length < Luks1Header.PAYLOAD_FIELDS) {
      found.headerEndsAt(head, "of " + Luks1Header.SIZE);
      return found.toDetection(ImageFormat.LUKS, null, versionOnly(1));
    }
    Luks1Header h = Luks1Header.read(head);
    long payload = h.payloadOffset() * 512;
    U64 size = null;
    if (payload > probe.size()) {
      found.truncated("payload offset " + payload + " passes the end of the file");
    } else {
      size = U64.of(probe.size() - payload);
    }
    if (found.headerShort(head, Luks1Header.SIZE)) {
      return found.toDetection(ImageFormat.LUKS, size, luks1Details(h, null, null));
    }
    int active = checkKeySlots(h, found);
    return found.toDetection(ImageFormat.LUKS, size, luks1Details(h, h.uuid(), active));
  }

  /** Returns the details of a header read no further than its version. */
  private static LuksDetails versionOnly(int version) {
    return new LuksDetails(version, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Returns a LUKS1 header's details, with the UUID and the count of enabled slots when they were read. */
  private static LuksDetails luks1Details(Luks1Header h, String uuid, Integer activeKeySlots) {
    return new LuksDetails(1, h.cipherName(), h.cipherMode(), h.hashSpec(), h.payloadOffset() * 512, h.keyBytes(),
        null, null, uuid, activeKeySlots, null, null, null, null, null);
  }

  /** Checks the key slots as QEMU does, and returns how many are enabled. */
  private static int checkKeySlots(Luks1Header h, Findings found) {
    List<Luks1Header.KeySlot> slots = h.keySlots();
    int n = slots.size();
    long[] start = new long[n];
    long[] length = new long[n];
    int active = 0;
    for (int i = 0; i < n; i++) {
      Luks1Header.KeySlot slot = slots.get(i);
      start[i] = slot.keyMaterialOffset();
      // The key material in sectors, rounded up to the header's alignment, as cryptsetup lays it out.
      long sectors = (h.keyBytes() * slot.stripes() + 511) / 512;
      length[i] = (sectors + HEADER_SECTORS - 1) / HEADER_SECTORS * HEADER_SECTORS;
      if (slot.active() == SLOT_ENABLED) {
        active++;
      } else if (slot.active() != SLOT_DISABLED) {
        found.invalid("key slot " + i + " state is neither enabled nor disabled");
      }
      if (slot.stripes() == 0) {
        found.invalid("key slot " + i + " has zero stripes");
      }
      if (start[i] + length[i] > h.payloadOffset()) {
        found.invalid("key slot " + i + " overlaps the encrypted payload");
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (start[i] + length[i] > start[j] && start[j] + length[j] > start[i]) {
          found.invalid("key slots " + i + " and " + j + " overlap");
        }
      }
    }
    return active;
  }

  /**
   * The reading of one LUKS2 header: the binary header, then its JSON metadata. Each step adds to
   * the details what it read, and any step may end the reading (a failed check, a cut file), so
   * the details so far are fields here until then.
   */
  private static final class Luks2Reading {
    private final Probe probe;
    private final byte[] head;
    private final Findings found;
    private Luks2Header header;
    private Boolean checksumChecked;
    private Integer keySlots;
    private List<LuksDetails.Segment> segments;
    private String metadataError;

    Luks2Reading(Probe probe, byte[] head, Findings found) {
      this.probe = probe;
      this.head = head;
      this.found = found;
    }

    /** Returns the detection of the volume sized {@code size} (or unknown: null) with the details so far. */
    private Detection done(U64 size) {
      LuksDetails details = header == null
          ? versionOnly(2)
          : new LuksDetails(2, null, null, null, null, null, header.headerSize(), header.label(), header.uuid(),
              null, header.checksumAlgorithm(), checksumChecked, keySlots, segments, metadataError);
      return found.toDetection(ImageFormat.LUKS, size, details);
    }

    Detection read() throws IOException {
      if (head.length < Luks2Header.SIZE) {
        found.truncated("binary header ends at byte " + head.length + " of " + Luks2Header.SIZE);
        return done(null);
      }
      header = Luks2Header.read(head);
      long headerSize = header.headerSize().bits();
      if (Long.bitCount(headerSize) != 1 || headerSize < 16 * 1024 || headerSize > 4 * 1024 * 1024) {
        found.invalid("header size is not a power of two from 16 KiB to 4 MiB");
        return done(null);
      }
      if (header.headerOffset().bits() != 0) {
        found.invalid("primary header does not say it is at offset 0");
      }
      int area = (int) headerSize - Luks2Header.SIZE;
      int want = Math.min(area, Caps.LUKS2_JSON);
      byte[] json = probe.source().read(Luks2Header.SIZE, want);
      if (json.length < want) {
        found.truncated("JSON metadata ends past the end of the file");
        return done(null);
      }
      checksumChecked = want == area && verifyChecksum(json);
      int end = 0;
      while (end < json.length && json[end] != 0) {
        end++;
      }
      if (end == json.length && want < area) {
        metadataError = "JSON metadata longer than the cap of " + Caps.LUKS2_JSON + " bytes";
        return done(null);
      }
      String text = new String(json, 0, end, StandardCharsets.UTF_8);
      JsonNode metadata;
      try {
        metadata = Json.MAPPER.readTree(text);
      } catch (StreamConstraintsException e) {
        // The length limits are never reached (see MAPPER): the depth is the limit passed.
        found.invalid("JSON metadata: nesting deeper than " + Caps.LUKS2_JSON_DEPTH);
        return done(null);
      } catch (JacksonException e) {
        long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
        found.invalid("JSON metadata: " + e.getOriginalMessage() + (at < 0 ? "" : " at offset " + at));
        return done(null);
      }
      if (metadata.isMissingNode()) {
        // Nothing but blanks before the first NUL.
        found.invalid("JSON metadata: unexpected end at offset " + text.length());
        return done(null);
      }
      return segments(metadata);
    }

    /**
     * Returns true if the header checksum over the binary header and {@code json}, the whole JSON
     * area, was verified (a mismatch is noted); false if its algorithm is not one Java has.
     */
    private boolean verifyChecksum(byte[] json) {
      String javaName = switch (header.checksumAlgorithm()) {
        case "sha1" -> "SHA-1";
        case "sha256" -> "SHA-256";
        case "sha512" -> "SHA-512";
        default -> null;
      };
      if (javaName == null) {
        return false;
      }
      try {
        MessageDigest digest = MessageDigest.getInstance(javaName);
        digest.update(Luks2Header.withoutChecksum(head));
        digest.update(json);
        byte[] sum = digest.digest();
        if (!header.checksumMatches(sum)) {
          found.invalid("header checksum mismatch (expected " + HexFormat.of().formatHex(sum) + ")");
        }
        return true;
      } catch (NoSuchAlgorithmException e) {
        return false;
      }
    }

    private Detection segments(JsonNode root) {
      JsonNode byKey = root.path("segments");
      if (!byKey.isObject()) {
        found.invalid("JSON metadata has no segments object");
        return done(null);
      }
      if (root.path("keyslots").isObject()) {
        keySlots = root.path("keyslots").size();
      }
      // Segments are keyed by their decimal index; the data starts at the lowest.
      TreeMap<Long, JsonNode> byIndex = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : byKey.properties()) {
        Long index = parseIndex(e.getKey());
        if (index == null || !e.getValue().isObject()) {
          found.invalid("segment \"" + e.getKey() + "\" is not an indexed object");
          return done(null);
        }
        byIndex.put(index, e.getValue());
      }
      CappedList<LuksDetails.Segment> reported = new CappedList<>(Caps.LUKS_SEGMENTS);
      U64 size = null;
      for (Map.Entry<Long, JsonNode> e : byIndex.entrySet()) {
        JsonNode segment = e.getValue();
        U64 offset = parseU64(segment.path("offset"));
        JsonNode rawSize = segment.path("size");
        boolean dynamic = rawSize.isString() && rawSize.stringValue().equals("dynamic");
        U64 length = dynamic ? null : parseU64(rawSize);
        if (offset == null || (!dynamic && length == null)) {
          found.invalid("segment " + e.getKey() + " offset or size is not a decimal u64 string");
          return done(null);
        }
        String encryption = segment.path("encryption").isString() ? segment.path("encryption").stringValue() : null;
        JsonNode sectorSize = segment.path("sector_size");
        // A whole number of at most 18 characters, sign included; longer ones, which no volume has, are left out.
        Long sectors = sectorSize.isIntegralNumber() && sectorSize.canConvertToLong()
            && Long.toString(sectorSize.longValue()).length() <= 18 ? sectorSize.longValue() : null;
        reported.add(new LuksDetails.Segment(e.getKey(), text(segment.get("type")), offset, length, encryption, sectors));
        if (reported.count() == 1) {
          size = segmentSize(probe.size(), offset, length, e.getKey(), found);
        }
      }
      segments = reported.kept();
      reported.noteCutInto(found, "segments");
      if (reported.count() == 0) {
        found.invalid("JSON metadata has no data segment");
      }
      return done(size);
    }
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

  /**
   * The LUKS1 partition header ({@code phdr} of the LUKS1 on-disk format specification, QEMU's
   * {@code QCryptoBlockLUKSHeader}), all big-endian, after the magic and version. The master key
   * digest, its salt and iterations, and each slot's salt are not read: the audit checks none of
   * them.
   *
   * @param cipherName the cipher name, up to a NUL
   * @param cipherMode the cipher mode, up to a NUL
   * @param hashSpec the hash of the key derivation, up to a NUL
   * @param payloadOffset where the encrypted payload starts, in 512-byte sectors (u32)
   * @param keyBytes the master key's length in bytes (u32)
   * @param uuid the UUID as text, or {@code null} when the head ends before the whole header
   * @param keySlots the eight key slots, or {@code null} when the head ends before the whole header
   */
  record Luks1Header(
      String cipherName,
      String cipherMode,
      String hashSpec,
      long payloadOffset,
      long keyBytes,
      String uuid,
      List<KeySlot> keySlots) {

    /** Bytes up to the end of {@code key_bytes}: the fewest a LUKS1 header is read from. */
    static final int PAYLOAD_FIELDS = 112;

    /** Bytes of the whole header, its key slots included. */
    static final int SIZE = 592;

    private static final int KEY_SLOTS_AT = 208;
    private static final int KEY_SLOTS = 8;
    private static final int KEY_SLOT_BYTES = 48;

    /**
     * One key slot.
     *
     * @param active {@code 0x00AC71F3} enabled, {@code 0x0000DEAD} disabled (u32)
     * @param iterations the PBKDF2 iterations (u32)
     * @param keyMaterialOffset where the slot's key material starts, in 512-byte sectors (u32)
     * @param stripes the anti-forensic stripes of the key material (u32)
     */
    record KeySlot(long active, long iterations, long keyMaterialOffset, long stripes) {

      static KeySlot read(byte[] h, int at) {
        return new KeySlot(
            Bytes.u32beUnsigned(h, at),
            Bytes.u32beUnsigned(h, at + 4),
            // at + 8: the 32-byte salt, not read.
            Bytes.u32beUnsigned(h, at + 40),
            Bytes.u32beUnsigned(h, at + 44));
      }
    }

    /** Reads a header from a head of at least {@link #PAYLOAD_FIELDS} bytes. */
    static Luks1Header read(byte[] h) {
      boolean whole = h.length >= SIZE;
      List<KeySlot> slots = null;
      if (whole) {
        slots = new ArrayList<>(KEY_SLOTS);
        for (int i = 0; i < KEY_SLOTS; i++) {
          slots.add(KeySlot.read(h, KEY_SLOTS_AT + KEY_SLOT_BYTES * i));
        }
      }
      return new Luks1Header(
          Bytes.asciiz(h, 8, 32),
          Bytes.asciiz(h, 40, 32),
          Bytes.asciiz(h, 72, 32),
          Bytes.u32beUnsigned(h, 104),
          Bytes.u32beUnsigned(h, 108),
          // 112: the master key digest, its salt and iterations, not read.
          whole ? Bytes.asciiz(h, 168, 40) : null,
          slots == null ? null : List.copyOf(slots));
    }
  }

  /**
   * The LUKS2 binary header ({@code luks2_hdr_disk} of the LUKS2 on-disk format specification), all
   * big-endian, after the magic and version: 4 KiB, followed by the JSON area.
   *
   * @param headerSize the size of this header and its JSON area, in bytes (u64)
   * @param sequenceId the sequence id, raised on every metadata update (u64)
   * @param label the label, up to a NUL
   * @param checksumAlgorithm the checksum's algorithm, up to a NUL
   * @param uuid the UUID as text, up to a NUL
   * @param subsystem the subsystem label, up to a NUL
   * @param headerOffset this header's offset from the device's start, in bytes (u64; 0 for the
   *     primary header)
   * @param checksum the stored checksum, all 64 bytes in hex (a shorter digest fills its start)
   */
  record Luks2Header(
      U64 headerSize,
      U64 sequenceId,
      String label,
      String checksumAlgorithm,
      String uuid,
      String subsystem,
      U64 headerOffset,
      String checksum) {

    /** Bytes of the binary header; the JSON area follows. */
    static final int SIZE = 4096;

    private static final int CHECKSUM_AT = 448;
    private static final int CHECKSUM_BYTES = 64;

    /** Reads a header from a head of at least {@link #SIZE} bytes. */
    static Luks2Header read(byte[] h) {
      return new Luks2Header(
          U64.of(Bytes.u64be(h, 8)),
          U64.of(Bytes.u64be(h, 16)),
          Bytes.asciiz(h, 24, 48),
          Bytes.asciiz(h, 72, 32),
          // 104: the 64-byte salt, not read.
          Bytes.asciiz(h, 168, 40),
          Bytes.asciiz(h, 208, 48),
          U64.of(Bytes.u64be(h, 256)),
          HexFormat.of().formatHex(h, CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_BYTES));
    }

    /** Returns the binary header as the checksum covers it: its own checksum field zeroed. */
    static byte[] withoutChecksum(byte[] h) {
      byte[] binary = Arrays.copyOf(h, SIZE);
      Arrays.fill(binary, CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_BYTES, (byte) 0);
      return binary;
    }

    /** Returns true if the stored checksum starts with {@code digest}. */
    boolean checksumMatches(byte[] digest) {
      return checksum.startsWith(HexFormat.of().formatHex(digest));
    }
  }
}
