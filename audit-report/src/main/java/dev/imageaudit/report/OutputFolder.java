package dev.imageaudit.report;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The folder a run's outputs go to: image-audit owns it and replaces it whole, by swapping in a
 * staging folder made beside it, so readers see the old set of outputs or the new one, never a mix.
 *
 * <p>A folder is image-audit's when it holds the marker file {@value #MARKER} (every set written
 * has one), or holds nothing but the outputs' names (a set written before the marker existed), or
 * is empty. Any other existing folder is refused with an IOException before anything is written,
 * so a mistaken {@code --output $HOME} can never be swapped away; so is a mount point, which no
 * rename can replace. A link to a folder is followed:
 * the folder it points to is replaced and the link kept.
 *
 * <p>Staging folders are named {@code .NAME.new-RANDOM}; an old set moved aside is {@code
 * .NAME.old-RANDOM}. A live staging folder's marker is locked by its process; an unlocked one was
 * left by a process that died (SIGKILL, power loss) and is deleted when the next set is staged.
 */
final class OutputFolder {

  /** The marker file in every folder image-audit writes. */
  static final String MARKER = ".image-audit";

  private static final String MARKER_TEXT =
      "This folder is written by image-audit and replaced whole by each run: keep nothing else here.\n";

  /** Names an output folder may hold without the marker: the outputs of a set written before it. */
  private static final Set<String> OUTPUT_NAMES =
      Set.of(MARKER, "report.json", "report.jsonl", "report.html", "metrics.prom");

  /** Temporary files of the per-file writer that earlier versions used, left by a crash. */
  private static final Pattern OLD_TEMP = Pattern.compile("\\.(report\\.(json|jsonl|html)|metrics\\.prom)\\.[0-9a-z]+\\.tmp");

  /** Staging names keep at most this many characters of the folder's name, so they fit in 255 bytes. */
  private static final int STEM_CHARS = 64;

  private static final int ATTEMPTS = 100;

  /** Staging folders of this JVM still in use: their markers are never opened by the stale sweep. */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  /** Swaps two folders in one step, or returns false when this platform cannot. */
  @FunctionalInterface
  interface Exchange {
    boolean exchange(Path a, Path b) throws IOException;
  }

  private final Path given;
  private final Path target;
  private final Exchange exchange;

  private OutputFolder(Path given, Path target, Exchange exchange) {
    this.given = given;
    this.target = target;
    this.exchange = exchange;
  }

