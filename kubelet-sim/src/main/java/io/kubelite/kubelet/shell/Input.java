package io.kubelite.kubelet.shell;

import java.util.function.Consumer;

/**
 * A program's standard input. Reading is asynchronous, because the interpreter never
 * holds a thread: {@link #read} hands the next chunk to the callback when one is there
 * (at once, or later from whichever thread delivers it), and {@code null} at end of input.
 * One read may be outstanding at a time.
 */
@FunctionalInterface
public interface Input {
    /** No input: every read sees end of input at once (a container without stdin). */
    Input EMPTY = k -> k.accept(null);

    void read(Consumer<byte[]> chunk);

    /** A fixed content, then end of input: a pipe's captured output, a {@code <} redirect. */
    static Input of(byte[] content) {
        boolean[] consumed = new boolean[1];
        return k -> {
            byte[] next;
            synchronized (consumed) {
                next = consumed[0] || content.length == 0 ? null : content;
                consumed[0] = true;
            }
            k.accept(next);
        };
    }
}
