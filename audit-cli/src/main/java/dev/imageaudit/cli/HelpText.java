package dev.imageaudit.cli;

/** Help footers: examples and how an @argfile is read. Each line is a picocli format string. */
final class HelpText {

  /** Examples for {@code image-audit --help}. */
  static final String[] TOP_EXAMPLES = {
    "  image-audit scan /srv/images",
    "      audit a store; the reports go into ./image-audit-report/",
    "  image-audit help scan",
    "      every option of scan",
  };

  /** Examples for {@code image-audit scan --help}. */
  static final String[] SCAN_EXAMPLES = {
    "  image-audit scan /srv/images",
    "      audit a store; report.json, report.html and metrics.prom go into",
    "      ./image-audit-report/",
    "  image-audit scan -o /var/lib/node_exporter/textfile /srv/images",
    "      write the reports where node_exporter's textfile collector reads metrics",
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

  /** How picocli expands {@code @FILE}: for every command. */
  static final String[] ARGFILES = {
    "Argument files: @FILE anywhere on the command line stands for the arguments",
    "written in FILE, separated by spaces or line breaks; quote an argument holding",
    "spaces with \"...\" or '...'; a line starting with # is a comment. A path that",
    "itself starts with @ is given as ./@NAME.",
  };

  private HelpText() {}
}
