package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.PreparingRunSink;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import java.io.IOException;

/** Sinks put together. */
final class RunSinks {

  private RunSinks() {}

  /**
   * Returns a sink that tells {@code first}, then {@code second}, of everything; {@code first}
   * still prepares its entries on the threads that audited them ({@link PreparingRunSink}).
   */
  static <P> PreparingRunSink<P> tee(PreparingRunSink<P> first, RunSink second) {
    return new PreparingRunSink<>() {
      @Override
      public void begin(RunStart start) throws IOException {
        first.begin(start);
        second.begin(start);
      }

      @Override
      public P prepare(AuditEntry entry) {
        return first.prepare(entry);
      }

      @Override
      public void entry(AuditEntry entry, P prepared) throws IOException {
        first.entry(entry, prepared);
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
