package dev.imageaudit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.Objects;

/**
 * What a Virtual PC / Hyper-V VHD's footer and, for dynamic and differencing disks, its dynamic
 * disk header say (QEMU's {@code vpc}), as report.json has always written them under {@code
 * details}: {@link #fields()} leaves out the fields that are {@code null}.
 *
 * <p>The footer's fields are always there. The dynamic header's ({@code blockSize}, {@code
 * maxTableEntries}) are {@code null} for a fixed disk and for a dynamic header that could not be
 * read; the parent's are given only for a differencing disk, and only those its header holds.
 *
 * @param diskType {@code fixed}, {@code dynamic}, {@code differencing} or {@code unknown(N)}
 * @param creatorApp the creator application's four characters ({@code qemu}, {@code vpc }, {@code
 *     win }...), bytes outside printable ASCII written {@code \xNN}
 * @param creatorVersion the creator's version, {@code major.minor}
 * @param creatorOs the creator's host OS, four characters written as {@code creatorApp}
 * @param cylinders the CHS geometry's cylinders (u16)
 * @param heads the CHS geometry's heads (u8)
 * @param sectorsPerTrack the CHS geometry's sectors per track (u8)
 * @param currentSize the disk's current size in bytes (u64)
 * @param originalSize the disk's size in bytes when it was created (u64)
 * @param footerOnlyAtEnd {@code true} when the image was named by the footer at its end alone (a
 *     fixed disk), else {@code null}
 * @param sizeFrom where the virtual size comes from, as QEMU decides: {@code chs} (cylinders x heads
 *     x sectors per track x 512) or {@code currentSize}
 * @param blockSize the dynamic disk's block size in bytes (u32)
 * @param maxTableEntries the entries of the block allocation table (u32)
 * @param parentName the parent's name (UTF-16), when not empty
 * @param parentUuid the parent's UUID, 32 hex digits as stored, when not all zeros
 * @param parentLocators the parent locator entries in use, in header order, when there is one
 */
public record VhdDetails(
    String diskType,
    String creatorApp,
    String creatorVersion,
    String creatorOs,
    int cylinders,
    int heads,
    int sectorsPerTrack,
    U64 currentSize,
    U64 originalSize,
    Boolean footerOnlyAtEnd,
    String sizeFrom,
    Long blockSize,
    Long maxTableEntries,
    String parentName,
    String parentUuid,
    List<ParentLocator> parentLocators)
    implements FormatDetails {

  public VhdDetails {
    Objects.requireNonNull(currentSize, "currentSize");
    Objects.requireNonNull(originalSize, "originalSize");
    parentLocators = parentLocators == null ? null : List.copyOf(parentLocators);
  }

  @Override
  public Map<String, Object> fields() {
    return DetailsFields.collect(this);
  }

  @Override
  public void forEachField(BiConsumer<String, Object> sink) {
    sink.accept("diskType", diskType);
    sink.accept("creatorApp", creatorApp);
    sink.accept("creatorVersion", creatorVersion);
    sink.accept("creatorOs", creatorOs);
    sink.accept("cylinders", cylinders);
    sink.accept("heads", heads);
    sink.accept("sectorsPerTrack", sectorsPerTrack);
    sink.accept("currentSize", currentSize);
    sink.accept("originalSize", originalSize);
    DetailsFields.putIfPresent(sink, "footerOnlyAtEnd", footerOnlyAtEnd);
    sink.accept("sizeFrom", sizeFrom);
    DetailsFields.putIfPresent(sink, "blockSize", blockSize);
    DetailsFields.putIfPresent(sink, "maxTableEntries", maxTableEntries);
    DetailsFields.putIfPresent(sink, "parentName", parentName);
    DetailsFields.putIfPresent(sink, "parentUuid", parentUuid);
    if (parentLocators != null) {
      sink.accept("parentLocators", parentLocators.stream().map(ParentLocator::fields).toList());
    }
  }

  /**
   * One parent locator entry of a differencing disk's dynamic header: where the platform-specific
   * reference to the parent lies. Never opened: the audit only names it.
   *
   * @param platform the platform code's four characters ({@code W2ku}, {@code W2ru}, {@code MacX},
   *     ...), written as {@link VhdDetails#creatorApp}
   * @param dataLength the locator's data length in bytes (u32)
   * @param dataOffset the locator's data offset in bytes from the start of the file (u64)
   * @param path the parent's path the data holds, for the platforms that store text ({@code W2ru},
   *     {@code W2ku}: UTF-16LE; {@code MacX}: UTF-8) and data of at most the locator cap inside the
   *     file; else {@code null}
   */
  public record ParentLocator(String platform, long dataLength, U64 dataOffset, String path) {

    /** Returns the entry as report.json writes it: {@code path} left out when {@code null}. */
    public Map<String, Object> fields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("platform", platform);
      fields.put("dataLength", dataLength);
      fields.put("dataOffset", dataOffset);
      DetailsFields.putIfPresent(fields, "path", path);
      return fields;
    }
  }
}
