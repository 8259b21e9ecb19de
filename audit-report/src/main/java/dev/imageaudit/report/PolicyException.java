package dev.imageaudit.report;

/**
 * A policy file that cannot be used; the message names the file, the line and column, and what is
 * wrong there, e.g. {@code policy.yaml:4:3: unknown key 'failon' (known: ...)}.
 */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  PolicyException(String message) {
    super(message);
  }

  PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
