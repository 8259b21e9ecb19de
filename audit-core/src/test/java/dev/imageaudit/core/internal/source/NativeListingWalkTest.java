package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.NamesAsBytesTestAccess;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.internal.audit.Auditor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk that lists natively (types from the listing, names as bytes) reports every path exactly as
 * the JDK-listed walk does: same order, names, skips and errors; only a regular file is no longer
 * stat-ed by the walk.
 */
@EnabledOnOs(OS.LINUX)
class NativeListingWalkTest {

  @TempDir Path dir;
  Path store;

  @BeforeEach
  void makeStore() throws Exception {
    store = dir.resolve("store");
    Files.createDirectories(store);
    // Every d_type the walk meets: files, folders, links (good, dangling, to a folder, a loop), a FIFO,
    // a socket-less special (a character device needs root: /dev/null is linked instead), odd names.
    NamesAsBytesTestAccess.sh(store,
        "mkdir -p a/z a-b \"$(printf 'd\\377ir/in\\376ner')\" 'x\ny' '<b>' empty;"
            + "printf 'QFI\\373' > a/z/f1; printf 22 > a-b/f2; printf 333 > \"$(printf 'd\\377ir/f\\376')\";"
            + "printf 'QFI\\373' > \"$(printf 'd\\377ir/in\\376ner/q')\"; : > \"$(printf 'caf\\303\\251.img')\";"
            + "printf 4 > 'x\ny/\u00fc.img'; printf 5 > '<b>/<script>'; head -c 70000 /dev/zero > top.img;"
            + "ln -s top.img link; ln -s nowhere dangling; ln -s a dirlink; ln -s .. a/up; ln -s /dev/null null;"
            + "mkfifo pipe");
  }

  @AfterEach
  void removeTheLinkOutOfTheStore() throws Exception {
    // JUnit warns about a link leading out of the temporary folder; it is the test's, so it goes first.
    Files.deleteIfExists(store.resolve("null"));
  }

  /** The entry a scan makes of one item: an opened file's entry carries the walk's exact bytes. */
  private static AuditEntry audited(WalkItem item) {
    if (item instanceof WalkItem.Open open) {
      AuditEntry entry = Auditor.audit(open);
      return open.pathBytes() == null ? entry : entry.withPathBytes(open.pathBytes());
    }
    return ((WalkItem.Done) item).entry();
  }

  private List<AuditEntry> entries(Walker.Listing listing, boolean followLinks, List<WalkItem> items) {
    List<AuditEntry> entries = new ArrayList<>();
    for (WalkItem item : Walker.walk(List.of(new AuditInput.PathInput(store)), followLinks, listing).toIterable()) {
      items.add(item);
      entries.add(audited(item));
    }
    return entries;
  }

  @Test
  void everyListingReportsTheSameEntries() {
    for (boolean follow : new boolean[] {false, true}) {
      List<WalkItem> jdkItems = new ArrayList<>();
      List<AuditEntry> jdk = entries(Walker.Listing.JDK, follow, jdkItems);
      assertThat(jdk).hasSizeGreaterThan(12);
      List<WalkItem> nativeItems = new ArrayList<>();
      assertThat(entries(Walker.Listing.NATIVE, follow, nativeItems)).as("follow " + follow).containsExactlyElementsOf(jdk);
      List<WalkItem> untypedItems = new ArrayList<>();
      assertThat(entries(Walker.Listing.NATIVE_WITHOUT_TYPES, follow, untypedItems))
          .as("follow " + follow).containsExactlyElementsOf(jdk);
      // Same items by name and exact bytes: the native walk only leaves the size of a listed file unknown.
      assertThat(nativeItems).extracting(WalkItem::display).containsExactlyElementsOf(jdkItems.stream().map(WalkItem::display).toList());
      assertThat(untypedItems).containsExactlyElementsOf(jdkItems);
    }
  }

