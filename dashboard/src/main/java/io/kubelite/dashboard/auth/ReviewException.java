package io.kubelite.dashboard.auth;

/** The API server could not be asked (unreachable, an unexpected answer): a message for users. */
public final class ReviewException extends Exception {
    public ReviewException(String message) {
        super(message);
    }
}
