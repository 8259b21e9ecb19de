package dev.imageaudit.report;

import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.Flag;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One accepted exception of a {@link Policy}: a finding ({@code flag} on an image, or {@code rule}
 * of a VM config) that does not fail the run for the images it names, until it expires.
 *
 * <p>It names its images in exactly one way: {@code path} (equal to the report's path, or to its
 * absolute form), {@code glob} ({@code *} and {@code ?} within a folder, {@code **} across
 * folders) or {@code sha256} (of the image's first 64 KiB, for files that move).
 *
 * @param index its position in the policy's {@code waivers}, from 0: its id in the reports
 * @param path an exact path, or null
 * @param glob a glob over paths, or null
 * @param sha256 64 lower-case hex digits, or null
 * @param flag the image flag waived, or null when {@code rule} is set
 * @param rule the VM config rule waived, or null when {@code flag} is set
 * @param reason why it is accepted (required)
 * @param owner who answers for it (required)
 * @param expires the last day (UTC) it applies; from the next day on it fails the run
 */
public record Waiver(
    int index, String path, String glob, String sha256, Flag flag, ConfigRule rule, String reason, String owner,
    LocalDate expires) {

  public Waiver {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expires, "expires");
    int ways = (path == null ? 0 : 1) + (glob == null ? 0 : 1) + (sha256 == null ? 0 : 1);
    if (ways != 1) {
      throw new IllegalArgumentException("a waiver names its images by exactly one of path, glob, sha256");
    }
    if ((flag == null) == (rule == null)) {
      throw new IllegalArgumentException("a waiver waives exactly one of flag, rule");
    }
    if (sha256 != null) {
      sha256 = sha256.toLowerCase(Locale.ROOT);
    }
  }

  /** Returns true when this waiver's last day is before {@code today}. */
  public boolean expiredOn(LocalDate today) {
    return expires.isBefore(today);
  }

  /** Returns what is waived, as written in the policy: a flag's or a rule's id. */
  public String what() {
    return flag != null ? flag.id() : rule.id();
  }

  /** Returns how the waiver names its images, e.g. {@code glob legacy/**}. */
  public String where() {
    return path != null ? "path " + path : glob != null ? "glob " + glob : "sha256 " + sha256;
  }

  /** Returns a one-line description for messages: {@code waiver #2 (backing-file, glob legacy/**)}. */
  public String describe() {
    return "waiver #" + index + " (" + what() + ", " + where() + ")";
  }

  /**
   * Compiles a glob to a regular expression over whole paths: {@code **} any characters, folders
   * included ({@code **}{@code /} also none), {@code *} any but {@code /}, {@code ?} one but
   * {@code /}; everything else literal.
   */
  static Pattern globPattern(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        if (i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
          re.append("(?:.*/)?");
          i += 3;
        } else {
          re.append(".*");
          i += 2;
        }
      } else if (c == '*') {
        re.append("[^/]*");
        i++;
      } else if (c == '?') {
        re.append("[^/]");
        i++;
      } else {
        int start = i;
        while (i < glob.length() && glob.charAt(i) != '*' && glob.charAt(i) != '?') {
          i++;
        }
        re.append(Pattern.quote(glob.substring(start, i)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
