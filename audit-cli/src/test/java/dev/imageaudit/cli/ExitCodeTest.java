package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Exit codes 0, 1, 3 and 4 (2 is in {@link MainTest}). */
class ExitCodeTest {

  @TempDir Path tmp;

  private Path output() {
    return tmp.resolve("out");
  }

  @Test
  void aStoreOfRawImagesOnlyExits0() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Cli.raw(store.resolve("sub/b.img"));

    Cli.Result r = Cli.run("scan", "-o", output().toString(), store.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(Cli.report(output()).at("/summary/byFormat/raw").longValue()).isEqualTo(2);
  }

  @Test
  void aQcow2ExitsOneWithTheDefaultFailOn() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Cli.qcow2(store.resolve("b.qcow2"));

    Cli.Result r = Cli.run("scan", "-o", output().toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    JsonNode b = Cli.entry(Cli.report(output()), store.resolve("b.qcow2").toString());
    assertThat(b.get("format").stringValue()).isEqualTo("qcow2");
    assertThat(b.at("/avf/partition").stringValue()).isEqualTo("rejected");
  }

  @Test
  void failOnNoneNeverExits1() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("b.qcow2"));

    assertThat(
            Cli.run("scan", "--fail-on", "none", "-o", output().toString(), store.toString())
                .exitCode())
        .isZero();
  }

  @Test
  void failOnGatesOnlyOnTheFlagsItNames() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("b.qcow2"));
    String out = output().toString();

    assertThat(Cli.run("scan", "--fail-on", "corrupt", "-o", out, store.toString()).exitCode())
        .isZero();
    assertThat(
            Cli.run(
                    "scan",
                    "--fail-on",
                    "corrupt,unsupported-partition-image",
                    "-o",
                    out,
                    store.toString())
                .exitCode())
        .isEqualTo(1);
    assertThat(
            Cli.run(
                    "scan",
                    "--fail-on",
                    "corrupt",
                    "--fail-on",
                    "unsupported-partition-image",
                    "-o",
                    out,
                    store.toString())
                .exitCode())
        .isEqualTo(1);
  }

  @Test
  void theExampleStoreExits1ForItsQcow2AndCompositeFiles() throws IOException {
    Cli.Result r = Cli.run("scan", "-o", output().toString(), Cli.exampleStore().toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    JsonNode report = Cli.report(output());
    for (JsonNode image : report.get("images")) {
      String path = image.get("path").stringValue();
      String partition = image.at("/avf/partition").stringValue();
      if (path.endsWith(".qcow2") || path.endsWith(".qcow") || path.endsWith(".composite")) {
        assertThat(partition).as(path).isEqualTo("rejected");
      } else if (path.endsWith(".raw") || path.endsWith(".img") || path.endsWith(".simg")) {
        assertThat(partition).as(path).isEqualTo("accepted");
      }
    }
    assertThat(report.at("/summary/byFormat/android-sparse").longValue()).isEqualTo(2);
    assertThat(r.out())
        .contains("overlay-with-backing.qcow2: unsupported partition image type: Qcow2");
  }

  @Test
  void aMissingInputExits3() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Path missing = tmp.resolve("no-such-store");

    Cli.Result r = Cli.run("scan", "-o", output().toString(), store.toString(), missing.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("audit incomplete");
    JsonNode report = Cli.report(output());
    assertThat(report.get("complete").booleanValue()).isFalse();
    assertThat(Cli.entry(report, missing.toString()).at("/error/kind").stringValue())
        .isEqualTo("not-found");
    assertThat(r.out()).contains("INCOMPLETE").contains(missing + ": not-found");
  }

  @Test
  void aDescriptorThatIsNotOpenExits3() throws IOException {
    assumeFalse(
        Files.exists(Path.of("/proc/self/fd/987"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));

    Cli.Result r = Cli.run("scan", "--fd", "987", "-o", output().toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(Cli.entry(Cli.report(output()), "fd:987").at("/error/kind").stringValue())
        .isEqualTo("bad-fd");
  }

  @Test
  void incompleteWinsOverFlagged() throws IOException {
    Path store = tmp.resolve("store");
    Cli.qcow2(store.resolve("b.qcow2"));

    Cli.Result r =
        Cli.run(
            "scan", "-o", output().toString(), store.toString(), tmp.resolve("gone").toString());

    assertThat(r.exitCode()).isEqualTo(3);
  }

  @Test
  void anUnreadableDirectoryExits3() throws Exception {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Path locked = store.resolve("locked");
    Cli.raw(locked.resolve("hidden.img"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      int exitCode;
      if (!Files.isReadable(locked)) {
        exitCode = Cli.run("scan", "-o", output().toString(), store.toString()).exitCode();
      } else {
        // Root reads through chmod 000 (CI runs as root): run the scan as nobody instead.
        exitCode = runAsNobody(store);
      }
      assertThat(exitCode).isEqualTo(3);
      JsonNode entry = Cli.entry(Cli.report(output()), locked.toString());
      assertThat(entry.at("/error/kind").stringValue()).isEqualTo("access-denied");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Runs {@code scan STORE -o OUT} as nobody in a child JVM, its class path copied where nobody can read it. */
  private int runAsNobody(Path store) throws Exception {
    assertThat(Path.of("/usr/bin/setpriv")).as("setpriv (util-linux) to drop root").exists();
    Path cp = Files.createDirectory(tmp.resolve("cp"));
    java.util.List<String> entries = new java.util.ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path from = Path.of(entry);
      Path to = cp.resolve(i++ + "-" + from.getFileName());
      Process copy = new ProcessBuilder("cp", "-R", from.toString(), to.toString()).inheritIO().start();
      assertThat(copy.waitFor()).isZero();
      entries.add(to.toString());
    }
    assertThat(new ProcessBuilder("chmod", "-R", "a+rX", cp.toString()).inheritIO().start().waitFor()).isZero();
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(store.resolve("a.img"), PosixFilePermissions.fromString("rw-r--r--"));
    // The output is made beside the store, in a folder nobody may write (sticky, as /tmp is).
    assertThat(new ProcessBuilder("chmod", "1777", tmp.toString()).inheritIO().start().waitFor()).isZero();
    Process scan = new ProcessBuilder(
            "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", String.join(java.io.File.pathSeparator, entries),
            Main.class.getName(), "scan", "-q", "-o", output().toString(), store.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(scan.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return scan.exitValue();
  }


  @Test
  void anOutputFolderUnderARegularFileExits4WithOneLine() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Path file = Files.writeString(tmp.resolve("a-file"), "in the way");
    Path output = file.resolve("report");

    Cli.Result r = Cli.run("scan", "-o", output.toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("image-audit: cannot write report to " + output + ": ")
        .hasLineCount(1);
  }

  @Test
  void anOutputThatIsARegularFileExits4() throws IOException {
    Path store = tmp.resolve("store");
    Cli.raw(store.resolve("a.img"));
    Path file = Files.writeString(tmp.resolve("a-file"), "in the way");

    Cli.Result r = Cli.run("scan", "-o", file.toString(), store.toString());

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err())
        .startsWith("image-audit: cannot write report to " + file + ": ")
        .hasLineCount(1);
    assertThat(Files.readString(file)).isEqualTo("in the way");
  }
}
