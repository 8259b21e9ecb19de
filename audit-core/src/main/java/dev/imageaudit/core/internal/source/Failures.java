package dev.imageaudit.core.internal.source;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ErrorKind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A path that could not be read, as its report entry: errors are values, with their kind. */
public final class Failures {
  private Failures() {}

  /** Returns the entry for a path that could not be read. */
  public static AuditEntry.Failed of(String display, String target, IOException e) {
    ErrorKind kind;
    if (e instanceof NoSuchFileException) {
      kind = ErrorKind.NOT_FOUND;
    } else if (e instanceof AccessDeniedException) {
      kind = ErrorKind.ACCESS_DENIED;
    } else {
      kind = ErrorKind.IO_ERROR;
    }
    return new AuditEntry.Failed(display, target, kind, message(kind, e));
  }

  private static String message(ErrorKind kind, IOException e) {
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return switch (kind) {
      case NOT_FOUND -> "no such file or directory";
      case ACCESS_DENIED -> "permission denied";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
