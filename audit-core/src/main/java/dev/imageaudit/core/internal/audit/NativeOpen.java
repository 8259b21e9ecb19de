package dev.imageaudit.core.internal.audit;

import com.sun.jna.LastErrorException;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.internal.format.Formats;
import dev.imageaudit.core.internal.source.Failures;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.LinuxFiles;
import dev.imageaudit.core.internal.source.NativeSource;
import dev.imageaudit.core.internal.source.WalkItem;
import java.io.IOException;

/**
 * Opens one file the walk found without blocking and without following a link, judges what the
 * open descriptor really is, and audits it. Whatever changed since the walk met the path is
 * reported as what it now is: a FIFO or socket swapped in is skipped as such (never waited on), a
 * link swapped in is skipped as a link, a directory is an error.
 */
final class NativeOpen {

  private static final byte[] EMPTY_PATH = {0};

  private NativeOpen() {}

  static AuditEntry audit(WalkItem.Open item, java.util.Set<dev.imageaudit.core.Flag> hashHead) {
    int flags = LinuxFiles.O_RDONLY | LinuxFiles.O_NONBLOCK | LinuxFiles.O_NOCTTY | LinuxFiles.O_CLOEXEC;
    if (!item.followLinks()) {
      flags |= LinuxFiles.O_NOFOLLOW;
    }
    int fd = FolderHandle.NO_FOLDER;
    if (item.dir() != null && item.name() != null) {
      try {
        fd = FolderHandle.openat(item.dir(), item.name(), flags);
      } catch (LastErrorException e) {
        return openFailed(item, e.getErrorCode());
      }
    }
    if (fd == FolderHandle.NO_FOLDER) {
      try {
        fd = LinuxFiles.openRetrying(LinuxFiles.AT_FDCWD, LinuxFiles.cPath(item.path()), flags);
      } catch (LastErrorException e) {
        return openFailed(item, e.getErrorCode());
      }
    }
    try {
      LinuxFiles.ReadBuffer buffer = LinuxFiles.ReadBuffer.get();
      LinuxFiles.statx(fd, EMPTY_PATH, LinuxFiles.AT_EMPTY_PATH, LinuxFiles.STATX_TYPE | LinuxFiles.STATX_SIZE, buffer.statx);
      int type = (buffer.statx.getShort(LinuxFiles.STATX_MODE_OFFSET) & 0xffff) & LinuxFiles.S_IFMT;
      long stSize = buffer.statx.getLong(LinuxFiles.STATX_SIZE_OFFSET);
      switch (type) {
        case LinuxFiles.S_IFREG:
          if (stSize == 0) {
            // Nothing to read: an empty file is judged without a read.
            return Auditor.judge(item.display(), item.target(), new ByteArraySource(new byte[0]), 0, hashHead);
          }
          if (stSize > LinuxFiles.ReadBuffer.SIZE) {
            // Read only what the plan asks for: no read-ahead past the head, which a store of large
            // images would otherwise pay for in page cache (see LinuxFiles.posix_fadvise). Advice only:
            // a file system that ignores it is read as before.
            LinuxFiles.posix_fadvise(fd, 0, 0, LinuxFiles.POSIX_FADV_RANDOM);
          }
          return Auditor.judge(
              item.display(), item.target(), new NativeSource(fd, stSize, Caps.PER_FILE, buffer, Formats.plan(stSize)), stSize, hashHead);
        case LinuxFiles.S_IFBLK:
          // A block device's st_size is 0; its capacity is where its end is.
          long capacity = LinuxFiles.lseek(fd, 0, LinuxFiles.SEEK_END);
          return Auditor.judge(
              item.display(), item.target(), new NativeSource(fd, capacity, Caps.PER_FILE, buffer, Formats.plan(capacity)), stSize, hashHead);
        case LinuxFiles.S_IFIFO:
          return skipped(item, SkipReason.FIFO);
        case LinuxFiles.S_IFSOCK:
          return skipped(item, SkipReason.SOCKET);
        case LinuxFiles.S_IFCHR:
          return skipped(item, SkipReason.CHARACTER_DEVICE);
        case LinuxFiles.S_IFDIR:
          return new AuditEntry.Failed(
              item.display(), item.target(), ErrorKind.IO_ERROR, "is a directory (it became one after the walk met it)");
        default:
          return new AuditEntry.Failed(
              item.display(), item.target(), ErrorKind.IO_ERROR, "not a file image-audit reads (type " + Integer.toOctalString(type) + ")");
      }
    } catch (LastErrorException e) {
      return new AuditEntry.Failed(item.display(), item.target(), ErrorKind.IO_ERROR, LinuxFiles.strerror(e.getErrorCode()));
    } catch (IOException e) {
      return Failures.of(item.display(), item.target(), e);
    } catch (RuntimeException e) {
      // A defect here must not end the run: the path is reported with it and the audit goes on.
      return new AuditEntry.Failed(item.display(), item.target(), ErrorKind.INTERNAL, String.valueOf(e));
    } finally {
      try {
        LinuxFiles.close(fd);
      } catch (LastErrorException ignored) {
        // A read-only descriptor has nothing to flush: a failed close loses nothing.
      }
    }
  }

  private static AuditEntry openFailed(WalkItem.Open item, int errno) {
    return switch (errno) {
      case LinuxFiles.ENOENT, LinuxFiles.ENOTDIR ->
          new AuditEntry.Failed(item.display(), item.target(), ErrorKind.NOT_FOUND, "no such file or directory");
      case LinuxFiles.EACCES, LinuxFiles.EPERM ->
          new AuditEntry.Failed(item.display(), item.target(), ErrorKind.ACCESS_DENIED, "permission denied");
      // O_NOFOLLOW met a link: one was swapped in after the walk saw a file.
      case LinuxFiles.ELOOP -> skipped(item, SkipReason.SYMLINK);
      // Opening a Unix socket fails with ENXIO.
      case LinuxFiles.ENXIO -> skipped(item, SkipReason.SOCKET);
      default -> new AuditEntry.Failed(item.display(), item.target(), ErrorKind.IO_ERROR, LinuxFiles.strerror(errno));
    };
  }

  private static AuditEntry skipped(WalkItem.Open item, SkipReason reason) {
    return new AuditEntry.Skipped(item.display(), item.target(), reason);
  }
}
