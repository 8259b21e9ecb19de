package dev.imageaudit.cli;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the stdout summary needs of a run, kept in bounded memory: counts, the first few images not
 * accepted and the first few errors (the report files have the rest).
 */
final class RunTally implements RunSink {

  private final Set<Flag> failOn;
  private final List<AuditEntry.Image> notAccepted = new ArrayList<>();
  private final List<AuditEntry.Failed> failures = new ArrayList<>();
  private final Map<Flag, Long> flagCounts = new EnumMap<>(Flag.class);
  private long notAcceptedCount;
  private long matching;
  private RunStart start;
  private RunEnd end;

  RunTally(Set<Flag> failOn) {
    this.failOn = failOn;
  }

  @Override
  public void begin(RunStart start) {
    this.start = start;
  }

  @Override
  public void entry(AuditEntry entry) {
    if (entry instanceof AuditEntry.Image image) {
      if (image.partition().decision() != Verdict.Decision.ACCEPTED) {
        notAcceptedCount++;
        if (notAccepted.size() < Summary.MAX_REJECTED) {
          notAccepted.add(image);
        }
      }
      boolean matches = false;
      for (Flag flag : image.flags()) {
        flagCounts.merge(flag, 1L, Long::sum);
        matches |= failOn.contains(flag);
      }
      if (matches) {
        matching++;
      }
    } else if (entry instanceof AuditEntry.Failed failed && failures.size() < Summary.MAX_ERRORS) {
      failures.add(failed);
    }
  }

  @Override
  public void end(RunStart start, RunEnd end) {
    this.end = end;
  }

  RunStart start() {
    return start;
  }

  RunEnd end() {
    return end;
  }

  /** Images carrying at least one flag of {@code --fail-on}. */
  long matching() {
    return matching;
  }

  /** The first {@link Summary#MAX_REJECTED} images virtmgr would not accept as partitions. */
  List<AuditEntry.Image> notAccepted() {
    return Collections.unmodifiableList(notAccepted);
  }

  long notAcceptedCount() {
    return notAcceptedCount;
  }

  /** The first {@link Summary#MAX_ERRORS} failed entries. */
  List<AuditEntry.Failed> failures() {
    return Collections.unmodifiableList(failures);
  }

  Map<Flag, Long> flagCounts() {
    return Collections.unmodifiableMap(flagCounts);
  }
}
