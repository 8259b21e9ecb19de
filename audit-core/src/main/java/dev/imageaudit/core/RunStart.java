package dev.imageaudit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is known of a run when it starts, before any entry: which tool, when, on which inputs.
 *
 * @param toolVersion image-audit's version
 * @param startedAt when the run started
 * @param inputs the inputs as given ({@code examples/image-store}, {@code fd:3}, {@code stdin})
 */
public record RunStart(String toolVersion, Instant startedAt, List<String> inputs) {
  public RunStart {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(startedAt, "startedAt");
    inputs = List.copyOf(inputs);
  }
}
