package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;
import dev.imageaudit.core.NamesAsBytesTestAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The native listing gives each entry's exact name bytes and its type, in the JDK's path order. */
@EnabledOnOs(OS.LINUX)
class DirectoryListingTest {

  @TempDir Path dir;

  private static String latin1(byte[] name) {
    return new String(name, StandardCharsets.ISO_8859_1);
  }

  @Test
  void theListingIsAvailableWhereTheLinuxCallsAre() {
    assertThat(DirectoryListing.AVAILABLE).isEqualTo(LinuxFiles.AVAILABLE).isTrue();
  }

  @Test
  void eachEntryHasItsExactNameBytesAndItsType() throws Exception {
    NamesAsBytesTestAccess.sh(dir, "mkdir sub && : > file && ln -s file link && ln -s nowhere dangling && mkfifo pipe"
        + " && : > \"$(printf 'bad-\\377\\376')\" && : > \"$(printf 'caf\\303\\251')\" && : > .hidden && : > ..dots");
    Map<String, Integer> types = new HashMap<>();
    for (DirectoryListing.Entry entry : new DirectoryListing().list(dir)) {
      types.put(latin1(entry.name()), entry.type());
    }
    assertThat(types).containsOnly(
        Map.entry("sub", DirectoryListing.DT_DIR),
        Map.entry("file", DirectoryListing.DT_REG),
        Map.entry("link", DirectoryListing.DT_LNK),
        Map.entry("dangling", DirectoryListing.DT_LNK),
        Map.entry("pipe", DirectoryListing.DT_FIFO),
        Map.entry("bad-\u00ff\u00fe", DirectoryListing.DT_REG),
        Map.entry("caf\u00c3\u00a9", DirectoryListing.DT_REG),
        Map.entry(".hidden", DirectoryListing.DT_REG),
        Map.entry("..dots", DirectoryListing.DT_REG));
  }

  @Test
  void entriesComeInTheJdksPathOrderUnsignedBytesIncluded() throws Exception {
    NamesAsBytesTestAccess.sh(dir, "for n in a B b a- a0 Z '~' ' x' \"$(printf '\\001')\" \"$(printf '\\177')\""
        + " \"$(printf '\\200')\" \"$(printf '\\377')\" \"$(printf 'a\\377')\" \"$(printf 'caf\\303\\251')\" cafe; do : > \"$n\"; done");
    List<String> jdk = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(paths::add);
    }
    paths.sort(null);
    for (Path path : paths) {
      jdk.add(latin1(Names.lastComponent(path)));
    }
    List<String> listed = new ArrayList<>();
    new DirectoryListing().list(dir).forEach(entry -> listed.add(latin1(entry.name())));
    assertThat(listed).hasSize(15).containsExactlyElementsOf(jdk);
    assertThat(listed.get(listed.size() - 1)).isEqualTo("\u00ff");
  }

  @Test
  void aSmallBufferListsABigDirectoryInSteps() throws Exception {
    Set<String> made = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      made.add(Files.createFile(dir.resolve("file-with-a-longish-name-" + i)).getFileName().toString());
    }
    List<String> listed = new ArrayList<>();
    new DirectoryListing(512).list(dir).forEach(entry -> listed.add(latin1(entry.name())));
    assertThat(listed).hasSize(500).containsExactlyInAnyOrderElementsOf(made).isSorted();
  }

  @Test
  void aDirectoryChangingWhileListedGivesEveryUntouchedNameOnce() throws Exception {
    for (int i = 0; i < 600; i++) {
      Files.createFile(dir.resolve("keep-" + i));
      Files.createFile(dir.resolve("gone-" + i));
    }
    List<DirectoryListing.Entry> read = new ArrayList<>();
    DirectoryListing listing = new DirectoryListing(1024);
    try (DirectoryListing.Reader reader = listing.open(dir)) {
      assertThat(reader.read(read)).isTrue();
      assertThat(read).hasSizeLessThan(1200);
      // Between two reads of the same open directory: names go and come.
      for (int i = 0; i < 600; i++) {
        Files.delete(dir.resolve("gone-" + i));
        Files.createFile(dir.resolve("new-" + i));
      }
      while (reader.read(read)) {
        // To the end.
      }
    }
    List<String> names = new ArrayList<>();
    DirectoryListing.sorted(read).forEach(entry -> names.add(latin1(entry.name())));
    assertThat(names).doesNotHaveDuplicates().isSorted();
    List<String> kept = names.stream().filter(n -> n.startsWith("keep-")).toList();
    assertThat(kept).hasSize(600);
    assertThat(names).allMatch(n -> n.startsWith("keep-") || n.startsWith("gone-") || n.startsWith("new-"));
  }

  @Test
  void aNameListedTwiceIsKeptOnce() {
    List<DirectoryListing.Entry> twice = new ArrayList<>(List.of(
        new DirectoryListing.Entry(new byte[] {'b'}, DirectoryListing.DT_REG),
        new DirectoryListing.Entry(new byte[] {'a'}, DirectoryListing.DT_REG),
        new DirectoryListing.Entry(new byte[] {'b'}, DirectoryListing.DT_REG)));
    List<String> names = new ArrayList<>();
    DirectoryListing.sorted(twice).forEach(entry -> names.add(latin1(entry.name())));
    assertThat(names).containsExactly("a", "b");
  }

  @Test
  void whatCannotBeListedThrowsItsErrno() throws Exception {
    Path file = Files.createFile(dir.resolve("file"));
    assertThatThrownBy(() -> new DirectoryListing().list(dir.resolve("gone")))
        .isInstanceOfSatisfying(LastErrorException.class, e -> assertThat(e.getErrorCode()).isEqualTo(LinuxFiles.ENOENT));
    assertThatThrownBy(() -> new DirectoryListing().list(file))
        .isInstanceOfSatisfying(LastErrorException.class, e -> assertThat(e.getErrorCode()).isEqualTo(LinuxFiles.ENOTDIR));
  }

  @Test
  void aChildPathNamesTheExactFileForAnyBytes() throws Exception {
    NamesAsBytesTestAccess.sh(dir, "mkdir \"$(printf 'd\\377')\" && printf one > \"$(printf 'd\\377/f\\376 %%2F')\""
        + " && printf two > \"$(printf 'd\\377/caf\\303\\251')\" && printf three > \"$(printf 'd\\377/plain')\"");
    Path sub = new DirectoryListing().list(dir).stream()
        .map(e -> DirectoryListing.child(dir, e.name(), Names.display(e.name()), false))
        .findFirst().orElseThrow();
    Map<String, String> contents = new HashMap<>();
    for (DirectoryListing.Entry entry : new DirectoryListing().list(sub)) {
      String shown = Names.display(entry.name());
      boolean asText = java.util.Arrays.equals(shown.getBytes(StandardCharsets.UTF_8), entry.name());
      Path child = DirectoryListing.child(sub, entry.name(), shown, asText);
      contents.put(shown, Files.readString(child, StandardCharsets.ISO_8859_1));
      assertThat(Names.lastComponent(child)).isEqualTo(entry.name());
    }
    assertThat(contents).containsOnly(
        Map.entry("f\\xfe %2F", "one"), Map.entry("caf\u00e9", "two"), Map.entry("plain", "three"));
  }
}
