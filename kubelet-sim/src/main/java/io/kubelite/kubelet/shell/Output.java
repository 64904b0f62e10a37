package io.kubelite.kubelet.shell;

import java.nio.charset.StandardCharsets;

/** Where a command's stdout or stderr goes: the container log, a file, a capture buffer, an exec stream, or nowhere. */
@FunctionalInterface
public interface Output {
    Output DISCARD = s -> {};

    void write(String text);

    /**
     * Raw bytes (a tar stream, a binary file's content). Sinks that carry bytes (an exec
     * stream, a file, a pipe) override this; text sinks such as the container log see the
     * bytes decoded as UTF-8.
     */
    default void writeBytes(byte[] bytes) {
        write(new String(bytes, StandardCharsets.UTF_8));
    }
}
