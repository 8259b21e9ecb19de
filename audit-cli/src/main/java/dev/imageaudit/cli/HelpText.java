package dev.imageaudit.cli;

/** Help footers: examples and how an @argfile is read. Each line is a picocli format string. */
final class HelpText {

  /** Examples for {@code image-audit --help}. */
  static final String[] TOP_EXAMPLES = {
    "  image-audit scan /srv/images",
    "      audit a store; the reports go into ./image-audit-report/",
    "  image-audit help scan",
    "      every option of scan",
    "  image-audit report -o merged parts/",
    "      render results already written (a report.jsonl, the Spark job's parts)",
  };

  /** Examples for {@code image-audit scan --help}. */
  static final String[] SCAN_EXAMPLES = {
    "  image-audit scan /srv/images",
    "      audit a store; report.jsonl, report.json, report.html and metrics.prom",
    "      go into ./image-audit-report/",
    "  image-audit scan --metrics-label store=prod \\",
    "      --metrics-file /var/lib/prometheus/node-exporter/image-audit-prod.prom /srv/images",
    "      also write the metrics alone where node_exporter's textfile collector reads",
    "  IMAGE_AUDIT_PUSH_TOKEN=... image-audit scan --push-gateway https://pg:9091 /srv/images",
    "      push the metrics to a Pushgateway (credentials from the environment only)",
    "  find /srv/images -name '*.img' -print0 | image-audit scan -0 -",
    "      audit the paths another tool lists (NUL-separated)",
    "  image-audit scan --fail-on backing-file,encrypted /srv/images",
    "      exit 1 when any image carries either flag",
    "  image-audit scan --policy policy.yaml /srv/images",
    "      fail on what the policy names, except what its waivers accept until they",
    "      expire",
    "  image-audit scan --vm-config vm.json",
    "      audit the images an AVF VM config names, and check its disks",
    "  image-audit scan @nightly.args",
    "      read the arguments from the file nightly.args",
  };

  /** Examples for {@code image-audit report --help}. */
  static final String[] REPORT_EXAMPLES = {
    "  image-audit report -o /srv/www/audit hdfs-copy/nightly",
    "      render the Spark job's parts (copied locally) as scan's four reports",
    "  image-audit report -o merged east/image-audit-report west/image-audit-report",
    "      one report of two scans, in that order",
  };

  /** Examples for {@code image-audit diff --help}. */
  static final String[] DIFF_EXAMPLES = {
    "  image-audit diff reports/run-2026-01-01-020000 reports/run-2026-01-02-020000",
    "      what changed overnight; exit 1 for problems the old run did not have",
    "  image-audit diff --json changes.json old/report.jsonl new/report.json",
    "      every change as JSON, a summary on stdout",
  };

  /** How picocli expands {@code @FILE}: for every command. */
  static final String[] ARGFILES = {
    "Argument files: @FILE anywhere on the command line stands for the arguments",
    "written in FILE, separated by spaces or line breaks; quote an argument holding",
    "spaces with \"...\" or '...'; a line starting with # is a comment. A path that",
    "itself starts with @ is given as ./@NAME.",
  };

  private HelpText() {}
}
