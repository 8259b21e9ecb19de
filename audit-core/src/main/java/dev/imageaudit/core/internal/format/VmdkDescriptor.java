package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmdkDetails.Extent;
import dev.imageaudit.core.internal.source.Caps;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  // ACCESS SECTORS TYPE ["FILE" [OFFSET]]; ZERO extents name no file.
  private static final Pattern EXTENT =
      Pattern.compile("(\\S+)[ \\t]+(\\S+)[ \\t]+(\\S+)(?:[ \\t]+\"([^\"]*)\"(?:[ \\t]+(\\S+))?)?[ \\t]*");

  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");

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
    BigInteger qemuSectors = BigInteger.ZERO;
    BigInteger allSectors = BigInteger.ZERO;
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
          allSectors = allSectors.add(extent.sectors().toBigInteger());
          if (countedByQemu(extent)) {
            qemuSectors = qemuSectors.add(extent.sectors().toBigInteger());
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
        extents.count(), qemuSectors, allSectors, namesFiles, invalid);
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

  private static Extent extent(String line) {
    Matcher m = EXTENT.matcher(line);
    if (!m.matches()) {
      return null;
    }
    U64 sectors = decimal(m.group(2));
    if (sectors == null) {
      return null;
    }
    String type = m.group(3);
    String file = m.group(4);
    U64 offset = null;
    if (m.group(5) != null) {
      offset = decimal(m.group(5));
      if (offset == null) {
        return null;
      }
    }
    // A flat extent must say where its data starts in the file; a ZERO extent has no file.
    if ((type.equals("FLAT") && offset == null) || (file == null && !type.equals("ZERO"))) {
      return null;
    }
    return new Extent(m.group(1), sectors, type, file, offset);
  }

  private static U64 decimal(String s) {
    if (!DECIMAL.matcher(s).matches()) {
      return null;
    }
    BigInteger value = new BigInteger(s);
    return value.compareTo(U64_MAX) > 0 ? null : U64.of(value.longValue());
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
