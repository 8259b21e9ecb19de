package dev.imageaudit.core.internal;

import dev.imageaudit.core.U64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf body of a crosvm composite disk ({@code cdisk_spec.proto}), decoded by hand: the
 * message has five scalar fields, too few to earn a protobuf runtime.
 *
 * @param version field 1
 * @param components field 2, in file order
 * @param length field 3, the disk's size
 */
record CompositeDescriptor(U64 version, List<Component> components, U64 length) {

  /**
   * One {@code ComponentDisk}.
   *
   * @param path field 1, the component's file (never opened)
   * @param offset field 2, where it starts in the disk
   * @param readWrite field 3 is READ_WRITE (1)
   * @param fileOffset field 4, where its data starts in its file
   */
  record Component(String path, U64 offset, boolean readWrite, U64 fileOffset) {}

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

  static CompositeDescriptor parse(byte[] bytes) throws MalformedException {
    Reader in = new Reader(bytes, 0, bytes.length);
    long version = 0;
    long length = 0;
    List<Component> components = new ArrayList<>();
    while (in.hasMore()) {
      long key = in.varint();
      int field = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      if (field == 1 && wireType == VARINT) {
        version = in.varint();
      } else if (field == 2 && wireType == LENGTH_DELIMITED) {
        components.add(component(in.sub()));
      } else if (field == 3 && wireType == VARINT) {
        length = in.varint();
      } else {
        in.skip(wireType);
      }
    }
    return new CompositeDescriptor(U64.of(version), List.copyOf(components), U64.of(length));
  }

  private static Component component(Reader in) throws MalformedException {
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
        path = new String(s.bytes, s.pos, s.end - s.pos, StandardCharsets.UTF_8);
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
