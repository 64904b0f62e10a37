package io.kubelite.api;

/**
 * Thrown when a string is not a Kubernetes quantity, or is one that cannot be used where it was
 * given (negative or too large for a resource amount).
 *
 * <p>The message states what was wrong and ends with the offending input, quoted, so an API server
 * can return it to the user unchanged.
 */
public final class QuantityFormatException extends IllegalArgumentException {

  private final String input;

  QuantityFormatException(String reason, String input) {
    super(reason + ": \"" + input + "\"");
    this.input = input;
  }

  /** The string that was rejected, as given. */
  public String input() {
    return input;
  }
}
