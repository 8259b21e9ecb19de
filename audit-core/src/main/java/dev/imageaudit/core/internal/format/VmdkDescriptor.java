package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmdkDetails.Extent;
import dev.imageaudit.core.internal.source.Caps;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A VMDK text descriptor, parsed from bytes already read: its header keys and its extent lines. The
 * files the extents name are reported, never opened.
 *
 * @param version the {@code version=} value, or {@code null}
 * @param cid the {@code CID=} value as written (hexadecimal), or {@code null}
 * @param parentCid the {@code parentCID=} value as written, or {@code null}
 * @param createType the {@code createType=} value, unquoted, or {@code null}
 * @param parentFileNameHint the {@code parentFileNameHint=} value, unquoted, or {@code null}
 * @param extents the first {@link Caps#VMDK_EXTENTS} extent lines, in file order
 * @param extentCount how many extent lines parse, kept or not
 * @param qemuSectors the disk size QEMU computes, in sectors: the sum over every RW extent of the
 *     types it opens
 * @param allSectors the sum of every extent's sectors, as VMware sizes the disk
 * @param namesFiles true if any extent names a file
 * @param invalidExtentLine the first line that starts like an extent line but does not parse, or
 *     {@code null}
 */
record VmdkDescriptor(
    String version,
    String cid,
    String parentCid,
    String createType,
    String parentFileNameHint,
    List<Extent> extents,
    long extentCount,
    BigInteger qemuSectors,
    BigInteger allSectors,
    boolean namesFiles,
    String invalidExtentLine) {

  /** The parentCID value that means "no parent". */
  static final String NO_PARENT_CID = "ffffffff";

  /** Extent types QEMU opens and counts in the disk size (it skips every other type). */
  private static final Set<String> QEMU_DATA_TYPES = Set.of("FLAT", "SPARSE", "VMFS", "VMFSSPARSE", "SESPARSE");

  private static final Set<String> ACCESS = Set.of("RW", "RDONLY", "NOACCESS");

  /** The line up to its first space or tab: what {@code split("[ \\t]", 2)[0]} gives, without a regex per line. */
  private static String firstWord(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** The largest u64, in decimal: a 20-digit number is in range when it sorts no later than this. */
  private static final String U64_MAX_DECIMAL = "18446744073709551615";

  private static final int MAX_REPORTED_LINE = 200;

  /** Returns true if QEMU opens {@code extent} and counts it in the disk size. */
  static boolean countedByQemu(Extent extent) {
    return extent.access().equals("RW") && QEMU_DATA_TYPES.contains(extent.type()) && extent.file() != null
        && extent.sectors().bits() != 0;
  }

  /** Returns true if no key and no extent was found (an embedded descriptor area left blank). */
  boolean isEmpty() {
    return version == null && cid == null && parentCid == null && createType == null
        && parentFileNameHint == null && extentCount == 0 && invalidExtentLine == null;
  }

  /**
   * Returns true if the descriptor names a parent disk: a {@code parentFileNameHint}, a parent CID
   * other than ffffffff, or a create type that is a delta (redo log) of another disk.
   */
  boolean namesParent() {
    return parentFileNameHint != null
        || (parentCid != null && !parentCid.equalsIgnoreCase(NO_PARENT_CID))
        || (createType != null && createType.contains("Delta"));
  }

  /** Returns true if {@code sectors} x 512 fits in a u64. */
  static boolean fitsInBytes(BigInteger sectors) {
    return sectors.shiftLeft(9).compareTo(U64_MAX) <= 0;
  }

  /**
   * Parses descriptor text: {@code bytes[from, from + length)}, up to its first NUL (an embedded
   * descriptor is padded with zeros), decoded as UTF-8, line by line. Every extent line is summed;
   * the first {@link Caps#VMDK_EXTENTS} are kept.
   */
  static VmdkDescriptor parse(byte[] bytes, int from, int length) {
    int end = textEnd(bytes, from, length);
    String text = new String(bytes, from, end - from, StandardCharsets.UTF_8);
    String version = null;
    String cid = null;
    String parentCid = null;
    String createType = null;
    String parentHint = null;
    String invalid = null;
    CappedList<Extent> extents = new CappedList<>(Caps.VMDK_EXTENTS);
    // The sums in plain unsigned long arithmetic, counting the wraps past 2^64: exact, with no
    // BigInteger per extent line.
    long qemuSectors = 0;
    long qemuWraps = 0;
    long allSectors = 0;
    long allWraps = 0;
    boolean namesFiles = false;
    for (int start = 0, next; start <= text.length(); start = next + 1) {
      next = text.indexOf('\n', start);
      if (next < 0) {
        next = text.length();
      }
      String line = text.substring(start, next).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String first = firstWord(line);
      if (ACCESS.contains(first)) {
        Extent extent = extent(line);
        if (extent != null) {
          extents.add(extent);
          long sectors = extent.sectors().bits();
          allSectors += sectors;
          allWraps += Long.compareUnsigned(allSectors, sectors) < 0 ? 1 : 0;
          if (countedByQemu(extent)) {
            qemuSectors += sectors;
            qemuWraps += Long.compareUnsigned(qemuSectors, sectors) < 0 ? 1 : 0;
          }
          namesFiles |= extent.file() != null;
        } else if (invalid == null) {
          invalid = line.length() > MAX_REPORTED_LINE ? line.substring(0, MAX_REPORTED_LINE) : line;
        }
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = unquote(line.substring(eq + 1).strip());
      // The first occurrence of a key counts, as QEMU's search for it finds the first.
      switch (key) {
        case "version" -> version = version == null ? value : version;
        case "CID" -> cid = cid == null ? value : cid;
        case "parentCID" -> parentCid = parentCid == null ? value : parentCid;
        case "createType" -> createType = createType == null ? value : createType;
        case "parentFileNameHint" -> parentHint = parentHint == null ? value : parentHint;
        default -> {
          // ddb.* and other keys carry nothing this audit reports.
        }
      }
    }
    return new VmdkDescriptor(version, cid, parentCid, createType, parentHint, List.copyOf(extents.kept()),
        extents.count(), sum(qemuSectors, qemuWraps), sum(allSectors, allWraps), namesFiles, invalid);
  }

  /** Returns {@code wraps} x 2^64 + {@code low} (unsigned). */
  private static BigInteger sum(long low, long wraps) {
    BigInteger value = U64.of(low).toBigInteger();
    return wraps == 0 ? value : value.add(BigInteger.valueOf(wraps).shiftLeft(64));
  }

  /**
   * Returns where descriptor text in {@code bytes[from, from + length)} ends: at its first NUL (the
   * rest of an embedded descriptor's area is zeros), or at {@code from + length} without one.
   */
  static int textEnd(byte[] bytes, int from, int length) {
    int end = from;
    while (end < from + length && bytes[end] != 0) {
      end++;
    }
    return end;
  }

  /**
   * Parses an extent line, {@code ACCESS SECTORS TYPE ["FILE" [OFFSET]]}, or returns null when it
   * does not parse: words are runs of anything but whitespace (space, tab, CR, LF, VT, FF),
   * separated by spaces and tabs; the file name is everything between two double quotes; SECTORS
   * and OFFSET are 1 to 20 ASCII digits within a u64. A FLAT extent must give its offset, and only
   * a ZERO extent may name no file. Scanned by hand, not by a regular expression: on a store of
   * small files the expression's matcher was a third of the time spent on VMDK descriptors.
   */
  static Extent extent(String line) {
    int n = line.length();
    int accessEnd = word(line, 0);
    int sectorsStart = blanks(line, accessEnd);
    int sectorsEnd = word(line, sectorsStart);
    int typeStart = blanks(line, sectorsEnd);
    int typeEnd = word(line, typeStart);
    if (accessEnd == 0 || sectorsStart == accessEnd || sectorsEnd == sectorsStart || typeStart == sectorsEnd
        || typeEnd == typeStart) {
      return null;
    }
    U64 sectors = decimal(line, sectorsStart, sectorsEnd);
    if (sectors == null) {
      return null;
    }
    String type = line.substring(typeStart, typeEnd);
    String file = null;
    U64 offset = null;
    int at = blanks(line, typeEnd);
    if (at < n) {
      // More than trailing blanks: blanks, then the quoted file name.
      int close = line.indexOf('"', at + 1);
      if (at == typeEnd || line.charAt(at) != '"' || close < 0) {
        return null;
      }
      file = line.substring(at + 1, close);
      int offsetStart = blanks(line, close + 1);
      if (offsetStart < n) {
        int offsetEnd = word(line, offsetStart);
        if (offsetStart == close + 1 || offsetEnd == offsetStart || blanks(line, offsetEnd) < n) {
          return null;
        }
        offset = decimal(line, offsetStart, offsetEnd);
        if (offset == null) {
          return null;
        }
      }
    }
    // A flat extent must say where its data starts in the file; a ZERO extent has no file.
    if ((type.equals("FLAT") && offset == null) || (file == null && !type.equals("ZERO"))) {
      return null;
    }
    return new Extent(line.substring(0, accessEnd), sectors, type, file, offset);
  }

  /** Returns where the run of non-whitespace characters starting at {@code from} ends. */
  private static int word(String line, int from) {
    int at = from;
    while (at < line.length() && !isWhitespace(line.charAt(at))) {
      at++;
    }
    return at;
  }

  /** Returns where the run of spaces and tabs starting at {@code from} ends. */
  private static int blanks(String line, int from) {
    int at = from;
    while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
      at++;
    }
    return at;
  }

  /** The whitespace that ends a word: space, tab, LF, VT, FF and CR (no other Unicode space). */
  private static boolean isWhitespace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  /** Returns {@code line[from, to)} as a u64 when it is 1 to 20 ASCII digits within range, else null. */
  private static U64 decimal(String line, int from, int to) {
    int digits = to - from;
    if (digits < 1 || digits > U64_MAX_DECIMAL.length()) {
      return null;
    }
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    if (digits == U64_MAX_DECIMAL.length() && line.substring(from, to).compareTo(U64_MAX_DECIMAL) > 0) {
      return null;
    }
    // In range, so the unsigned parse cannot overflow.
    return U64.of(Long.parseUnsignedLong(line, from, to, 10));
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
