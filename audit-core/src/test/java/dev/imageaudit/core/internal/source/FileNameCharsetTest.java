package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.NamesAsBytesTestAccess;
import dev.imageaudit.core.SingleByteLocale;
import dev.imageaudit.core.internal.audit.Auditor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK decodes file names with the locale's charset: UTF-8, ASCII (no locale, as under cron), or a
 * single-byte one such as ISO-8859-1, where every byte decodes to some character and nothing marks a
 * name that is not UTF-8. Whatever it is, every listing must open the same files and report the same
 * names and exact bytes: a JVM under each locale walks and audits one store, and their answers are
 * compared with this JVM's.
 */
@EnabledOnOs(OS.LINUX)
class FileNameCharsetTest {

  @TempDir Path dir;
  Path store;

  @BeforeEach
  void makeStore() throws Exception {
    store = dir.resolve("store");
    Files.createDirectories(store);
    NamesAsBytesTestAccess.sh(store,
        "mkdir \"$(printf 'd\\377ir')\" plain; printf 'QFI\\373' > \"$(printf 'd\\377ir/a\\376')\";"
            + " : > \"$(printf 'caf\\303\\251.img')\"; printf 'QFI\\373' > \"$(printf 'plain/\\374ber')\";"
            + " printf 4 > plain/ascii.img");
  }

  @Test
  void everyListingAnswersTheSameUnderEveryFileNameCharset() throws Exception {
    List<String> here = describe(store);
    assertThat(here).hasSize(4 * Walker.Listing.values().length);
    assertThat(here).noneMatch(line -> line.contains("io-error"));

    assertThat(child(Map.of())).as("no locale").isEqualTo(here);

    List<String> latin1 = child(SingleByteLocale.environment(dir));
    assertThat(latin1.get(0)).isEqualTo("sun.jnu.encoding=ISO-8859-1");
    assertThat(latin1.subList(1, latin1.size())).as("ISO-8859-1").isEqualTo(here);
  }

  /** Per listing, per entry: the name shown, its exact bytes when they differ, and what it was found to be. */
  static List<String> describe(Path store) {
    List<String> lines = new ArrayList<>();
    for (Walker.Listing listing : Walker.Listing.values()) {
      for (WalkItem item : Walker.walk(List.of(new AuditInput.PathInput(store)), false, listing).toIterable()) {
        AuditEntry entry;
        String bytes = null;
        if (item instanceof WalkItem.Open open) {
          entry = Auditor.audit(open);
          bytes = open.pathBytes();
        } else {
          entry = ((WalkItem.Done) item).entry();
          bytes = entry.pathBytes();
        }
        String what;
        if (entry instanceof AuditEntry.Image image) {
          what = image.format().id();
        } else if (entry instanceof AuditEntry.Skipped skipped) {
          what = "skipped " + skipped.reason().id();
        } else {
          AuditEntry.Failed failed = (AuditEntry.Failed) entry;
          what = failed.kind().id() + " " + failed.message();
        }
        lines.add(listing + " " + entry.path() + " " + bytes + " " + what);
      }
    }
    return lines;
  }

  /** Runs {@link #describe} in a JVM of its own with only {@code env}, its lines as UTF-8. */
  private List<String> child(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath(), Child.class.getName(), store.toString())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    // The first line says which charset that JVM had; only the ISO-8859-1 run checks it.
    return env.isEmpty() ? lines.subList(1, lines.size()) : lines;
  }

  /** This JVM's classes and jars as one class path: the tests run on the module path, the child needs none. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        parts.add(value);
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  /** The child: its charset, then {@link #describe}'s lines, written as UTF-8 whatever the locale. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      var out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
      out.println("sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding"));
      for (String line : describe(Path.of(args[0]))) {
        out.println(line);
      }
    }
  }
}
