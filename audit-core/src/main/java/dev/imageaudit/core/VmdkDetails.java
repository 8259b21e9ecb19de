package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.Objects;

/**
 * What a VMware VMDK file says, as report.jsonl writes it: a v4 sparse extent's header ({@code
 * KDMV}) and embedded descriptor, a v3 sparse extent's header ({@code COWD}) and the descriptor keys
 * QEMU reads behind it, or a text descriptor's keys and extents. A field is {@code null} when the
 * file does not give it (another header type, a header cut short, a key not written). {@link
 * #fields()} gives the same keys, order and value types the {@code details} object has always had
 * for vmdk, nulls left out.
 *
 * <p>Two fields are written as their header type has always written them: a text descriptor's
 * {@code version=} value (here {@link #descriptorVersion}) under the key {@code version}, the key a
 * sparse extent uses for its header's version; and a {@code COWD} extent's capacity, a u32, as a
 * {@code Long}.
 *
 * @param headerType {@code KDMV} (v4 sparse extent), {@code COWD} (v3 sparse extent) or {@code
 *     descriptor} (a text descriptor file)
 * @param headerInFooter {@code true} when a stream-optimized extent's header at 0 defers to the
 *     copy in its footer (the fields below are the footer's), else {@code null}
 * @param descriptorCapped {@code true} when a descriptor file passes the audit's cap and only its
 *     whole lines within the cap were read, else {@code null}
 * @param version a sparse extent header's version (u32)
 * @param flags a sparse extent header's flags (u32)
 * @param capacitySectors the disk's size in 512-byte sectors (u64 for {@code KDMV}, u32 for {@code
 *     COWD})
 * @param clusterSize a sparse extent's grain size in bytes (its granularity x 512), or {@code null}
 *     when the granularity is invalid
 * @param grainTableEntries a {@code KDMV} extent's entries per grain table (u32)
 * @param compressed whether a {@code KDMV} extent's grains are deflate-compressed
 * @param zeroedGrain {@code true} when a {@code KDMV} extent's flags mark zeroed-grain entries, else
 *     {@code null}
 * @param embeddedDescriptor {@code blank} when a {@code KDMV} extent's embedded descriptor holds no
 *     key and no extent (the extent of a split disk), else {@code null}
 * @param descriptorVersion the descriptor's {@code version=} value as written
 * @param createType the descriptor's {@code createType=} value, unquoted
 * @param cid the descriptor's {@code CID=} value as written (hexadecimal)
 * @param parentCid the descriptor's {@code parentCID=} value as written; {@code ffffffff} means no
 *     parent
 * @param parentFileNameHint the parent disk the descriptor names, unquoted (never opened)
 * @param extents the descriptor's first extent lines, in file order (empty when it has none;
 *     {@code null} when no descriptor was parsed or a {@code COWD} extent's keys were)
 * @param invalidExtentLine the first line that starts like an extent line but does not parse
 * @param descriptorIsDisk {@code true} when a {@code KDMV} extent's capacity is 0, so QEMU takes its
 *     embedded descriptor as the disk, else {@code null}
 * @param allExtentsSize the size in bytes of every extent, when it differs from the disk's size
 *     QEMU computes (which leaves RDONLY, NOACCESS and ZERO extents out)
 */
public record VmdkDetails(
    String headerType,
    Boolean headerInFooter,
    Boolean descriptorCapped,
    Long version,
    Long flags,
    U64 capacitySectors,
    Long clusterSize,
    Long grainTableEntries,
    Boolean compressed,
    Boolean zeroedGrain,
    String embeddedDescriptor,
    String descriptorVersion,
    String createType,
    String cid,
    String parentCid,
    String parentFileNameHint,
    List<Extent> extents,
    String invalidExtentLine,
    Boolean descriptorIsDisk,
    U64 allExtentsSize)
    implements FormatDetails {

  /** The {@link #headerType} of a v4 sparse extent. */
  public static final String KDMV = "KDMV";

  /** The {@link #headerType} of a v3 sparse extent. */
  public static final String COWD = "COWD";

  /** The {@link #headerType} of a text descriptor file. */
  public static final String DESCRIPTOR = "descriptor";

  public VmdkDetails {
    Objects.requireNonNull(headerType, "headerType");
    extents = extents == null ? null : List.copyOf(extents);
  }

  /**
   * One extent line of a descriptor: a file (or zeros) making up part of the disk. The file is
   * named, never opened.
   *
   * @param access {@code RW}, {@code RDONLY} or {@code NOACCESS}
   * @param sectors its size in 512-byte sectors (u64)
   * @param type {@code FLAT}, {@code SPARSE}, {@code ZERO}, {@code VMFS}, {@code VMFSSPARSE}, {@code
   *     SESPARSE} or another word as written
   * @param file the file it names, or {@code null} (a {@code ZERO} extent)
   * @param offset where its data starts in a flat file, in 512-byte sectors (u64), or {@code null}
   */
  public record Extent(String access, U64 sectors, String type, String file, U64 offset) {
    public Extent {
      Objects.requireNonNull(access, "access");
      Objects.requireNonNull(sectors, "sectors");
      Objects.requireNonNull(type, "type");
    }

    /** Returns the extent as report.jsonl writes it, absent values left out. */
    public Map<String, Object> fields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("access", access);
      fields.put("sectors", sectors);
      fields.put("type", type);
      putIfPresent(fields, "file", file);
      putIfPresent(fields, "offset", offset);
      return fields;
    }
  }

  @Override
  public Map<String, Object> fields() {
    return DetailsFields.collect(this);
  }

  @Override
  public void forEachField(BiConsumer<String, Object> sink) {
    boolean descriptorFile = DESCRIPTOR.equals(headerType);
    sink.accept("headerType", headerType);
    DetailsFields.putIfPresent(sink, "headerInFooter", headerInFooter);
    DetailsFields.putIfPresent(sink, "descriptorCapped", descriptorCapped);
    DetailsFields.putIfPresent(sink, "version", descriptorFile ? descriptorVersion : version);
    DetailsFields.putIfPresent(sink, "flags", flags);
    if (capacitySectors != null) {
      sink.accept("capacitySectors", COWD.equals(headerType) ? (Object) capacitySectors.bits() : capacitySectors);
    }
    DetailsFields.putIfPresent(sink, "clusterSize", clusterSize);
    DetailsFields.putIfPresent(sink, "grainTableEntries", grainTableEntries);
    DetailsFields.putIfPresent(sink, "compressed", compressed);
    DetailsFields.putIfPresent(sink, "zeroedGrain", zeroedGrain);
    DetailsFields.putIfPresent(sink, "embeddedDescriptor", embeddedDescriptor);
    DetailsFields.putIfPresent(sink, "descriptorVersion", descriptorFile ? null : descriptorVersion);
    DetailsFields.putIfPresent(sink, "createType", createType);
    DetailsFields.putIfPresent(sink, "cid", cid);
    DetailsFields.putIfPresent(sink, "parentCid", parentCid);
    DetailsFields.putIfPresent(sink, "parentFileNameHint", parentFileNameHint);
    if (extents != null) {
      sink.accept("extents", extents.stream().map(Extent::fields).toList());
    }
    DetailsFields.putIfPresent(sink, "invalidExtentLine", invalidExtentLine);
    DetailsFields.putIfPresent(sink, "descriptorIsDisk", descriptorIsDisk);
    DetailsFields.putIfPresent(sink, "allExtentsSize", allExtentsSize);
  }

  private static void putIfPresent(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
