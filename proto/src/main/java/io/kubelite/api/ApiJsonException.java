package io.kubelite.api;

/**
 * A document that cannot be read as the requested API type: malformed JSON or YAML, a document that
 * is not an object, or a field whose value has the wrong type.
 *
 * <p>Unknown fields never cause this; they are reported by {@link Parsed#unknownFields()}. The
 * message starts with the Kubernetes-style field path when there is one ({@code
 * spec.containers[0].ports[1].containerPort: expected an integer, got string "abc"}).
 */
public final class ApiJsonException extends IllegalArgumentException {

  private final String path;

  ApiJsonException(String path, String reason) {
    super(path.isEmpty() ? reason : path + ": " + reason);
    this.path = path;
  }

  ApiJsonException(String path, String reason, Throwable cause) {
    this(path, reason);
    initCause(cause);
  }

  /**
   * The field path of the offending value ({@code spec.replicas}), or "" for the whole document.
   */
  public String path() {
    return path;
  }
}
