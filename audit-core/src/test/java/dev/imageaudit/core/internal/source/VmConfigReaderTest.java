package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading config JSON as vm run's serde types do: every problem a finding, never an exception. */
class VmConfigReaderTest {

  @TempDir Path dir;

  LoadedConfig parse(String json) {
    return VmConfigReader.parse(dir.resolve("vm.json"), json.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> messages(LoadedConfig config) {
    return config.findings().stream().map(VmConfigAudit.Finding::message).toList();
  }

  static List<ConfigRule> rules(LoadedConfig config) {
    return config.findings().stream().map(VmConfigAudit.Finding::rule).toList();
  }

  @Test
  void aMinimalValidConfigHasNoFinding() {
    LoadedConfig config = parse("{\"kernel\": \"k\", \"platform_version\": \"~1.0\"}");
    assertThat(config.readable()).isTrue();
    assertThat(config.findings()).isEmpty();
    assertThat(config.disks()).isEmpty();
    assertThat(config.folder()).isEqualTo(dir.toString());
  }

  @Test
  void unknownKeysAndNullOptionalsAreIgnoredAsSerdeDoes() {
    LoadedConfig config = parse(
        "{\"bootloader\": \"b\", \"platform_version\": \"*\", \"name\": null, \"params\": null, \"memory_mib\": null,"
            + " \"future_option\": [1, 2], \"devices\": [\"/sys/x\"], \"usb_config\": {\"controller\": true},"
            + " \"disks\": [{\"image\": \"a.img\", \"writable\": false, \"comment\": 3}]}");
    assertThat(config.findings()).isEmpty();
    assertThat(config.disks().get(0).image().display()).isEqualTo(dir + "/a.img");
  }

  @Test
  void requiredFieldsMissingAreEachReported() {
    LoadedConfig config = parse(
        "{\"kernel\": \"k\", \"disks\": [{\"image\": \"a.img\"}, {\"partitions\": [{\"path\": \"p.img\"}, {\"label\": \"x\"}],"
            + " \"writable\": true}]}");
    assertThat(rules(config)).containsOnly(ConfigRule.INVALID_CONFIG);
    assertThat(messages(config))
        .containsExactly(
            "`platform_version` is missing; vm run requires it (a SemVer range such as \"~1.0\")",
            "`disks[0].writable` is missing; vm run requires it",
            "`disks[1].partitions[0].label` is missing; vm run requires it",
            "`disks[1].partitions[1].path` is missing; vm run requires it");
    assertThat(config.findings()).extracting(VmConfigAudit.Finding::disk).containsExactly(null, 0, 1, 1);
    // What could be read is kept: the partition without a label still names its file.
    assertThat(config.disks().get(0).writable()).isNull();
    assertThat(config.disks().get(1).partitions()).hasSize(2);
    assertThat(config.disks().get(1).partitions().get(0).label()).isNull();
    assertThat(config.namedPaths()).extracting(LoadedConfig.NamedPath::given).containsExactly("a.img", "p.img");
  }

  @Test
  void wrongTypesAreReportedWithWhatWasFound() {
    LoadedConfig config = parse(
        "{\"kernel\": 7, \"platform_version\": 1.0, \"protected\": null, \"memory_mib\": 0, \"devices\": [1],"
            + " \"disks\": [{\"image\": [], \"writable\": \"yes\"}, 5, {\"partitions\": {}, \"writable\": false},"
            + " {\"partitions\": [{\"label\": 1, \"path\": \"p\", \"writable\": null, \"guid\": \"nope\"}], \"writable\": true}]}");
    assertThat(messages(config))
        .containsExactly(
            "`kernel` must be a string or null, not the number 7",
            "`protected` must be true or false, not null",
            "`devices` must be an array of strings, not an array",
            "`memory_mib` must be a whole number from 1 to 4294967295, not 0",
            "`platform_version` must be a string (a SemVer range such as \"~1.0\"), not the number 1.0",
            "`disks[0].writable` must be true or false, not a string",
            "`disks[0].image` must be a string (a path) or null, not an array",
            "`disks[1]` must be an object, not the number 5",
            "`disks[2].partitions` must be an array, not an object",
            "disk 2 has neither `image` nor any partition; exactly one is needed",
            "`disks[3].partitions[0].label` must be a string, not the number 1",
            "`disks[3].partitions[0].writable` must be true or false, not null",
            "`disks[3].partitions[0].guid` is not a UUID: \"nope\"");
    // A kernel of the wrong type still counts as named: no "neither kernel nor bootloader" on top.
    assertThat(messages(config)).noneMatch(m -> m.contains("neither `kernel`"));
    assertThat(config.disks()).extracting(LoadedConfig.DiskSpec::index).containsExactly(0, 2, 3);
    assertThat(config.disks().get(2).partitions().get(0).writable()).isNull();
  }

  @Test
  void memoryMibMustBeANonZeroU32() {
    assertThat(messages(parse("{\"kernel\": \"k\", \"platform_version\": \"1\", \"memory_mib\": 4294967295}"))).isEmpty();
    for (String bad : List.of("4294967296", "-1", "256.0", "\"256\"")) {
      assertThat(messages(parse("{\"kernel\": \"k\", \"platform_version\": \"1\", \"memory_mib\": " + bad + "}")))
          .as(bad)
          .containsExactly("`memory_mib` must be a whole number from 1 to 4294967295, not " + bad);
    }
  }

  @Test
  void guidsInEveryFormTheUuidCrateParsesAreAccepted() {
    for (String guid : List.of(
        "67e55044-10b1-426f-9247-bb680e5fe0c8", "67E55044-10B1-426F-9247-BB680E5FE0C8",
        "67e5504410b1426f9247bb680e5fe0c8", "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8")) {
      LoadedConfig config = parse("{\"kernel\": \"k\", \"platform_version\": \"1\", \"disks\": [{\"partitions\":"
          + " [{\"label\": \"a\", \"path\": \"a\", \"guid\": \"" + guid + "\"}], \"writable\": false}]}");
      assertThat(config.findings()).as(guid).isEmpty();
    }
  }

  @Test
  void kernelOrBootloaderButNotBoth() {
    assertThat(messages(parse("{\"platform_version\": \"1\"}")))
        .containsExactly("the config names neither `kernel` nor `bootloader`; vm run needs one of them");
    assertThat(messages(parse("{\"platform_version\": \"1\", \"bootloader\": \"b\", \"initrd\": \"i\"}")))
        .containsExactly("`bootloader` cannot go with `kernel` or `initrd`; vm run takes one or the other");
    assertThat(messages(parse("{\"platform_version\": \"1\", \"kernel\": null, \"bootloader\": \"b\"}"))).isEmpty();
  }

  @Test
  void syntaxErrorsSayWhere() {
    LoadedConfig config = parse("{\"kernel\": \"k\",\n \"platform_version\": \"1\",,\n}");
    assertThat(rules(config)).containsExactly(ConfigRule.INVALID_JSON);
    assertThat(messages(config).get(0)).isEqualTo("not valid JSON at line 2, column 26: Unexpected character (',' (code 44)): was expecting double-quote to start property name");
    assertThat(config.disks()).isEmpty();
  }

  @Test
  void whatSerdeJsonRefusesIsRefused() {
    assertThat(messages(parse("{\"kernel\": \"k\", \"kernel\": \"j\", \"platform_version\": \"1\"}")).get(0))
        .startsWith("not valid JSON at line 1").contains("Duplicate");
    assertThat(messages(parse("{\"kernel\": \"k\", \"platform_version\": \"1\"} {}")).get(0))
        .startsWith("not valid JSON at line 1");
    assertThat(messages(parse(""))).containsExactly("the file holds no JSON value");
    assertThat(messages(parse(" \n"))).containsExactly("the file holds no JSON value");
    assertThat(messages(parse("[]"))).containsExactly("the config must be a JSON object, not an array");
    assertThat(messages(parse("null"))).containsExactly("the config must be a JSON object, not null");
    byte[] bom = "\uFEFF{\"kernel\": \"k\", \"platform_version\": \"1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(messages(VmConfigReader.parse(dir.resolve("b.json"), bom)))
        .containsExactly("starts with a UTF-8 byte order mark, which vm run's JSON reader refuses");
    byte[] latin1 = "{\"kernel\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(messages(VmConfigReader.parse(dir.resolve("l.json"), latin1)))
        .containsExactly("not UTF-8: bad byte sequence at byte offset 15");
  }

  @Test
  void deepNestingIsAFindingNotACrash() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    LoadedConfig config = parse("{\"kernel\": \"k\", \"platform_version\": \"1\", \"x\": " + deep + "}");
    assertThat(rules(config)).containsExactly(ConfigRule.INVALID_JSON);
    assertThat(messages(config).get(0)).startsWith("not valid JSON").containsIgnoringCase("nesting depth");
  }

  @Test
  void aConfigLargerThanTheCapIsNotRead() throws IOException {
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[VmConfigReader.MAX_CONFIG_BYTES + 1]);
    LoadedConfig config = VmConfigReader.load(big);
    assertThat(config.readable()).isFalse();
    assertThat(messages(config))
        .containsExactly("cannot read the config: 1048577 bytes is more than the 1048576 a VM config may have here; not read");
  }

