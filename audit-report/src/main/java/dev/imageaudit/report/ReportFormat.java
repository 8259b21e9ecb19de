package dev.imageaudit.report;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A file a {@link ReportSet} can write; {@link #id()} is its name for {@code --format} and {@link
 * #fileName()} the file's name in the output folder.
 */
public enum ReportFormat {
  /** The report as JSON Lines: one entry a line, then a summary record ({@link JsonLinesReport}). */
  JSONL("jsonl", "report.jsonl"),
  /** The report as one JSON document ({@link JsonReport}). */
  JSON("json", "report.json"),
  /** The report as a page for people. */
  HTML("html", "report.html"),
  /** The Prometheus text file, for node_exporter's textfile collector. */
  PROM("prom", "metrics.prom"),
  /** SARIF 2.1.0, for code-scanning dashboards: one rule per flag and VM config rule. */
  SARIF("sarif", "report.sarif"),
  /** JUnit XML, for Jenkins and GitLab: one test case per rule. */
  JUNIT("junit", "report.junit.xml"),
  /** CSV (RFC 4180), one row per entry, for spreadsheets. */
  CSV("csv", "report.csv");

  /** What a run writes when no format is named: json, jsonl, html and prom. */
  public static final Set<ReportFormat> DEFAULTS = EnumSet.of(JSONL, JSON, HTML, PROM);

  private final String id;
  private final String fileName;

  ReportFormat(String id, String fileName) {
    this.id = id;
    this.fileName = fileName;
  }

  /** Returns the name {@code --format} takes, for example {@code sarif}. */
  public String id() {
    return id;
  }

  /** Returns the file's name in the output folder, for example {@code report.sarif}. */
  public String fileName() {
    return fileName;
  }

  /** Returns the format named {@code id}, if there is one. */
  public static Optional<ReportFormat> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }
}
