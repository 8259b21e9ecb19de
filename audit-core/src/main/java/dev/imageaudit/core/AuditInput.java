package dev.imageaudit.core;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One input of an audit: a path to walk, an open file descriptor, a list of paths to read, or an
 * AVF VM config whose disk images are audited.
 */
public sealed interface AuditInput
    permits AuditInput.PathInput, AuditInput.FdInput, AuditInput.PathList, AuditInput.VmConfig {

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

  /**
   * An AVF VM config: the JSON file {@code vm run CONFIG} reads. Every disk image and partition
   * image it names is audited like any other file and appears among the report's entries; the
   * report's {@link AuditReport#configs()} then says whether crosvm could assemble each disk.
   *
   * <p>A path in the config that is relative resolves from the config file's folder (note that
   * {@code vm run} itself opens paths from its working directory; the report warns of this). Configs
   * are read before any other input is walked, and a file is audited once whoever names it: a file
   * named by a config and met again by a walk under the same path string yields one entry. The
   * config's paths are tidied lexically ({@code a/./b}, {@code dir/../b}) only where that names the
   * same file, so they meet a walk's paths when they spell the same file alike. A named file that
   * does not exist yields no entry, only a {@code missing-file} finding.
   *
   * @param file the config file
   */
  record VmConfig(Path file) implements AuditInput {
    public VmConfig {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String describe() {
      return file.toString();
    }
  }
}