  @Test
  void pathsResolveFromTheConfigsFolderAndAbsoluteOnesStay() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    LoadedConfig config = parse("{\"kernel\": \"k\", \"platform_version\": \"1\", \"disks\": ["
        + "{\"image\": \"sub/../a.img\", \"writable\": false}, {\"image\": \"/abs/./b.img\", \"writable\": false},"
        + "{\"image\": \"missing/../c.img\", \"writable\": false}, {\"image\": \"nul\\u0000.img\", \"writable\": false}]}");
    List<LoadedConfig.NamedPath> paths = config.namedPaths();
    assertThat(paths.get(0).display()).isEqualTo(dir + "/a.img");
    assertThat(paths.get(0).relative()).isTrue();
    // /abs does not exist: "." after it is kept, as the kernel would fail that lookup.
    assertThat(paths.get(1).display()).isEqualTo("/abs/./b.img");
    assertThat(paths.get(1).relative()).isFalse();
    assertThat(paths.get(2).display()).isEqualTo(dir + "/missing/../c.img");
    assertThat(paths.get(3).path()).isNull();
    assertThat(paths.get(3).display()).isEqualTo("nul\u0000.img");
  }

  @Test
  void aConfigWithoutAFolderResolvesFromTheWorkingDirectory() {
    LoadedConfig config = VmConfigReader.parse(Path.of("vm.json"),
        "{\"kernel\": \"k\", \"platform_version\": \"1\", \"disks\": [{\"image\": \"a.img\", \"writable\": false}]}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(config.folder()).isEqualTo(".");
    assertThat(config.namedPaths().get(0).display()).isEqualTo("a.img");
  }

  @Test
  void tidyDropsDotAndDotDotOnlyAfterARealDirectory() throws IOException {
    Files.createDirectories(dir.resolve("d/e"));
    Files.write(dir.resolve("f"), new byte[1]);
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("d/e"));
    assertThat(VmConfigReader.tidy(dir.resolve("d/./e/../x"))).isEqualTo(dir.resolve("d/x"));
    assertThat(VmConfigReader.tidy(dir.resolve("link/../x"))).isEqualTo(dir.resolve("link/../x"));
    assertThat(VmConfigReader.tidy(dir.resolve("f/."))).isEqualTo(dir.resolve("f/."));
    assertThat(VmConfigReader.tidy(dir.resolve("d/../../x"))).isEqualTo(dir.getParent().resolve("x"));
    assertThat(VmConfigReader.tidy(Path.of("./x"))).isEqualTo(Path.of("x"));
    assertThat(VmConfigReader.tidy(Path.of("../x"))).isEqualTo(Path.of("../x"));
    assertThat(VmConfigReader.tidy(Path.of("/../x"))).isEqualTo(Path.of("/../x"));
  }
}
