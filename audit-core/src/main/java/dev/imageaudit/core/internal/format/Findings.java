package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.Flag;
import dev.imageaudit.core.FormatDetails;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one builder of a detector's findings: the notes on its header ({@link ImageDetails#notes()})
 * and the flags they raise; the format's typed fields are given at the end ({@link #toDetection(
 * ImageFormat, U64, FormatDetails)}). The first failed check is kept in {@code
 * details.invalidHeader}, the first missing structure in {@code details.truncated}. Lists are bounded with {@link CappedList}; the text of all details is
 * bounded once per entry by {@link DetailsBudget}, after the detector, so a detector puts what it
 * reads as it reads it.
 *
 * <p>The prologue of a detector with a magic at byte 0 is {@link MagicDetector} and, for a fixed
 * header, {@link #headerShort} (the head ends inside it).
 */
final class Findings {
  private final Map<String, Object> notes = new LinkedHashMap<>();
  private final Set<Flag> flags = EnumSet.noneOf(Flag.class);

  /**
   * Adds a note on the image that is no field of its format (a raw disk's partition table, say),
   * after the notes so far.
   */
  Findings note(String key, Object value) {
    notes.put(key, value);
    return this;
  }

  /** Raises {@code invalid-header}, naming the failed check (the first one wins). */
  void invalid(String check) {
    flags.add(Flag.INVALID_HEADER);
    notes.putIfAbsent("invalidHeader", check);
  }

  /** Raises {@code truncated}, saying what the file ends before (the first one wins). */
  void truncated(String what) {
    flags.add(Flag.TRUNCATED);
    notes.putIfAbsent("truncated", what);
  }

  /**
   * Raises {@code truncated} with {@code details.headerTruncated: true}, the form of the formats
   * whose header has no fixed size to name (qcow, Android sparse, zstd).
   */
  void headerTruncated() {
    flags.add(Flag.TRUNCATED);
    notes.put("headerTruncated", true);
  }

  /**
   * Returns true, after raising {@code truncated} ("header ends at byte N of SIZE"), when {@code
   * head} is shorter than the format's fixed header of {@code headerSize} bytes.
   */
  boolean headerShort(byte[] head, int headerSize) {
    if (head.length >= headerSize) {
      return false;
    }
    headerEndsAt(head, "of " + headerSize);
    return true;
  }

  /** Raises {@code truncated}: "header ends at byte N", then {@code where} (what it ends before). */
  void headerEndsAt(byte[] head, String where) {
    truncated("header ends at byte " + head.length + " " + where);
  }

  void flag(Flag flag) {
    flags.add(flag);
  }

  /** Returns the notes so far (live, in the order found): where cut lists note their full counts. */
  Map<String, Object> notes() {
    return notes;
  }

  /** Returns the flags so far (live). */
  Set<Flag> flags() {
    return flags;
  }

  /**
   * Returns what was found, as the detection of {@code format} sized {@code virtualSize} (or
   * unknown: null) whose header says {@code header}.
   */
  Detection toDetection(ImageFormat format, U64 virtualSize, FormatDetails header) {
    return new Detection(format, virtualSize, new ImageDetails(header, notes), flags);
  }
}
