package io.kubelite.cli;

/** A failure kl reports as one line on stderr, then exits with {@code code}. */
final class KlException extends RuntimeException {
    final int code;

    KlException(String message) {
        this(message, 1);
    }

    KlException(String message, int code) {
        super(message, null, false, false);
        this.code = code;
    }
}
