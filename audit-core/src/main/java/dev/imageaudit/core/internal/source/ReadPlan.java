package dev.imageaudit.core.internal.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The first-phase reads of one file, planned once for all detectors from what each declares
 * ({@code FormatDetector.reads()}) and the file's size: the head, fixed offsets and the tail,
 * merged where copying the gap between them costs less than a syscall, each range read with one {@code
 * pread} on first use. Reads a header points to are the second phase and go to the file itself.
 *
 * <p>Each range asks one byte past the file's end when it reaches it, as {@link BoundedSource}
 * does, so that a file that grew since its size was taken is still noticed. An empty file gets no
 * range; a file of unknown size (0) gets the head ranges only.
 *
 * @param ranges the reads, by offset, none overlapping
 */
public record ReadPlan(List<Range> ranges) {

  /**
   * Ranges at most this far apart are read as one. A {@code pread} of a cached file costs about
   * what copying 10 KiB does (0.43 us against 0.042 us a KiB, bench/RESULTS.md), so a wider gap
   * copies more than the syscall it saves: a 32 KiB gap, which read head and ISO descriptor as one
   * 34 KiB read, made a 1,000,000-file run 3 to 5% slower than this one.
   */
  static final int MERGE_GAP = 8 * 1024;

  /**
   * The longest single read of a plan, the I/O thread's native buffer: a file of 64 KiB whole and
   * the byte past its end. Longer merges are not made.
   */
  static final int MAX_RANGE = LinuxFiles.ReadBuffer.SIZE;

  /** The most bytes a plan holds, all ranges together: the I/O thread's reused plan buffer. */
  static final int CAPACITY = 2 * MAX_RANGE;

  /** No read at all: an empty file's plan. */
  static final ReadPlan NONE = new ReadPlan(List.of());

  /** The head every plan starts with. */
  private static final Range HEAD = new Range(0, Caps.HEAD);

  public ReadPlan {
    ranges = List.copyOf(ranges);
  }

  /** One byte range of a file: {@code length} bytes from {@code offset}. */
  public record Range(long offset, int length) {
    public Range {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("range " + offset + "+" + length);
      }
    }

    public long end() {
      return offset + length;
    }
  }

  /**
   * What one detector reads before it can say whether the file is of its format: the head (every
   * detector), ranges at fixed offsets, and whether it needs the last {@link Caps#TAIL} bytes.
   *
   * @param fixed ranges at fixed offsets past the head, kept in order of offset
   * @param tail whether the detector may match from the file's last bytes
   */
  public record Needs(List<Range> fixed, boolean tail) {
    /** The head only: what a detector with a magic at byte 0 reads first. */
    public static final Needs HEAD = new Needs(List.of(), false);

    /** The head and the tail. */
    public static final Needs HEAD_AND_TAIL = new Needs(List.of(), true);

    public Needs {
      // Sorted once here rather than for every file planned (a stable sort: ties keep their order).
      List<Range> byOffset = new ArrayList<>(fixed);
      byOffset.sort(Comparator.comparingLong(Range::offset));
      fixed = List.copyOf(byOffset);
    }
  }

  /**
   * Plans the reads of a file of {@code size} bytes (0: unknown) for detectors that together need
   * {@code needs}, with a head of {@link Caps#HEAD} bytes.
   */
  public static ReadPlan of(Needs needs, long size) {
    if (size < 0) {
      return NONE;
    }
    // Called once per file: arrays, no sort (the fixed ranges come sorted), one list at the end.
    List<Range> fixed = needs.fixed();
    Range[] wanted = new Range[fixed.size() + 2];
    int count = 0;
    wanted[count++] = HEAD;
    for (int i = 0; i < fixed.size(); i++) {
      Range range = fixed.get(i);
      if (size == 0 || range.offset() < size) {
        wanted[count++] = range;
      }
    }
    if (needs.tail() && size > Caps.HEAD) {
      int length = (int) Math.min(Caps.TAIL, size);
      Range tail = new Range(size - length, length);
      int at = count++;
      // Stops at the head at the latest: it starts at 0, the tail past it.
      while (wanted[at - 1].offset() > tail.offset()) {
        wanted[at] = wanted[at - 1];
        at--;
      }
      wanted[at] = tail;
    }
    int merged = 0;
    for (int i = 1; i < count; i++) {
      Range last = wanted[merged];
      Range next = wanted[i];
      long end = Math.max(last.end(), next.end());
      if (next.offset() - last.end() <= MERGE_GAP && end - last.offset() <= MAX_RANGE - 1) {
        wanted[merged] = new Range(last.offset(), (int) (end - last.offset()));
      } else {
        wanted[++merged] = next;
      }
    }
    Range[] planned = new Range[merged + 1];
    int kept = 0;
    int total = 0;
    for (int i = 0; i <= merged; i++) {
      Range range = wanted[i];
      // Past a known end nothing is read but the one byte that tells a grown file.
      long end = size == 0 ? range.end() : range.end() >= size ? size + 1 : range.end();
      int length = (int) (end - range.offset());
      if (length > MAX_RANGE || total + length > CAPACITY) {
        continue; // read on demand instead: a plan never outgrows its buffer
      }
      planned[kept++] = length == range.length() ? range : new Range(range.offset(), length);
      total += length;
    }
    return new ReadPlan(List.of(kept == planned.length ? planned : Arrays.copyOf(planned, kept)));
  }
}
