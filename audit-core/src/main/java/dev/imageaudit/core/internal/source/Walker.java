package dev.imageaudit.core.internal.source;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.StopSignal;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * Walks the inputs depth-first, each directory's entries in sorted order, and yields one {@link
 * WalkItem} per path met. Unlike {@code Files.walk}, a directory that cannot be listed becomes an
 * error entry and the walk goes on. Walked directories themselves are not entries.
 *
 * <p>On Linux a directory is listed natively ({@link DirectoryListing}): names as bytes, and the
 * type each entry has in the listing, so a regular file costs the walk no stat (the I/O thread's
 * open judges it and takes its size); any other type, or none, is stat-ed as with the JDK's listing,
 * which stays where the native one is not available or a directory cannot be read natively.
 *
 * <p>The walk honours back-pressure: it lists a directory only when the items before it have been
 * requested, so a huge store is never held in memory as a list of paths.
 *
 * <p>VM configs are read first, whatever the inputs' order: each is handed to the config sink,
 * then the files it names are yielded, each path once across all configs (a named file that does
 * not exist is not yielded: the config's findings report it). The rest of the walk then leaves out
 * any path a config already yielded, so a file is audited once whoever names it.
 */
public final class Walker {

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final LinkOption[] FOLLOW = {};

  // st_mode file types (sys/stat.h): what a BasicFileAttributes "other" file is.
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  /** How the walk lists a directory. */
  enum Listing {
    /** The JDK's directory stream: every entry is stat-ed to learn its type. */
    JDK,
    /** {@link DirectoryListing}: an entry the listing says is a regular file is not stat-ed. */
    NATIVE,
    /** As {@link #NATIVE} on a file system that gives no types: every entry is stat-ed (for tests). */
    NATIVE_WITHOUT_TYPES;

    static Listing best() {
      return DirectoryListing.AVAILABLE ? NATIVE : JDK;
    }
  }

  private final boolean followLinks;
  private final Consumer<LoadedConfig> configSink;
  private Listing listing = Listing.best();
  /** The native lister's buffer, made when the walk lists its first directory natively. */
  private DirectoryListing lister;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final Set<Object> directoriesOnPath = new HashSet<>();
  /** Paths yielded for VM configs: the walk of the other inputs leaves them out. */
  private final Set<String> configNamed = new HashSet<>();
  /** Directories deeper than this below an input are not entered but handed to {@link #subtrees}. */
  private int splitDepth = Integer.MAX_VALUE;
  private Consumer<Subtree> subtrees = subtree -> {};

  private Walker(List<AuditInput> inputs, boolean followLinks, Consumer<LoadedConfig> configSink) {
    this.followLinks = followLinks;
    this.configSink = configSink;
    // Configs first, each group in the given order: their files must be known before a walk meets them.
    List<AuditInput> ordered = new ArrayList<>(inputs);
    ordered.sort(Comparator.comparing(input -> !(input instanceof AuditInput.VmConfig)));
    stack.push(new InputsFrame(ordered.iterator()));
  }

  /** Returns the items of a walk over {@code inputs}; each subscription walks anew. */
  public static Flux<WalkItem> walk(List<AuditInput> inputs, boolean followLinks) {
    return walk(inputs, followLinks, config -> {});
  }

  /**
   * Returns the items of a walk over {@code inputs}, handing each VM config, once read, to {@code
   * configSink} on the walk's thread, before any file it names is yielded.
   */
  public static Flux<WalkItem> walk(List<AuditInput> inputs, boolean followLinks, Consumer<LoadedConfig> configSink) {
    return walk(inputs, followLinks, configSink, new StopSignal(), new AtomicBoolean());
  }

  /**
   * As {@link #walk(List, boolean, Consumer)}, ending early once {@code stop} is signalled: no item
   * is yielded after that, and {@code cutShort} is set if paths were left unwalked.
   */
  public static Flux<WalkItem> walk(
      List<AuditInput> inputs,
      boolean followLinks,
      Consumer<LoadedConfig> configSink,
      StopSignal stop,
      AtomicBoolean cutShort) {
    return walk(inputs, followLinks, configSink, stop, cutShort, Listing.best());
  }

  /** As {@link #walk(List, boolean)}, listing directories as {@code listing} says (for tests). */
  static Flux<WalkItem> walk(List<AuditInput> inputs, boolean followLinks, Listing listing) {
    return walk(inputs, followLinks, config -> {}, new StopSignal(), new AtomicBoolean(), listing);
  }

  private static Flux<WalkItem> walk(
      List<AuditInput> inputs,
      boolean followLinks,
      Consumer<LoadedConfig> configSink,
      StopSignal stop,
      AtomicBoolean cutShort,
      Listing listing) {
    if (listing != Listing.JDK && !DirectoryListing.AVAILABLE) {
      throw new IllegalStateException("directories cannot be listed natively here");
    }
    return Flux.generate(
        () -> {
          Walker walker = new Walker(inputs, followLinks, configSink);
          walker.listing = listing;
          return walker;
        },
        (walker, sink) -> {
          if (stop.stopped()) {
            cutShort.set(true);
            sink.complete();
            return walker;
          }
          WalkItem item = walker.next();
          if (item == null) {
            sink.complete();
          } else {
            sink.next(item);
          }
          return walker;
        });
  }

  /**
   * A directory a split walk met but did not enter: walking it with {@link #walkSubtree} gives the
   * items the whole walk yields inside it, in the same order and with the same names.
   *
   * @param display the report's name for it
   * @param target a descriptor's resolved target below it, or null
   * @param uri where it is: {@link Path#toUri()}, absolute and exact for any bytes
   * @param pathBytes the exact bytes of {@code display} in base64 when it is not their UTF-8, or null
   */
  public record Subtree(String display, String target, String uri, String pathBytes) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Walks {@code inputs} as {@link #walk} does (links not followed), but does not enter a directory
   * more than {@code depth} levels below an input (an input directory is level 0): each such
   * directory is handed to {@code subtrees} in its place, and every other item to {@code items},
   * both in walk order on the calling thread. Splicing each subtree's {@link #walkSubtree} items
   * where it was handed over gives exactly the whole walk.
   */
  public static void splitWalk(
      List<AuditInput> inputs, int depth, Consumer<WalkItem> items, Consumer<Subtree> subtrees) {
    if (depth < 0) {
      throw new IllegalArgumentException("depth must not be negative: " + depth);
    }
    Walker walker = new Walker(inputs, false, config -> {});
    walker.splitDepth = depth;
    walker.subtrees = subtrees;
    for (WalkItem item = walker.next(); item != null; item = walker.next()) {
      items.accept(item);
    }
  }

  /** Returns the items of the walk inside {@code subtree}, in walk order (links not followed). */
  public static Flux<WalkItem> walkSubtree(Subtree subtree) {
    return Flux.generate(
        () -> {
          Walker walker = new Walker(List.of(), false, config -> {});
          byte[] raw = subtree.pathBytes() == null ? null : java.util.Base64.getDecoder().decode(subtree.pathBytes());
          WalkItem first =
              walker.enter(subtree.display(), Path.of(java.net.URI.create(subtree.uri())), subtree.target(), null, raw);
          if (first instanceof WalkItem.Done done && subtree.pathBytes() != null) {
            // As visit() marks an entry of the whole walk: the folder that could not be listed.
            first = new WalkItem.Done(done.entry().withPathBytes(subtree.pathBytes()));
          }
          return new Object[] {walker, first};
        },
        (state, sink) -> {
          WalkItem item = (WalkItem) state[1];
          if (item != null) {
            state[1] = null;
          } else {
            item = ((Walker) state[0]).next();
          }
          if (item == null) {
            sink.complete();
          } else {
            sink.next(item);
          }
          return state;
        });
  }

  /**
   * Classifies one path named by a user, without walking it: a directory becomes an {@code
   * io-error} entry. Used by the synchronous single-file audit.
   */
  public static WalkItem classifyFile(Path path) {
    return classifyFile(path.toString(), path);
  }

  /** Classifies {@code path} as {@link #classifyFile(Path)} does, naming it {@code display}. */
  static WalkItem classifyFile(String display, Path path) {
    Walker walker = new Walker(List.of(), false, config -> {});
    WalkItem item = walker.visit(display, path, null, true, null);
    if (item == null) {
      walker.stack.pop();
      return new WalkItem.Done(new AuditEntry.Failed(display, null, ErrorKind.IO_ERROR, "is a directory"));
    }
    return item;
  }

  /** Returns the next item, or {@code null} when the walk is over. */
  WalkItem next() {
    while (!stack.isEmpty()) {
      Frame frame = stack.peek();
      WalkItem item;
      try {
        item = frame.next();
      } catch (RuntimeException e) {
        // A defect must not end the walk: report it against the frame and drop the frame.
        stack.pop();
        frame.close();
        return new WalkItem.Done(
            new AuditEntry.Failed(frame.display(), null, ErrorKind.INTERNAL, String.valueOf(e)));
      }
      if (item != null) {
        if (!(frame instanceof ConfigFrame) && configNamed.contains(item.display())) {
          continue;
        }
        return item;
      }
      if (frame == stack.peek() && frame.exhausted()) {
        stack.pop();
        frame.close();
      }
    }
    return null;
  }

  /**
   * Classifies the path met at {@code display}: returns its item, or pushes a directory frame and
   * returns {@code null}.
   *
   * @param follow follow a symbolic link at this path (true for paths a user named)
   */
  private WalkItem visit(String display, Path path, String target, boolean follow, byte[] raw) {
    WalkItem item = classify(display, path, target, follow, raw);
    if (raw == null || item == null) {
      return item;
    }
    String bytes = Names.base64(raw);
    if (item instanceof WalkItem.Done done) {
      return new WalkItem.Done(done.entry().withPathBytes(bytes));
    }
    WalkItem.Open open = (WalkItem.Open) item;
    return new WalkItem.Open(open.display(), open.target(), open.path(), open.followLinks(), open.statSize(), bytes);
  }

  private WalkItem classify(String display, Path path, String target, boolean follow, byte[] raw) {
    BasicFileAttributes attrs;
    boolean viaLink = follow;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, follow ? FOLLOW : NOFOLLOW);
      if (attrs.isSymbolicLink()) {
        if (!followLinks) {
          return skip(display, target, SkipReason.SYMLINK);
        }
        viaLink = true;
        try {
          attrs = Files.readAttributes(path, BasicFileAttributes.class, FOLLOW);
        } catch (NoSuchFileException e) {
          return skip(display, target, SkipReason.DANGLING_SYMLINK);
        }
      }
    } catch (FileSystemException e) {
      if (isLinkLoop(e)) {
        return skip(display, target, SkipReason.SYMLINK_LOOP);
      }
      return new WalkItem.Done(Failures.of(display, target, e));
    } catch (IOException e) {
      return new WalkItem.Done(Failures.of(display, target, e));
    }
    if (attrs.isDirectory()) {
      return enter(display, path, target, attrs.fileKey(), raw);
    }
    if (attrs.isRegularFile()) {
      return new WalkItem.Open(display, target, path, viaLink, attrs.size());
    }
    if (attrs.isSymbolicLink()) {
      // Only a link named by a user but not followable gets here (a race with its removal).
      return skip(display, target, SkipReason.SYMLINK);
    }
    return visitSpecial(display, path, target, viaLink, attrs);
  }

  private WalkItem visitSpecial(
      String display, Path path, String target, boolean viaLink, BasicFileAttributes attrs) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode", viaLink ? FOLLOW : NOFOLLOW);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // Without the unix view nothing tells a device from a pipe: never open what might block.
      return skip(display, target, SkipReason.FIFO);
    }
    switch (mode & S_IFMT) {
      case S_IFBLK:
        return new WalkItem.Open(display, target, path, viaLink, attrs.size());
      case S_IFCHR:
        return skip(display, target, SkipReason.CHARACTER_DEVICE);
      case S_IFSOCK:
        return skip(display, target, SkipReason.SOCKET);
      case S_IFIFO:
      default:
        return skip(display, target, SkipReason.FIFO);
    }
  }

  private WalkItem enter(String display, Path dir, String target, Object key, byte[] raw) {
    if (key != null && directoriesOnPath.contains(key)) {
      return skip(display, target, SkipReason.SYMLINK_LOOP);
    }
    int depth = stack.peek() instanceof DirectoryFrame parent ? parent.depth + 1 : 0;
    if (depth > splitDepth) {
      subtrees.accept(new Subtree(display, target, dir.toUri().toString(), raw == null ? null : Names.base64(raw)));
      return null;
    }
    if (listing != Listing.JDK) {
      List<DirectoryListing.Entry> entries = null;
      try {
        if (lister == null) {
          lister = new DirectoryListing();
        }
        entries = lister.list(dir);
      } catch (com.sun.jna.LastErrorException e) {
        // Not listable: the JDK's listing below fails too and reports it as it always has.
      }
      if (entries != null) {
        if (key != null) {
          directoriesOnPath.add(key);
        }
        stack.push(new NativeDirectoryFrame(display, target, key, dir, entries.iterator(), raw, depth));
        return null;
      }
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    } catch (IOException e) {
      return new WalkItem.Done(Failures.of(display, target, e));
    } catch (java.nio.file.DirectoryIteratorException e) {
      return new WalkItem.Done(Failures.of(display, target, e.getCause()));
    }
    // Path order on Unix is byte order of the names: deterministic whatever the file system returns.
    children.sort(null);
    if (key != null) {
      directoriesOnPath.add(key);
    }
    stack.push(new JdkDirectoryFrame(display, target, key, children.iterator(), raw, depth));
    return null;
  }

  private static WalkItem skip(String display, String target, SkipReason reason) {
    return new WalkItem.Done(new AuditEntry.Skipped(display, target, reason));
  }

  private static boolean isLinkLoop(FileSystemException e) {
    return e.getReason() != null && e.getReason().contains("levels of symbolic links");
  }

  private static String child(String parent, String name) {
    // concat, not +: an indy string concatenation runs through method handles under C1, once per path.
    return parent.endsWith("/") ? parent.concat(name) : parent.concat("/").concat(name);
  }

  /** One level of the walk. */
  private interface Frame {
    /** Returns the next item, or null when it pushed a frame or is exhausted. */
    WalkItem next();

    boolean exhausted();

    String display();

    default void close() {}
  }

  private final class InputsFrame implements Frame {
    private final Iterator<AuditInput> inputs;

    InputsFrame(Iterator<AuditInput> inputs) {
      this.inputs = inputs;
    }

    @Override
    public WalkItem next() {
      if (!inputs.hasNext()) {
        return null;
      }
      AuditInput input = inputs.next();
      if (input instanceof AuditInput.PathInput p) {
        return visit(p.describe(), p.path(), null, true, null);
      }
      if (input instanceof AuditInput.FdInput fd) {
        return visitFd(fd);
      }
      if (input instanceof AuditInput.VmConfig config) {
        LoadedConfig loaded = VmConfigReader.load(config.file());
        configSink.accept(loaded);
        stack.push(new ConfigFrame(loaded));
        return null;
      }
      AuditInput.PathList list = (AuditInput.PathList) input;
      stack.push(new PathListFrame(list));
      return null;
    }

    @Override
    public boolean exhausted() {
      return !inputs.hasNext();
    }

    @Override
    public String display() {
      return "inputs";
    }
  }

  private WalkItem visitFd(AuditInput.FdInput input) {
    String display = input.describe();
    Path path = Path.of("/proc/self/fd", Integer.toString(input.fd()));
    String target;
    try {
      target = Files.readSymbolicLink(path).toString();
    } catch (NoSuchFileException e) {
      return new WalkItem.Done(new AuditEntry.Failed(
          display, null, ErrorKind.BAD_FD, "file descriptor " + input.fd() + " is not open"));
    } catch (IOException e) {
      return new WalkItem.Done(Failures.of(display, null, e));
    }
    return visit(display, path, target, true, null);
  }

  /** One directory being walked: its entries in sorted order. */
  private abstract class DirectoryFrame implements Frame {
    final String display;
    final String target;
    private final Object key;
    /** The exact bytes of {@code display} when it is not their UTF-8, else null. */
    final byte[] raw;
    /** Levels below the input: 0 for an input directory itself. */
    final int depth;

    DirectoryFrame(String display, String target, Object key, byte[] raw, int depth) {
      this.raw = raw;
      this.depth = depth;
      this.display = display;
      this.target = target;
      this.key = key;
    }

    @Override
    public String display() {
      return display;
    }

    @Override
    public void close() {
      if (key != null) {
        directoriesOnPath.remove(key);
      }
    }
  }

  /** A directory listed by the JDK: each entry is stat-ed by {@link #visit}. */
  private final class JdkDirectoryFrame extends DirectoryFrame {
    private final Iterator<Path> children;

    JdkDirectoryFrame(String display, String target, Object key, Iterator<Path> children, byte[] raw, int depth) {
      super(display, target, key, raw, depth);
      this.children = children;
    }

    @Override
    public WalkItem next() {
      if (!children.hasNext()) {
        return null;
      }
      Path child = children.next();
      String name = child.getFileName().toString();
      if (raw == null && !Names.lossy(name)) {
        return visit(child(display, name), child, target == null ? null : child(target, name), false, null);
      }
      // A name (or a folder above it) that is not UTF-8: show it escaped, keep its exact bytes.
      byte[] nameBytes = Names.lossy(name) ? Names.lastComponent(child) : name.getBytes(StandardCharsets.UTF_8);
      String shown = Names.display(nameBytes);
      byte[] full = Names.join(raw != null ? raw : display.getBytes(StandardCharsets.UTF_8), nameBytes);
      String childDisplay = child(display, shown);
      // Valid UTF-8 the JDK could not decode (no UTF-8 locale, as under cron): the display is exact.
      byte[] exact = Arrays.equals(childDisplay.getBytes(StandardCharsets.UTF_8), full) ? null : full;
      return visit(childDisplay, child, target == null ? null : child(target, shown), false, exact);
    }

    @Override
    public boolean exhausted() {
      return !children.hasNext();
    }
  }

  /**
   * A directory listed natively: names come as bytes, and an entry the listing says is a regular
   * file is yielded without a stat (the I/O thread's open judges what it really is, and takes the
   * size from the open file). Any other type, or none (DT_UNKNOWN), is stat-ed by {@link #visit}
   * as the JDK's listing would be: links, folders, special files, races all end the same.
   */
  private final class NativeDirectoryFrame extends DirectoryFrame {
    private final Path dir;
    private final Iterator<DirectoryListing.Entry> children;

    NativeDirectoryFrame(
        String display, String target, Object key, Path dir, Iterator<DirectoryListing.Entry> children, byte[] raw,
        int depth) {
      super(display, target, key, raw, depth);
      this.dir = dir;
      this.children = children;
    }

    @Override
    public WalkItem next() {
      if (!children.hasNext()) {
        return null;
      }
      DirectoryListing.Entry entry = children.next();
      byte[] name = entry.name();
      String shown;
      boolean asText;
      if (DirectoryListing.isAscii(name)) {
        shown = new String(name, StandardCharsets.ISO_8859_1);
        asText = true;
      } else {
        // A name that is not UTF-8 is shown escaped; its exact bytes go with the entry.
        shown = Names.display(name);
        asText = Arrays.equals(shown.getBytes(StandardCharsets.UTF_8), name);
      }
      String childDisplay = child(display, shown);
      byte[] exact = null;
      if (raw != null || !asText) {
        byte[] full = Names.join(raw != null ? raw : display.getBytes(StandardCharsets.UTF_8), name);
        exact = Arrays.equals(childDisplay.getBytes(StandardCharsets.UTF_8), full) ? null : full;
      }
      Path child = DirectoryListing.child(dir, name, shown, asText);
      String childTarget = target == null ? null : child(target, shown);
      if (entry.type() == DirectoryListing.DT_REG && listing == Listing.NATIVE) {
        // With the folder and the name's bytes: the I/O thread opens it relative to the folder.
        return new WalkItem.Open(
            childDisplay, childTarget, child, false, WalkItem.Open.SIZE_UNKNOWN, exact == null ? null : Names.base64(exact),
            dir, name);
      }
      return visit(childDisplay, child, childTarget, false, exact);
    }

    @Override
    public boolean exhausted() {
      return !children.hasNext();
    }
  }

  /**
   * The files one VM config names, each classified as a path a user named (links followed, as
   * {@code vm run} opens them); a directory is an error entry, never walked.
   */
  private final class ConfigFrame implements Frame {
    private final LoadedConfig config;
    private final Iterator<LoadedConfig.NamedPath> paths;

    ConfigFrame(LoadedConfig config) {
      this.config = config;
      this.paths = config.namedPaths().iterator();
    }

    @Override
    public WalkItem next() {
      while (paths.hasNext()) {
        LoadedConfig.NamedPath named = paths.next();
        if (named.path() == null || configNamed.contains(named.display())) {
          continue;
        }
        WalkItem item = classifyFile(named.display(), named.path());
        if (item instanceof WalkItem.Done done
            && done.entry() instanceof AuditEntry.Failed failed
            && failed.kind() == ErrorKind.NOT_FOUND) {
          // Nothing to audit: the config's missing-file finding says it all.
          continue;
        }
        configNamed.add(named.display());
        return item;
      }
      return null;
    }

    @Override
    public boolean exhausted() {
      return !paths.hasNext();
    }

    @Override
    public String display() {
      return config.display();
    }
  }

  /** Paths read lazily from a stream, one per line or NUL-separated; each is a root. */
  private final class PathListFrame implements Frame {
    private final AuditInput.PathList list;
    private final InputStream in;
    private final int separator;
    private boolean ended;

    PathListFrame(AuditInput.PathList list) {
      this.list = list;
      this.in = new BufferedInputStream(list.stream());
      this.separator = list.nulSeparated() ? 0 : '\n';
    }

    @Override
    public WalkItem next() {
      String line;
      try {
        line = readName();
      } catch (IOException e) {
        ended = true;
        return new WalkItem.Done(Failures.of(list.name(), null, e));
      }
      if (line == null || line.isEmpty()) {
        return null;
      }
      Path path;
      try {
        path = Path.of(line);
      } catch (InvalidPathException e) {
        return new WalkItem.Done(new AuditEntry.Failed(line, null, ErrorKind.NOT_FOUND, "invalid path: " + e.getReason()));
      }
      return visit(line, path, null, true, null);
    }

    private String readName() throws IOException {
      if (ended) {
        return null;
      }
      ByteArrayOutputStream name = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != separator) {
        name.write(b);
      }
      if (b == -1) {
        ended = true;
        if (name.size() == 0) {
          return null;
        }
      }
      String text = name.toString(StandardCharsets.UTF_8);
      // Lists written on Windows end lines with CR LF; -0 is there for names that truly end in CR.
      if (separator == '\n' && text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      return text;
    }

    @Override
    public boolean exhausted() {
      return ended;
    }

    @Override
    public String display() {
      return list.name();
    }
  }
}
