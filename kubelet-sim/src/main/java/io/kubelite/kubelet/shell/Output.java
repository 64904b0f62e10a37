package io.kubelite.kubelet.shell;

/** Where a command's stdout or stderr goes: the container log, a file, a capture buffer, or nowhere. */
@FunctionalInterface
public interface Output {
    Output DISCARD = s -> {};

    void write(String text);
}
