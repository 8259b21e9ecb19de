package dev.imageaudit.core;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/** One input of an audit: a path to walk, an open file descriptor, or a list of paths to read. */
public sealed interface AuditInput permits AuditInput.PathInput, AuditInput.FdInput, AuditInput.PathList {

  /** Returns how the report's {@code inputs} names this input. */
  String describe();

  /** A file, block device or directory; directories are walked recursively in sorted order. */
  record PathInput(Path path) implements AuditInput {
    public PathInput {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String describe() {
      return path.toString();
    }
  }

  /**
   * A file descriptor open in this process, read through {@code /proc/self/fd/N}; the report names
   * it {@code fd:N}.
   */
  record FdInput(int fd) implements AuditInput {
    public FdInput {
      if (fd < 0) {
        throw new IllegalArgumentException("a file descriptor is not negative: " + fd);
      }
    }

    @Override
    public String describe() {
      return "fd:" + fd;
    }
  }

  /**
   * Paths read from a stream, one per line or NUL-separated; each is then treated as a {@link
   * PathInput}. The stream is read lazily, as the audit goes, and not closed.
   *
   * @param name how the report names the stream, for example {@code stdin}
   * @param stream the bytes to read; names are decoded as UTF-8
   * @param nulSeparated true for NUL-separated paths ({@code find -print0}), false for lines
   */
  record PathList(String name, InputStream stream, boolean nulSeparated) implements AuditInput {
    public PathList {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(stream, "stream");
    }

    @Override
    public String describe() {
      return name;
    }
  }
}
