package io.kubelite.dashboard.action;

/** An action refused or failed: the HTTP status to answer and a one-line message for the user. */
public final class ActionException extends Exception {
    private final int status;

    public ActionException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
