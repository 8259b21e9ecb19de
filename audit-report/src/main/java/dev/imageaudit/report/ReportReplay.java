package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunSink;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.VmConfigAudit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds results read back from reports into a {@link RunSink} as one run, so the same writers that
 * render a scan render them ({@link ReportSet}: one renderer, two sources): {@code begin}, every
 * entry of every source in order, then {@code end}.
 *
 * <p>A source is what {@link ReportReader#open} takes. With one source, the run is that run:
 * its tool version, times, inputs, VM configs and interruption, and report.jsonl comes out byte
 * for byte as it went in. With several, they are one run: started at the earliest start, finished
 * at the latest finish, inputs and VM configs one source after another, interrupted as the first
 * interrupted source. The summary is counted again from the entries, in constant memory; each
 * source's entries must add up to its own summary record, so a missing or extra part is caught
 * rather than rendered.
 */
public final class ReportReplay {

  private ReportReplay() {}

  /**
   * Replays {@code sources} into {@code sink} and returns the run's end as given to it.
   *
   * @throws ReportReader.ReportFormatException if a source cannot be read, is not a whole report,
   *     or its entries disagree with its summary record
   * @throws IOException if the sink fails
   */
  public static RunEnd replay(List<Path> sources, RunSink sink) throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source to replay");
    }
    // The summary records first (cheap: a folder's _SUMMARY.json, a file's last line): begin() needs them.
    List<JsonLinesDecoder.SummaryLine> records = new ArrayList<>(sources.size());
    for (Path source : sources) {
      try (ReportReader reader = ReportReader.open(source)) {
        records.add(reader.peekSummary());
      } catch (ReportReader.ReportFormatException e) {
        throw e;
      } catch (IOException e) {
        throw unreadable(source, e);
      }
    }
    RunStart start = start(records);
    sink.begin(start);
    AuditSummary.Tally whole = new AuditSummary.Tally();
    for (int i = 0; i < sources.size(); i++) {
      AuditSummary.Tally own = new AuditSummary.Tally();
      try (ReportReader reader = ReportReader.open(sources.get(i))) {
        for (AuditEntry entry = next(reader, sources.get(i)); entry != null; entry = next(reader, sources.get(i))) {
          own.add(entry);
          whole.add(entry);
          sink.entry(entry);
        }
        AuditSummary recorded = reader.summary().end().summary();
        if (!recorded.equals(own.summary())) {
          throw new ReportReader.ReportFormatException(
              sources.get(i)
                  + ": its entries do not add up to its summary record ("
                  + own.summary().files()
                  + " entries read, "
                  + recorded.files()
                  + " recorded): a part is missing or was added",
              null);
        }
      }
    }
    RunEnd end = end(records, whole.summary());
    sink.end(start, end);
    return end;
  }

  /** Reads the next entry; a source that fails to read is a {@link ReportReader.ReportFormatException}, not the sink's. */
  private static AuditEntry next(ReportReader reader, Path source) throws IOException {
    try {
      return reader.next();
    } catch (ReportReader.ReportFormatException e) {
      throw e;
    } catch (IOException e) {
      throw unreadable(source, e);
    }
  }

  private static ReportReader.ReportFormatException unreadable(Path source, IOException e) {
    String why = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
        ? fse.getReason()
        : String.valueOf(e.getMessage());
    return new ReportReader.ReportFormatException(source + ": cannot be read: " + why, e);
  }

  private static RunStart start(List<JsonLinesDecoder.SummaryLine> records) {
    if (records.size() == 1) {
      return records.get(0).start();
    }
    Instant started = records.get(0).start().startedAt();
    List<String> inputs = new ArrayList<>();
    for (JsonLinesDecoder.SummaryLine r : records) {
      started = r.start().startedAt().isBefore(started) ? r.start().startedAt() : started;
      inputs.addAll(r.start().inputs());
    }
    return new RunStart(records.get(0).start().toolVersion(), started, inputs);
  }

  private static RunEnd end(List<JsonLinesDecoder.SummaryLine> records, AuditSummary summary) {
    Instant finished = records.get(0).end().finishedAt();
    List<VmConfigAudit> configs = new ArrayList<>();
    String interrupted = null;
    for (JsonLinesDecoder.SummaryLine r : records) {
      finished = r.end().finishedAt().isAfter(finished) ? r.end().finishedAt() : finished;
      configs.addAll(r.end().configs());
      if (interrupted == null) {
        interrupted = r.end().interrupted();
      }
    }
    return new RunEnd(finished, summary, configs, interrupted);
  }
}
