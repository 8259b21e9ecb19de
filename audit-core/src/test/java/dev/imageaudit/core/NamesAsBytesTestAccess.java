package dev.imageaudit.core;

import java.nio.file.Path;

/** Lets tests in other packages make files with a shell script, as {@link NamesAsBytesTest} does. */
public final class NamesAsBytesTestAccess {
  private NamesAsBytesTestAccess() {}

  /** Runs {@code script} with sh in {@code dir}; fails unless it exits 0. */
  public static void sh(Path dir, String script) throws Exception {
    NamesAsBytesTest.sh(dir, script);
  }
}