  /**
   * Returns the output folder {@code given} names, making its parent folders if needed.
   *
   * @throws IOException if it exists and is not a folder image-audit may replace, or its parent
   *     cannot be made
   */
  static OutputFolder of(Path given, Exchange exchange) throws IOException {
    Path absolute = given.toAbsolutePath();
    Path target;
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      // Links (the folder itself or a parent) resolved, so the swap happens where the files are.
      target = absolute.toRealPath();
    } else {
      Path parent = absolute.getParent();
      Files.createDirectories(parent);
      target = parent.toRealPath().resolve(absolute.getFileName());
    }
    if (target.getParent() == null) {
      throw new FileSystemException(given.toString(), null, "the root folder cannot be an output folder");
    }
    OutputFolder folder = new OutputFolder(given, target, exchange);
    folder.checkReplaceable();
    return folder;
  }

  /** Returns the folder as the caller named it. */
  Path given() {
    return given;
  }

  /**
   * Checks that the folder is absent, or is a folder image-audit may replace whole.
   *
   * @throws IOException naming why not
   */
  void checkReplaceable() throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isDirectory()) {
      throw new FileSystemException(given.toString(), null, "not a folder");
    }
    if (!Files.getFileStore(target).equals(Files.getFileStore(target.getParent()))) {
      // A mount point cannot be renamed: the swap would fail after the whole run.
      throw new FileSystemException(
          given.toString(), null, "a mount point; the output folder is replaced whole, so name a folder inside it");
    }
    if (Files.exists(target.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!OUTPUT_NAMES.contains(name) && !OLD_TEMP.matcher(name).matches()) {
          throw new FileSystemException(
              given.toString(),
              null,
              "not empty and not made by image-audit (it has no " + MARKER + " file); an output folder is"
                  + " replaced whole, so name a new or empty folder");
        }
      }
    }
  }

  /**
   * Makes a new staging folder beside the output folder, with its marker written and locked, after
   * deleting the staging folders that dead runs left.
   */
  Staging stage() throws IOException {
    sweepAbandoned();
    Path parent = target.getParent();
    for (int attempt = 1; ; attempt++) {
      Path dir = parent.resolve(stem() + ".new-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        continue;
      }
      LIVE.add(dir);
      try {
        return Staging.lockAndMark(dir);
      } catch (IOException | RuntimeException | Error e) {
        LIVE.remove(dir);
        try {
          Trees.delete(dir);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /**
   * Puts {@code staging}'s outputs in place of the folder's, all at once: renames it in when there
   * is no folder yet; else exchanges the two with {@code renameat2(RENAME_EXCHANGE)} and deletes
   * the old set. Where exchange is not possible, moves the old set aside, renames the new one in
   * and deletes the old one: for that moment the folder is missing, but never mixed.
   *
   * @throws IOException if the folder became something image-audit may not replace, or a rename
   *     failed (the old set is then still in place)
   */
  void replaceWith(Staging staging) throws IOException {
    checkReplaceable();
    Path parent = target.getParent();
    Path staged = staging.dir();
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      syncFolder(parent);
      return;
    }
    if (exchange.exchange(staged, target)) {
      syncFolder(parent);
      // The staging name now holds the old set; if it cannot all go now, the next run sweeps it.
      deleteQuietly(staged);
      return;
    }
    Path old = unusedName(".old-");
    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    syncFolder(parent);
    deleteQuietly(old);
  }

  /** Syncs a folder so the renames in it survive a crash; not every platform can open a folder. */
  static void syncFolder(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a folder this way; the renames have happened regardless.
    }
  }

  private String stem() {
    String name = target.getFileName().toString();
    if (name.length() > STEM_CHARS) {
      int end = Character.isHighSurrogate(name.charAt(STEM_CHARS - 1)) ? STEM_CHARS - 1 : STEM_CHARS;
      name = name.substring(0, end);
    }
    return "." + name;
  }

  private Path unusedName(String kind) throws IOException {
    Path parent = target.getParent();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Path candidate = parent.resolve(stem() + kind + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
    throw new FileAlreadyExistsException(parent.resolve(stem() + kind).toString());
  }

  /** Deletes the staging and old-set folders beside this one that no live run holds. */
  private void sweepAbandoned() {
    String newPrefix = stem() + ".new-";
    String oldPrefix = stem() + ".old-";
    try (DirectoryStream<Path> siblings =
        Files.newDirectoryStream(
            target.getParent(),
            p -> {
              String name = p.getFileName().toString();
              return name.startsWith(newPrefix) || name.startsWith(oldPrefix);
            })) {
      for (Path sibling : siblings) {
        if (!LIVE.contains(sibling)
            && Files.isDirectory(sibling, LinkOption.NOFOLLOW_LINKS)
            && abandoned(sibling)) {
          deleteQuietly(sibling);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Sweeping is tidying up after others; it must never stop this run.
    }
  }

  /**
   * Returns true when {@code dir}'s marker exists and no process holds its lock. A folder without
   * a marker is left alone: it is not known to be image-audit's, or is a moment old.
   */
  private static boolean abandoned(Path dir) {
    try (FileChannel marker =
        FileChannel.open(dir.resolve(MARKER), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = marker.tryLock();
      if (lock == null) {
        return false;
      }
      lock.release();
      return true;
    } catch (IOException | OverlappingFileLockException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Trees.delete(dir);
    } catch (IOException e) {
      // Left for the next run's sweep: the outputs are in place, which is what matters.
    }
  }

  /**
   * A staging folder and the lock on its marker, held while the run writes into it and until its
   * set is committed or abandoned: the lock tells other runs this folder is alive.
   */
  static final class Staging implements Closeable {
    private final Path dir;
    private final FileChannel marker;

    private Staging(Path dir, FileChannel marker) {
      this.dir = dir;
      this.marker = marker;
    }

    static Staging lockAndMark(Path dir) throws IOException {
      FileChannel marker = FileChannel.open(dir.resolve(MARKER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        if (marker.tryLock() == null) {
          throw new IOException("cannot lock " + dir.resolve(MARKER));
        }
        ByteBuffer text = ByteBuffer.wrap(MARKER_TEXT.getBytes(StandardCharsets.UTF_8));
        while (text.hasRemaining()) {
          marker.write(text);
        }
        marker.force(true);
        return new Staging(dir, marker);
      } catch (IOException | RuntimeException e) {
        marker.close();
        throw e;
      }
    }

    /** Returns the staging folder. */
    Path dir() {
      return dir;
    }

    /** Releases the marker's lock; the folder itself is left as it is. Idempotent. */
    @Override
    public void close() throws IOException {
      LIVE.remove(dir);
      marker.close();
    }
  }
}
