package io.kubelite.launcher;

/** Installing the add-ons failed; the message is one line for users (no stack trace). */
final class AddonsException extends Exception {
    AddonsException(String message) {
        super(message, null, false, false);
    }
}