  @Test
  void aRegularFileIsNotStatedButEverythingElseIs() {
    List<WalkItem> items = new ArrayList<>();
    List<AuditEntry> entries = entries(Walker.Listing.NATIVE, false, items);
    String s = store.toString();
    for (WalkItem item : items) {
      if (item instanceof WalkItem.Open open) {
        // DT_REG: typed by the listing; the open file gives its size.
        assertThat(open.statSize()).as(open.display()).isEqualTo(WalkItem.Open.SIZE_UNKNOWN);
        assertThat(open.followLinks()).isFalse();
      }
    }
    // DT_LNK, DT_FIFO: stat-ed and skipped as before.
    assertThat(entries).contains(
        new AuditEntry.Skipped(s + "/link", null, SkipReason.SYMLINK),
        new AuditEntry.Skipped(s + "/dangling", null, SkipReason.SYMLINK),
        new AuditEntry.Skipped(s + "/pipe", null, SkipReason.FIFO));
    AuditEntry top = entries.stream().filter(e -> e.path().equals(s + "/top.img")).findFirst().orElseThrow();
    assertThat(((AuditEntry.Image) top).fileSize()).isEqualTo(70000);
    // DT_UNKNOWN: stat-ed, so the walk knows the size.
    List<WalkItem> untyped = new ArrayList<>();
    entries(Walker.Listing.NATIVE_WITHOUT_TYPES, false, untyped);
    assertThat(untyped).filteredOn(WalkItem.Open.class::isInstance)
        .allMatch(item -> ((WalkItem.Open) item).statSize() >= 0);
  }

  @Test
  void namesThatAreNotUtf8CarryTheirExactBytes() {
    List<WalkItem> items = new ArrayList<>();
    List<AuditEntry> entries = entries(Walker.Listing.NATIVE, false, items);
    String s = store.toString();
    AuditEntry inner = entries.stream().filter(e -> e.path().equals(s + "/d\\xffir/in\\xfener/q")).findFirst().orElseThrow();
    assertThat(inner).isInstanceOf(AuditEntry.Image.class);
    assertThat(java.util.Base64.getDecoder().decode(inner.pathBytes()))
        .isEqualTo(Names.join(Names.join(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            new byte[] {'d', (byte) 0xff, 'i', 'r'}), new byte[] {'i', 'n', (byte) 0xfe, 'n', 'e', 'r', '/', 'q'}));
    AuditEntry cafe = entries.stream().filter(e -> e.path().equals(s + "/caf\u00e9.img")).findFirst().orElseThrow();
    assertThat(cafe.pathBytes()).isNull();
  }

  @Test
  void aFileRemovedAfterItsFolderWasListedIsNotFoundAsBefore() throws Exception {
    for (Walker.Listing listing : Walker.Listing.values()) {
      Path folder = Files.createDirectories(dir.resolve("changing-" + listing));
      for (int i = 0; i < 5; i++) {
        Files.write(folder.resolve("f" + i), new byte[] {(byte) i});
      }
      Iterator<WalkItem> walk =
          Walker.walk(List.of(new AuditInput.PathInput(folder)), false, listing).toIterable(1).iterator();
      WalkItem first = walk.next();
      // The folder is listed; its other files go before the walk reaches them.
      for (int i = 1; i < 5; i++) {
        Files.delete(folder.resolve("f" + i));
      }
      Files.write(folder.resolve("f9"), new byte[] {9});
      List<AuditEntry> rest = new ArrayList<>();
      walk.forEachRemaining(item ->
          rest.add(audited(item)));
      assertThat(first.display()).isEqualTo(folder + "/f0");
      assertThat(rest).as(listing.toString()).hasSize(4).allSatisfy(entry -> {
        assertThat(entry).isInstanceOf(AuditEntry.Failed.class);
        assertThat(((AuditEntry.Failed) entry).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(((AuditEntry.Failed) entry).message()).isEqualTo("no such file or directory");
      });
    }
  }
}
