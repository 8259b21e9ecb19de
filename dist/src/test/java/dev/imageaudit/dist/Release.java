package dev.imageaudit.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Where the build left the release, and the example store to audit with it. */
final class Release {

  private Release() {}

  /** dist/target. */
  static Path target() {
    return Path.of(System.getProperty("release.dir", "target")).toAbsolutePath().normalize();
  }

  /** image-audit-VERSION: the archive's top folder. */
  static String name() {
    return System.getProperty("release.name");
  }

  static Path archive() {
    return target().resolve(name() + ".tar.gz");
  }

  /** The Debian package the build made, if it could (dpkg-deb present). */
  static Path deb() throws IOException {
    try (Stream<Path> files = Files.list(target())) {
      List<Path> debs =
          files.filter(f -> f.getFileName().toString().startsWith("image-audit_"))
              .filter(f -> f.getFileName().toString().endsWith(".deb"))
              .toList();
      return debs.size() == 1 ? debs.get(0) : null;
    }
  }

  static Path repo() {
    return Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
  }

  /**
   * A copy of examples/image-store in {@code dir}, readable by everyone, with a world-writable
   * folder {@code out} beside it for the reports: the unprivileged user can read the one and write
   * the other, and nothing else here.
   */
  static Path storeIn(Path dir) throws IOException, InterruptedException {
    worldReadable(dir);
    Path store = dir.resolve("store");
    Command.ok(dir, "cp", "-R", repo().resolve("examples/image-store").toString(), store.toString());
    Command.ok(dir, "chmod", "-R", "a+rX", store.toString());
    // The run writes its outputs into a new folder beside "out" and swaps it in: the user needs to
    // write the folder that holds "out" (sticky, as /tmp is), and makes "out" itself.
    Command.ok(dir, "chmod", "1777", dir.toString());
    return store;
  }

  /** Lets every user through {@code dir} (JUnit makes temporary folders private). */
  static void worldReadable(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Every path under {@code root} with its size and modification time, to see that none changed. */
  static TreeMap<String, String> snapshot(Path root) throws IOException {
    TreeMap<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        files.put(
            root.relativize(path).toString(),
            Files.size(path) + " " + Files.getLastModifiedTime(path));
      }
    }
    return files;
  }

  /** How many files {@code store} holds: the entries a report of it must have. */
  static long files(Path store) throws IOException {
    try (Stream<Path> files = Files.list(store)) {
      return files.count();
    }
  }
}
