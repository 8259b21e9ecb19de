package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Path lists on stdin, descriptors, and inputs given twice. */
class InputsTest {

  @TempDir Path tmp;

  private Path output() {
    return tmp.resolve("out");
  }

  @Test
  void aNewlineSeparatedListOnStdinIsAuditedExactly() throws IOException {
    Path a = Cli.raw(tmp.resolve("store/a.img"));
    Path b = Cli.qcow2(tmp.resolve("store/b.qcow2"));
    Cli.raw(tmp.resolve("store/not-listed.img"));
    byte[] stdin = (a + "\n" + b + "\n").getBytes(StandardCharsets.UTF_8);

    Cli.Result r = Cli.runWithStdin(stdin, "scan", "-o", output().toString(), "-");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    JsonNode report = Cli.report(output());
    assertThat(Cli.paths(report)).containsExactly(a.toString(), b.toString());
    assertThat(report.get("inputs").get(0).stringValue()).isEqualTo("stdin");
    assertThat(report.get("inputs").size()).isEqualTo(1);
  }

  @Test
  void aNulSeparatedListOnStdinKeepsNewlinesInNames() throws IOException {
    Path odd = Cli.raw(tmp.resolve("store/new\nline.img"));
    Path b = Cli.raw(tmp.resolve("store/b.img"));
    Cli.raw(tmp.resolve("store/not-listed.img"));
    byte[] stdin = (odd + "\0" + b + "\0").getBytes(StandardCharsets.UTF_8);

    Cli.Result r = Cli.runWithStdin(stdin, "scan", "-0", "-o", output().toString(), "-");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = Cli.report(output());
    assertThat(Cli.paths(report)).containsExactlyInAnyOrder(odd.toString(), b.toString());
    assertThat(Cli.entry(report, odd.toString()).get("format").stringValue()).isEqualTo("raw");
    // The summary never prints the newline itself.
    assertThat(r.out()).doesNotContain("new\nline");
  }

  @Test
  void aListOnStdinCombinesWithPaths() throws IOException {
    Path a = Cli.raw(tmp.resolve("listed/a.img"));
    Path c = Cli.raw(tmp.resolve("named/c.img"));
    byte[] stdin = (a + "\n").getBytes(StandardCharsets.UTF_8);

    Cli.Result r =
        Cli.runWithStdin(stdin, "scan", "--null", "-o", output().toString(), "-", c.toString());

    // With --null the newline is part of the name: that path does not exist.
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(Cli.paths(Cli.report(output()))).containsExactlyInAnyOrder(a + "\n", c.toString());
  }

  @Test
  void aDescriptorIsReportedAsFdNWithItsTarget() throws IOException {
    Path image = Cli.qcow2(tmp.resolve("store/held.qcow2"));
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
      int fd = fdOf(image.toRealPath()).orElseThrow(() -> new AssertionError("no fd for " + image));

      Cli.Result r = Cli.run("scan", "--fd", Integer.toString(fd), "-o", output().toString());

      assertThat(channel.isOpen()).isTrue();
      assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
      JsonNode report = Cli.report(output());
      assertThat(Cli.paths(report)).containsExactly("fd:" + fd);
      JsonNode entry = Cli.entry(report, "fd:" + fd);
      assertThat(entry.get("target").stringValue()).isEqualTo(image.toRealPath().toString());
      assertThat(entry.get("format").stringValue()).isEqualTo("qcow2");
      assertThat(entry.at("/avf/partition").stringValue()).isEqualTo("rejected");
      assertThat(report.get("inputs").get(0).stringValue()).isEqualTo("fd:" + fd);
    }
  }

  @Test
  void theSameInputGivenTwiceIsAuditedOnce() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Cli.raw(store.resolve("b.img"));

    Cli.Result r =
        Cli.run(
            "scan",
            "-o",
            output().toString(),
            store.toString(),
            store + "/",
            store.toString(),
            "--fd",
            "987",
            "--fd",
            "987");

    JsonNode report = Cli.report(output());
    assertThat(Cli.paths(report)).containsExactly(store + "/a.img", store + "/b.img", "fd:987");
    assertThat(report.get("inputs").size()).isEqualTo(2);
    assertThat(r.out()).contains("3 files audited");
  }

  @Test
  void aPathLikeAnOptionNeedsDoubleDash() throws IOException {
    Path dashed = Cli.raw(tmp.resolve("-q.img"));

    Cli.Result r = Cli.run("scan", "-o", output().toString(), "--", dashed.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Cli.paths(Cli.report(output()))).containsExactly(dashed.toString());
  }

  /** Returns the descriptor of this JVM that is open on {@code file}. */
  private static OptionalInt fdOf(Path file) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      List<Path> links = fds.toList();
      for (Path link : links) {
        try {
          if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(file)) {
            return OptionalInt.of(Integer.parseInt(link.getFileName().toString()));
          }
        } catch (IOException e) {
          // The descriptor closed meanwhile (the listing's own, say).
        }
      }
    }
    assertThat(Files.exists(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
    return OptionalInt.empty();
  }
}
