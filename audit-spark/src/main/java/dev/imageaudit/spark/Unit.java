package dev.imageaudit.spark;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.internal.source.WalkItem;
import dev.imageaudit.report.JsonLinesDecoder;
import dev.imageaudit.report.JsonLinesEncoder;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * One path of the walk as it travels from the listing to the task that audits it: a file to open,
 * or an entry the walk already decided (a skip, a folder that could not be listed), kept as its
 * report.jsonl line. Small and serialisable; the walk's order is the order of the units.
 */
sealed interface Unit extends Serializable permits Unit.Open, Unit.Decided {

  /** Returns the walk's item again, on the executor. */
  WalkItem item();

  /** Returns the unit of a walk's item. */
  static Unit of(WalkItem item) {
    if (item instanceof WalkItem.Done done) {
      return new Decided(JsonLinesEncoder.encode(done.entry()));
    }
    WalkItem.Open open = (WalkItem.Open) item;
    // Absolute from the driver's working directory: an executor elsewhere opens the same file.
    String path = open.path().toAbsolutePath().toString();
    // A name the JDK could not decode only survives as its URI (the exact bytes, percent-encoded).
    boolean exact = open.pathBytes() == null && path.indexOf('\uFFFD') < 0;
    return new Open(
        open.display(), open.target(), exact ? path : null, exact ? null : open.path().toUri().toString(),
        open.followLinks(), open.statSize(), open.pathBytes());
  }

  /** A regular file or block device to open, named and located as the walk found it. */
  record Open(
      String display, String target, String path, String uri, boolean followLinks, long statSize, String pathBytes)
      implements Unit {
    private static final long serialVersionUID = 1L;

    @Override
    public WalkItem item() {
      Path where = path != null ? Path.of(path) : Path.of(URI.create(uri));
      return new WalkItem.Open(display, target, where, followLinks, statSize, pathBytes);
    }
  }

  /** An entry decided by the walk, as its report.jsonl line. */
  record Decided(byte[] line) implements Unit {
    private static final long serialVersionUID = 1L;

    @Override
    public WalkItem item() {
      AuditEntry entry = ((JsonLinesDecoder.EntryLine) JsonLinesDecoder.decode(line, 0, line.length)).entry();
      return new WalkItem.Done(entry);
    }
  }
}
