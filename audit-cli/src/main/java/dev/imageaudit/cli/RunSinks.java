package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import java.io.IOException;

/** Sinks put together. */
final class RunSinks {

  private RunSinks() {}

  /** Returns a sink that tells {@code first}, then {@code second}, of everything. */
  static RunSink tee(RunSink first, RunSink second) {
    return new RunSink() {
      @Override
      public void begin(RunStart start) throws IOException {
        first.begin(start);
        second.begin(start);
      }

      @Override
      public void entry(AuditEntry entry) throws IOException {
        first.entry(entry);
        second.entry(entry);
      }

      @Override
      public void end(RunStart start, RunEnd end) throws IOException {
        first.end(start, end);
        second.end(start, end);
      }
    };
  }
}
