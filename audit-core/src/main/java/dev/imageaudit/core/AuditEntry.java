package dev.imageaudit.core;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the audit says about one path: an {@link Image}, a {@link Skipped} path or a {@link Failed}
 * one. Every path an audit meets yields exactly one entry.
 */
public sealed interface AuditEntry permits AuditEntry.Image, AuditEntry.Skipped, AuditEntry.Failed {

  /** Returns the path as the report names it: the path as walked, or {@code fd:N} for a descriptor. */
  String path();

  /** Returns what a descriptor resolved to ({@code /proc/self/fd/N}'s target), or {@code null}. */
  String target();

  /**
   * Returns the exact bytes of the path, base64-encoded (RFC 4648, with padding), when {@link
   * #path()} is not their UTF-8: a name that is not valid UTF-8 is shown in {@code path} with each
   * byte that is not part of a valid sequence written {@code \xNN}, and only this field gives the
   * bytes back. {@code null} when {@code path} is exact.
   */
  String pathBytes();

  /** Returns this entry with {@link #pathBytes()} set to {@code pathBytes}. */
  AuditEntry withPathBytes(String pathBytes);

  /**
   * An image that was read and judged.
   *
   * @param path the report's name for it
   * @param target a descriptor's resolved target, or {@code null}
   * @param format the format named from its bytes
   * @param fileSize bytes in the file (st_size; for a block device, its capacity)
   * @param virtualSize the disk's size as its header gives it, or {@code null} when the header is unreadable
   * @param partitionSize the size virtmgr computes for it as a partition, or {@code null} when virtmgr would not
   * @param partition virtmgr's verdict on it as a partition image
   * @param disk crosvm's verdict on it as a whole-disk image
   * @param flags findings, in the order of {@link Flag}
   * @param details the format's typed header fields and the audit's notes ({@link ImageDetails#toMap()} is the JSON)
   * @param bytesRead bytes read from the file to reach this verdict
   * @param pathBytes the path's exact bytes in base64 when {@code path} is not them, or {@code null}
   */
  record Image(
      String path,
      String target,
      ImageFormat format,
      long fileSize,
      U64 virtualSize,
      U64 partitionSize,
      Verdict partition,
      Verdict disk,
      Set<Flag> flags,
      ImageDetails details,
      long bytesRead,
      String pathBytes)
      implements AuditEntry {

    /** An image whose path is exactly its UTF-8 name. */
    public Image(
        String path,
        String target,
        ImageFormat format,
        long fileSize,
        U64 virtualSize,
        U64 partitionSize,
        Verdict partition,
        Verdict disk,
        Set<Flag> flags,
        ImageDetails details,
        long bytesRead) {
      this(path, target, format, fileSize, virtualSize, partitionSize, partition, disk, flags, details, bytesRead, null);
    }

    @Override
    public Image withPathBytes(String pathBytes) {
      return new Image(path, target, format, fileSize, virtualSize, partitionSize, partition, disk, flags, details,
          bytesRead, pathBytes);
    }

    public Image {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(disk, "disk");
      flags = Collections.unmodifiableSet(new TreeSet<>(flags));
      Objects.requireNonNull(details, "details");
    }
  }

  /**
   * A path that was met but deliberately not opened.
   *
   * @param path the report's name for it
   * @param target a descriptor's resolved target, or {@code null}
   * @param reason why it was skipped
   * @param pathBytes the path's exact bytes in base64 when {@code path} is not them, or {@code null}
   */
  record Skipped(String path, String target, SkipReason reason, String pathBytes) implements AuditEntry {

    /** A skip whose path is exactly its UTF-8 name. */
    public Skipped(String path, String target, SkipReason reason) {
      this(path, target, reason, null);
    }

    @Override
    public Skipped withPathBytes(String pathBytes) {
      return new Skipped(path, target, reason, pathBytes);
    }

    public Skipped {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A path that could not be audited; the audit is then incomplete.
   *
   * @param path the report's name for it
   * @param target a descriptor's resolved target, or {@code null}
   * @param kind the kind of failure
   * @param message what failed, for a person
   * @param pathBytes the path's exact bytes in base64 when {@code path} is not them, or {@code null}
   */
  record Failed(String path, String target, ErrorKind kind, String message, String pathBytes) implements AuditEntry {

    /** A failure whose path is exactly its UTF-8 name. */
    public Failed(String path, String target, ErrorKind kind, String message) {
      this(path, target, kind, message, null);
    }

    @Override
    public Failed withPathBytes(String pathBytes) {
      return new Failed(path, target, kind, message, pathBytes);
    }

    public Failed {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }
}
