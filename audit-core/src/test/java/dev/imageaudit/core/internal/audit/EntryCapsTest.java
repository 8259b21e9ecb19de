package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.avf.CrosvmDiskRulesTest;
import dev.imageaudit.core.internal.format.CappedList;
import dev.imageaudit.core.internal.format.DetailsBudget;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What one entry keeps is bounded whatever its file says: each list a file can make long keeps its
 * cap with the full count and a {@code truncatedLists} note, each string and all of them together
 * are within the text caps, and the heap the entry keeps stays under {@link #HEAP_BOUND} for the
 * worst case of every format (the JSON it writes is checked by the report module).
 */
public class EntryCapsTest {

  /** The most heap one entry keeps, by {@link RetainedSize}'s over-count (README, Safety). */
  static final long HEAP_BOUND = 128 * 1024;

  /** The longest list any format keeps: a GPT's 128 partitions. */
  private static final int LONGEST_LIST = Caps.GPT_ENTRIES / 128;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.imageaudit.core.internal.audit.WorstCases#arguments")
  void theWorstCaseOfEveryFormatKeepsBoundedListsTextAndHeap(String name, byte[] image) throws IOException {
    AuditEntry.Image entry = judge(image);
    assertWithinCaps(entry, name);
  }

  /** Asserts what every entry must hold to: list lengths, string lengths, the text budget, the heap bound. */
  public static void assertWithinCaps(AuditEntry.Image entry, String what) {
    List<String> strings = new ArrayList<>();
    List<Integer> listSizes = new ArrayList<>();
    collect(entry.details().toMap(), strings, listSizes);
    assertThat(listSizes).as(what).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(LONGEST_LIST));
    assertThat(strings).as(what).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(Caps.TEXT));
    int textBytes = strings.stream().mapToInt(DetailsBudget::jsonBytes).sum();
    // A string the budget has emptied still costs its two quotes.
    assertThat(textBytes).as(what).isLessThanOrEqualTo(Caps.DETAILS_TEXT + 2 * strings.size());
    for (Verdict verdict : List.of(entry.partition(), entry.disk())) {
      if (verdict.reason() != null) {
        assertThat(verdict.reason().length()).as(what).isLessThanOrEqualTo(Caps.TEXT);
      }
    }
    assertThat(RetainedSize.of(entry)).as(what).isLessThanOrEqualTo(HEAP_BOUND);
  }

  @Test
  void issue10sVmdkOf50000ExtentLinesKeepsItsCapAndCountsTheRest() throws IOException {
    byte[] descriptor = WorstCases.vmdkExtentFlood();
    AuditEntry.Image entry = judge(descriptor);
    assertThat(entry.format()).isEqualTo(ImageFormat.VMDK);
    // Every whole extent line in the 1 MiB read: the qemu-img one, then the flood's.
    long lines = new String(descriptor, 0, Caps.VMDK_DESCRIPTOR, java.nio.charset.StandardCharsets.US_ASCII)
        .lines().filter(l -> l.startsWith("RW ")).count() - 1;
    assertThat(entry.details().toMap().get("extents")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(Caps.VMDK_EXTENTS);
    assertThat(entry.details().toMap()).containsEntry("extentsCount", lines).containsEntry("descriptorCapped", true)
        .containsEntry(CappedList.TRUNCATED_LISTS, List.of("extents"))
        .containsEntry("invalidHeader", "extentSectors").doesNotContainKey("invalidExtentLine");
    assertThat(entry.flags()).contains(Flag.EXTERNAL_EXTENT, Flag.INVALID_HEADER);
    assertThat(RetainedSize.of(entry)).isLessThan(48 * 1024);
  }

  @Test
  void issue10sQcow2Of8192EmptyExtensionsKeepsItsCapAndCountsTheRest() throws IOException {
    AuditEntry.Image entry = judge(WorstCases.qcow2ExtensionFlood());
    assertThat(entry.details().toMap().get("headerExtensions")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(Caps.QCOW_EXTENSIONS).first().isEqualTo("0x00001000");
    assertThat(entry.details().toMap()).containsEntry("headerExtensionsCount", (long) (65536 - 112) / 8)
        .containsEntry(CappedList.TRUNCATED_LISTS, List.of("headerExtensions"));
    assertThat(entry.flags()).containsExactly(Flag.UNSUPPORTED_PARTITION_IMAGE);
    // The extensions past the head are read at once: head, one read to the cap, tail.
    assertThat(entry.bytesRead()).isLessThanOrEqualTo(Caps.HEAD + 65536 + Caps.TAIL);
    assertThat(RetainedSize.of(entry)).isLessThan(16 * 1024);
  }

  @Test
  void aCompositeDiskKeepsItsFirstComponentsAndChecksThemAll() throws IOException {
    AuditEntry.Image entry = judge(WorstCases.images().get("composite"));
    assertThat(entry.details().toMap().get("components")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(Caps.COMPOSITE_COMPONENTS);
    assertThat(entry.details().toMap()).containsEntry("componentsCount", 1000L).containsEntry("lastOffset", U64.of(-1L))
        .doesNotContainKey("duplicateOffset");
    assertThat(entry.details().toMap().get("rules")).isEqualTo(Map.of("versionAtMostTwo", false, "hasComponents", true,
        "offsetsSorted", false, "offsetsUnique", true, "lengthPastLastOffset", false));
    assertThat(entry.disk().reason()).isEqualTo("composite: version 18446744073709551615, crosvm reads versions up to 2");

    byte[] twoAtOne = CrosvmDiskRulesTest.composite(1, 1 << 20, new long[] {0, 4096, 8192, 4096});
    assertThat(judge(twoAtOne).disk()).isEqualTo(Verdict.rejected("composite: two component disks at offset 4096"));
  }

  @Test
  void luks2KeepsItsFirstSegmentsAndCountsThemAll() throws IOException {
    AuditEntry.Image entry = judge(WorstCases.images().get("luks2"));
    assertThat(entry.details().toMap().get("segments")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(Caps.LUKS_SEGMENTS);
    assertThat((Long) entry.details().toMap().get("segmentsCount")).isGreaterThan(Caps.LUKS_SEGMENTS);
    assertThat(entry.details().toMap().get(CappedList.TRUNCATED_LISTS)).isEqualTo(List.of("segments"));
  }

  @Test
  void aVhdxParentLocatorKeepsItsFirstEntriesWithShortKeys() throws IOException {
    AuditEntry.Image entry = judge(WorstCases.images().get("vhdx"));
    @SuppressWarnings("unchecked")
    Map<String, Object> locator = (Map<String, Object>) entry.details().toMap().get("parentLocator");
    assertThat((Map<?, ?>) locator.get("entries")).hasSize(Caps.VHDX_LOCATOR_ENTRIES)
        .allSatisfy((key, value) -> assertThat(key.toString()).hasSizeLessThanOrEqualTo(Caps.VHDX_LOCATOR_KEY));
    assertThat(entry.details().toMap()).containsEntry("parentLocatorEntriesCount", 200L)
        .containsEntry(CappedList.TRUNCATED_LISTS, List.of("parentLocatorEntries"));
  }

  @Test
  void textWithinTheCapsIsKeptAsItIsWithoutACopy() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backingFile", "x".repeat(Caps.TEXT));
    details.put("list", List.of("a", Map.of("b", "c")));
    assertThat(DetailsBudget.bound(details)).isSameAs(details);
  }

  @Test
  void plainTextOverTheQuickBoundButWithinTheBudgetIsKeptWithoutACopy() {
    // 15 strings of 1024 ASCII characters: 15,390 bytes of JSON, within the 16,384; the quick bound,
    // six bytes a character, says 92,190 and hands them to the exact walk, which must keep them all.
    Map<String, Object> details = new LinkedHashMap<>();
    for (int i = 0; i < 15; i++) {
      details.put("s" + i, "x".repeat(Caps.TEXT));
    }
    assertThat(DetailsBudget.bound(details)).isSameAs(details).doesNotContainKey(DetailsBudget.TRUNCATED_STRINGS);
    // One more string of the same kind passes the budget: the last is cut, and counted.
    details.put("s15", "x".repeat(Caps.TEXT));
    Map<String, Object> bounded = DetailsBudget.bound(details);
    assertThat((String) bounded.get("s15")).hasSizeLessThan(Caps.TEXT).endsWith("\u2026");
    assertThat(bounded).containsEntry(DetailsBudget.TRUNCATED_STRINGS, 1);
  }

  @Test
  void aLongStringIsCutToTheTextCapEndingInAnEllipsisAndCounted() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backingFile", "x".repeat(Caps.TEXT + 1));
    Map<String, Object> bounded = DetailsBudget.bound(details);
    assertThat((String) bounded.get("backingFile")).hasSize(Caps.TEXT).endsWith("x\u2026");
    assertThat(bounded).containsEntry(DetailsBudget.TRUNCATED_STRINGS, 1);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    Map<String, Object> details = new LinkedHashMap<>();
    // Each U+1F600 is two chars: a cut at an odd place would leave half of one.
    details.put("name", "\uD83D\uDE00".repeat(Caps.TEXT));
    String cut = (String) DetailsBudget.bound(details).get("name");
    assertThat(cut).hasSize(Caps.TEXT - 1).endsWith("\uD83D\uDE00\u2026");
  }

  @Test
  void theTextBudgetKeepsTheFirstStringsAndEmptiesTheLast() {
    Map<String, Object> details = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      details.put("s" + i, "\u0001".repeat(Caps.TEXT));
    }
    details.put(CappedList.TRUNCATED_LISTS, List.of("extents"));
    Map<String, Object> bounded = DetailsBudget.bound(details);
    // Two strings of 1024 control characters take 2 x 6146 bytes of the 16384: the third is cut.
    assertThat(bounded.get("s1")).isEqualTo(details.get("s1"));
    assertThat((String) bounded.get("s2")).hasSizeLessThan(Caps.TEXT).endsWith("\u2026");
    assertThat(bounded.get("s39")).isEqualTo("");
    assertThat(bounded).containsEntry(DetailsBudget.TRUNCATED_STRINGS, 38).containsEntry(CappedList.TRUNCATED_LISTS, List.of("extents"));
    int total = bounded.values().stream().filter(String.class::isInstance).mapToInt(v -> DetailsBudget.jsonBytes((String) v)).sum();
    assertThat(total).isLessThanOrEqualTo(Caps.DETAILS_TEXT + 2 * 40);
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("worst", null, new ByteArraySource(bytes), bytes.length);
  }

  private static void collect(Object value, List<String> strings, List<Integer> listSizes) {
    if (value instanceof String s) {
      strings.add(s);
    } else if (value instanceof Map<?, ?> map) {
      listSizes.add(map.size());
      // The names of the cut lists are the budget's one exception.
      map.forEach((k, v) -> collect(CappedList.TRUNCATED_LISTS.equals(k) ? null : v, strings, listSizes));
    } else if (value instanceof List<?> list) {
      listSizes.add(list.size());
      list.forEach(v -> collect(v, strings, listSizes));
    }
  }
}
