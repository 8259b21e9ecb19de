package dev.imageaudit.core;

import java.util.Objects;

/**
 * Whether a consumer (here virtmgr) accepts an image, and if not, why.
 *
 * @param decision accepted, rejected or error
 * @param reason the consumer's message when rejected or in error; {@code null} when accepted
 */
public record Verdict(Decision decision, String reason) {

  /** The three outcomes; {@link #id()} is the name in reports. */
  public enum Decision {
    ACCEPTED("accepted"),
    REJECTED("rejected"),
    ERROR("error");

    private final String id;

    Decision(String id) {
      this.id = id;
    }

    /** Returns the stable name used in reports. */
    public String id() {
      return id;
    }
  }

  public Verdict {
    Objects.requireNonNull(decision, "decision");
    if ((decision == Decision.ACCEPTED) != (reason == null)) {
      throw new IllegalArgumentException("a reason goes with rejected and error, and only with them");
    }
  }

  /** Returns the accepted verdict. */
  public static Verdict accepted() {
    return new Verdict(Decision.ACCEPTED, null);
  }

  /** Returns a rejection with the consumer's message. */
  public static Verdict rejected(String reason) {
    return new Verdict(Decision.REJECTED, reason);
  }

  /** Returns an error with the consumer's message. */
  public static Verdict error(String reason) {
    return new Verdict(Decision.ERROR, reason);
  }
}
