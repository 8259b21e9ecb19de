package dev.imageaudit.core.internal.source;


/**
 * Every cap of the audit, in one place: how much of one file is read, how many items of a list a
 * header can make arbitrarily long are kept, and how much text an entry keeps. A hostile header
 * must not make the audit slow or hungry, nor its report large: whatever a file claims, reading it
 * costs at most {@link #PER_FILE} bytes, and its report entry at most the bound the README states
 * (tested by the worst case of every format under these caps).
 *
 * <p>Read caps are bytes. Past a read cap the detector says so in its details (for example {@code
 * details.headerExtensionWalk}). Past a list cap the list keeps its first items, the full count is
 * in {@code details.<list>Count} and the list's name in {@code details.truncatedLists} ({@code
 * format.CappedList}). Text is capped by {@code format.DetailsBudget}.
 */
public final class Caps {

  // ---- Reads every file costs.

  /** Bytes read from the start of every file in one positional read (covers every header here). */
  public static final int HEAD = 4096;

  /** Bytes read from the end of a file, once, for formats that keep a footer there. */
  public static final int TAIL = 4096;

  /**
   * Most bytes read from any one file, all reads together: a hard ceiling above the sum of any one
   * format's caps, so a defect in a detector cannot turn into an unbounded read. A source refuses a
   * read past it ({@link ImageSource}).
   */
  public static final long PER_FILE = 4 << 20;

  // ---- Reads of one format past the head and tail.

  /** qcow2 header extensions read past the head: QEMU keeps them in the first cluster (at most 2 MiB); its own take under 1 KiB. */
  public static final int QCOW_EXTENSION_AREA = 64 << 10;

  /** Most bytes of a qcow/qcow2 backing file name read (qcow2 and QEMU's qcow limit it to 1023). */
  public static final int BACKING_FILE_NAME = 1023;

  /** Most bytes of a QED backing file name read: QEMU reads it into 4096 bytes with its NUL, so it takes no longer name. */
  public static final int QED_BACKING_FILE_NAME = 4095;

  /**
   * Most bytes of VMDK descriptor text read, a descriptor file's or one embedded in a sparse
   * extent: 1 MiB, about what QEMU itself reads of a descriptor (1 MiB - 1).
   */
  public static final int VMDK_DESCRIPTOR = 1 << 20;

  /** Most bytes of one VHD parent locator's data read (a parent path of 512 UTF-16 characters). */
  public static final int VPC_PARENT_LOCATOR = 1024;

  /** Most bytes of the VHDX metadata table read: 64 KiB, the table's size in the specification and what QEMU reads. */
  public static final int VHDX_METADATA_TABLE = 64 * 1024;

  /**
   * Most bytes read from the VHDX metadata region, table and items together, and the farthest into
   * the region an item may lie: 1 MiB, the region's size in files Hyper-V and QEMU write.
   */
  public static final int VHDX_METADATA = 1 << 20;

  /**
   * Most Android sparse chunk headers walked, per walk (libsparse's and crosvm's): each is a 12-byte
   * read, so 2 x 65536 x 12 = 1.5 MiB at most. Real images hold far fewer chunks.
   */
  public static final int SPARSE_CHUNKS = 65536;

  /** Most bytes of a crosvm composite disk's protobuf read (its component list). */
  public static final int COMPOSITE_DESCRIPTOR = 1 << 20;

  /** Most bytes of a zstd seek table read: 131072 entries, disks of 16 GiB and more in usual frames. */
  public static final int ZSTD_SEEK_TABLE = 1 << 20;

  /** Most skippable frames stepped over at the start of a zstd file to reach its first frame. */
  public static final int ZSTD_SKIPPABLE_FRAMES = 16;

  /**
   * Most bytes of LUKS2 JSON metadata read: a JSON area of up to 64 KiB whole (cryptsetup writes 16
   * KiB); a larger area is read to this cap and its checksum left unchecked.
   */
  public static final int LUKS2_JSON = 64 * 1024 - 4096;

  /** Deepest LUKS2 JSON nesting read: deeper than any real metadata (four levels), shallow enough for any stack. */
  public static final int LUKS2_JSON_DEPTH = 64;

  /**
   * Most bytes of GPT partition entries read: 128 entries of 128 bytes, the standard array and the
   * most crosvm writes. A larger array is read to this cap only, and its CRC is then left unchecked.
   */
  public static final int GPT_ENTRIES = 128 * 128;

  // ---- Items kept and written per entry. Each list a file can make long keeps this many.

  /** VMDK descriptor extents kept in {@code details.extents} (a 2 TiB disk of 2 GiB extents has 1024; all are summed). */
  public static final int VMDK_EXTENTS = 64;

  /** qcow2 header extensions kept in {@code details.headerExtensions} (QEMU writes at most six kinds). */
  public static final int QCOW_EXTENSIONS = 32;

  /** Composite disk components kept in {@code details.components} (AVF writes one per partition, plus padding; all are checked). */
  public static final int COMPOSITE_COMPONENTS = 64;

  /** LUKS2 data segments kept in {@code details.segments} (a volume has one; re-encryption uses two or three). */
  public static final int LUKS_SEGMENTS = 8;

  /** VHDX parent locator entries kept (the specification defines five keys). */
  public static final int VHDX_LOCATOR_ENTRIES = 16;

  /** Characters of a VHDX parent locator key kept (the specification's keys are under 20). */
  public static final int VHDX_LOCATOR_KEY = 64;

  // ---- Text kept and written per entry.

  /**
   * Most characters of any one string of an entry's details or verdict reasons: room for any qcow2
   * backing file name (1023 bytes). A longer string keeps its first characters and ends in U+2026.
   */
  public static final int TEXT = 1024;

  /**
   * Most bytes all the strings of one entry's details take in JSON, escapes included (a control
   * character takes six): 16 KiB, room for a full GPT's 128 partitions with their names and GUIDs.
   */
  public static final int DETAILS_TEXT = 16 * 1024;

  private Caps() {}

  /** Throws if reading {@code length} more bytes after {@code alreadyRead} would pass {@code cap}. */
  static void check(long alreadyRead, int length, long cap) {
    if (length < 0 || alreadyRead + length > cap) {
      throw new IllegalStateException(
          "read of " + length + " bytes would pass the cap of " + cap + " (already read " + alreadyRead + ")");
    }
  }
}
