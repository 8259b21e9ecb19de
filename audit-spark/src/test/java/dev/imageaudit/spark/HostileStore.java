package dev.imageaudit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a store of mixed images under hostile names: the example store's images copied under names
 * with control characters, newlines, HTML and bytes that are not UTF-8, three folder levels deep,
 * with symbolic links, dangling links, FIFOs and empty files among them.
 */
final class HostileStore {

  private static final String[] NAMES = {
    "plain", "new\nline", "tab\tand\u0001ctl", "<img src=x onerror=alert(1)>", "quo\"te'&amp;", "ünï©ødé",
    "bidi\u202Egpj", "spa ce", "back\\slash", "%41percent"
  };

  private HostileStore() {}

  /** Makes {@code count} paths under {@code root} (once: an existing store is reused) and returns root. */
  static Path create(Path root, int count, Path examples) throws Exception {
    if (Files.isDirectory(root)) {
      return root;
    }
    List<byte[]> images = new ArrayList<>();
    try (Stream<Path> files = Files.list(examples)) {
      for (Path p : files.sorted().toList()) {
        images.add(Files.readAllBytes(p));
      }
    }
    int made = 0;
    int nonUtf8 = 0;
    StringBuilder script = new StringBuilder("set -e\n");
    for (int i = 0; made < count; i++) {
      Path dir = root.resolve(String.format("d%03d", i % 40)).resolve(NAMES[i % NAMES.length] + "-" + (i % 7));
      if (i % 5 == 0) {
        dir = dir.resolve("deep");
      }
      Files.createDirectories(dir);
      String name = NAMES[(i / 3) % NAMES.length] + "-" + i;
      Path file = dir.resolve(name + ".img");
      switch (i % 50) {
        case 7 -> Files.createSymbolicLink(file, Path.of("../" + name));
        case 8 -> Files.createSymbolicLink(file, Path.of("nowhere"));
        case 9 -> script.append("mkfifo '").append(file.toString().replace("'", "'\\''")).append("'\n");
        case 10 -> Files.createFile(file);
        case 11 -> {
          // A name that is not UTF-8: the report shows it escaped and keeps its bytes.
          script.append("printf 'x' > \"$(printf '%s/bad\\377\\376-%d.img' '")
              .append(dir.toString().replace("'", "'\\''").replace("%", "%%"))
              .append("' ").append(i).append(")\"\n");
          nonUtf8++;
        }
        default -> Files.write(file, images.get(i % images.size()));
      }
      made++;
    }
    Process p = new ProcessBuilder("sh", "-c", script.toString()).inheritIO().start();
    if (p.waitFor() != 0 || nonUtf8 == 0 && count >= 50) {
      throw new IOException("could not make the store's FIFOs and non-UTF-8 names");
    }
    return root;
  }
}
