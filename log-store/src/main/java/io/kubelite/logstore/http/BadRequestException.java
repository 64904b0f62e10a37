package io.kubelite.logstore.http;

/** A request parameter or body the server refuses; the message is the 400 response's body. */
final class BadRequestException extends Exception {
    BadRequestException(String message) {
        super(message);
    }
}
