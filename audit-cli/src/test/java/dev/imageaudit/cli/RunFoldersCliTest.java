package dev.imageaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --format, --output's {date}/{time} placeholders and --keep, through the command line. */
class RunFoldersCliTest {

  @TempDir Path tmp;

  @Test
  void formatsChooseTheFilesWritten() throws IOException {
    Path out = tmp.resolve("out");
    Cli.Result result = Cli.run("scan", "-q", "--format", "sarif,csv", "--format", "junit", "-o", out.toString(),
        Cli.exampleStore().toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.FLAGGED);
    assertThat(names(out)).containsExactly(".image-audit", "report.csv", "report.junit.xml", "report.sarif");
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    Cli.Result result = Cli.run("scan", "--format", "xml", "-o", tmp.resolve("out").toString(), Cli.exampleStore().toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("unknown --format 'xml'; known formats: jsonl, json, html, prom, sarif, junit, csv");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void placeholdersNameAFolderPerRunAndKeepPrunesOnlyOlderRunFolders() throws IOException {
    Path reports = Files.createDirectories(tmp.resolve("reports"));
    // Older runs image-audit wrote, and look-alikes it did not.
    for (String old : List.of("run-2026-01-01-000000", "run-2026-01-02-000000", "run-2026-01-03-000000")) {
      Files.createDirectories(reports.resolve(old));
      Files.writeString(reports.resolve(old).resolve(".image-audit"), "marker\n");
    }
    Files.createDirectories(reports.resolve("run-2025-12-31-000000")); // no marker: not image-audit's
    Files.writeString(reports.resolve("run-2025-12-31-000000").resolve("notes.txt"), "mine\n");
    Files.writeString(reports.resolve("run-2025-12-30-000000"), "a file, not a folder\n");
    Files.createDirectories(reports.resolve("other-2025-01-01-000000"));
    Files.writeString(reports.resolve("other-2025-01-01-000000").resolve(".image-audit"), "marker\n");
    Files.createSymbolicLink(reports.resolve("run-2025-12-29-000000"), reports.resolve("run-2026-01-01-000000"));

    String pattern = reports + "/run-{date}-{time}";
    Cli.Result result = Cli.run("scan", "-q", "--keep", "2", "-o", pattern, Cli.exampleStore().toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.FLAGGED);

    String today = LocalDate.now(ZoneOffset.UTC).toString();
    List<String> left = names(reports);
    String written = left.stream().filter(n -> n.startsWith("run-" + today + "-")).findFirst().orElseThrow();
    assertThat(written).matches("run-\\d{4}-\\d{2}-\\d{2}-\\d{6}");
    assertThat(reports.resolve(written).resolve("report.json")).exists();
    assertThat(left)
        .containsExactlyInAnyOrder(
            written,
            "run-2026-01-03-000000",
            "run-2025-12-31-000000",
            "run-2025-12-30-000000",
            "other-2025-01-01-000000",
            "run-2025-12-29-000000");
  }

  @Test
  void keepNeedsAPlaceholderAndPlaceholdersOnlyInTheLastPart() {
    Cli.Result noPlaceholder =
        Cli.run("scan", "--keep", "3", "-o", tmp.resolve("out").toString(), Cli.exampleStore().toString());
    assertThat(noPlaceholder.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noPlaceholder.err()).contains("--keep needs {date} or {time} in --output");

    Cli.Result inParent =
        Cli.run("scan", "-o", tmp.resolve("{date}").resolve("out").toString(), Cli.exampleStore().toString());
    assertThat(inParent.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(inParent.err()).contains("may only be in the output folder's own name");

    Cli.Result zero = Cli.run("scan", "--keep", "0", "-o", tmp.resolve("r-{date}").toString(), Cli.exampleStore().toString());
    assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
