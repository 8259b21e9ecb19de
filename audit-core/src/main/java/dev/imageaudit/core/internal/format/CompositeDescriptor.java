package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.CompositeDetails.Component;
import dev.imageaudit.core.CompositeDetails;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.Caps;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The protobuf body of a crosvm composite disk ({@code cdisk_spec.proto}), decoded by hand: the
 * message has five scalar fields, too few to earn a protobuf runtime.
 *
 * @param version field 1
 * @param components field 2, in file order: the first {@link Caps#COMPOSITE_COMPONENTS}, as the
 *     details give them
 * @param componentCount how many components there are, kept or not
 * @param length field 3, the disk's size
 * @param offsetsSorted true if every component's offset is at least the one before it
 * @param lastOffset the largest component offset, or {@code null} without components
 * @param duplicateOffset the smallest offset two components share, or {@code null} if none do
 */
record CompositeDescriptor(
    U64 version,
    List<Component> components,
    long componentCount,
    U64 length,
    boolean offsetsSorted,
    U64 lastOffset,
    U64 duplicateOffset) {

  /**
   * Returns the descriptor's own rules over all its components, each true when it holds: version
   * at most 2 (crosvm reads no later one), components present, offsets in ascending order as
   * virtmgr writes them (crosvm sorts them itself), no two components at one offset, and a length
   * past the last component's offset.
   */
  CompositeDetails.Rules rules() {
    return new CompositeDetails.Rules(
        version.compareTo(U64.of(2)) <= 0,
        componentCount > 0,
        offsetsSorted,
        duplicateOffset == null,
        lastOffset != null && length.compareTo(lastOffset) > 0);
  }

  /** The bytes are not a well-formed {@code CompositeDisk}. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  /**
   * Parses the message. Every component is read and checked, only the first {@link
   * Caps#COMPOSITE_COMPONENTS} are kept; their offsets are kept as plain longs for the checks
   * (at most 8 bytes for each 2 bytes of a descriptor under its cap).
   */
  static CompositeDescriptor parse(byte[] bytes) throws MalformedException {
    Reader in = new Reader(bytes, 0, bytes.length);
    long version = 0;
    long length = 0;
    CappedList<Component> components = new CappedList<>(Caps.COMPOSITE_COMPONENTS);
    long[] offsets = new long[16];
    int count = 0;
    boolean sorted = true;
    while (in.hasMore()) {
      long key = in.varint();
      int field = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      if (field == 1 && wireType == VARINT) {
        version = in.varint();
      } else if (field == 2 && wireType == LENGTH_DELIMITED) {
        Component component = component(in.sub(), components.hasRoom());
        components.add(component);
        if (count == offsets.length) {
          offsets = Arrays.copyOf(offsets, count * 2);
        }
        long offset = component.offset().bits();
        sorted &= count == 0 || Long.compareUnsigned(offset, offsets[count - 1]) >= 0;
        offsets[count++] = offset;
      } else if (field == 3 && wireType == VARINT) {
        length = in.varint();
      } else {
        in.skip(wireType);
      }
    }
    // crosvm sorts the components by offset and refuses two at one offset.
    long[] byOffset = Arrays.copyOf(offsets, count);
    for (int i = 0; i < count; i++) {
      byOffset[i] ^= Long.MIN_VALUE; // unsigned order as signed order
    }
    Arrays.sort(byOffset);
    U64 duplicate = null;
    for (int i = 1; i < count && duplicate == null; i++) {
      if (byOffset[i] == byOffset[i - 1]) {
        duplicate = U64.of(byOffset[i] ^ Long.MIN_VALUE);
      }
    }
    U64 last = count == 0 ? null : U64.of(byOffset[count - 1] ^ Long.MIN_VALUE);
    return new CompositeDescriptor(U64.of(version), List.copyOf(components.kept()), components.count(),
        U64.of(length), sorted, last, duplicate);
  }

  /** Reads one component; its path is decoded only when {@code keepPath} (it is kept). */
  private static Component component(Reader in, boolean keepPath) throws MalformedException {
    String path = "";
    long offset = 0;
    long readWrite = 0;
    long fileOffset = 0;
    while (in.hasMore()) {
      long key = in.varint();
      int field = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      if (field == 1 && wireType == LENGTH_DELIMITED) {
        Reader s = in.sub();
        path = keepPath ? new String(s.bytes, s.pos, s.end - s.pos, StandardCharsets.UTF_8) : "";
      } else if (field == 2 && wireType == VARINT) {
        offset = in.varint();
      } else if (field == 3 && wireType == VARINT) {
        readWrite = in.varint();
      } else if (field == 4 && wireType == VARINT) {
        fileOffset = in.varint();
      } else {
        in.skip(wireType);
      }
    }
    return new Component(path, U64.of(offset), readWrite == 1, U64.of(fileOffset));
  }

  /** A cursor over bytes [pos, end). */
  private static final class Reader {
    final byte[] bytes;
    int pos;
    final int end;

    Reader(byte[] bytes, int pos, int end) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    long varint() throws MalformedException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new MalformedException("truncated varint at byte " + pos);
        }
        byte b = bytes[pos++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new MalformedException("varint longer than 10 bytes at byte " + pos);
    }

    Reader sub() throws MalformedException {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw new MalformedException("length " + Long.toUnsignedString(length) + " passes the end at byte " + pos);
      }
      Reader sub = new Reader(bytes, pos, pos + (int) length);
      pos += (int) length;
      return sub;
    }

    void skip(int wireType) throws MalformedException {
      switch (wireType) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case LENGTH_DELIMITED -> sub();
        case FIXED32 -> advance(4);
        default -> throw new MalformedException("unknown wire type " + wireType + " at byte " + pos);
      }
    }

    private void advance(int n) throws MalformedException {
      if (end - pos < n) {
        throw new MalformedException("truncated field at byte " + pos);
      }
      pos += n;
    }
  }
}
