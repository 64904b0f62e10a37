package io.kubelite.kubelet.shell;

/** A script the interpreter cannot parse; the message reads like busybox sh's. */
public final class ShellSyntaxException extends RuntimeException {
    public ShellSyntaxException(String message) {
        super(message);
    }
}
