package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.Input;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The standard input of a program in a container: chunks offered by an exec or attach
 * session (from the WebSocket's event loop) wait here until the program reads them. A
 * waiting reader is handed the chunk on the offering thread; the shell moves its own
 * continuation to a scheduler thread. {@link #close} is end of input.
 */
public final class StdinQueue implements Input {
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private Consumer<byte[]> waiting;
    private boolean closed;

    @Override
    public void read(Consumer<byte[]> k) {
        byte[] next;
        synchronized (this) {
            next = chunks.poll();
            if (next == null && !closed) {
                waiting = k;
                return;
            }
        }
        k.accept(next);
    }

    /** More input (ignored after {@link #close}). */
    public void offer(byte[] chunk) {
        if (chunk.length == 0) {
            return;
        }
        Consumer<byte[]> k;
        synchronized (this) {
            if (closed) {
                return;
            }
            k = waiting;
            waiting = null;
            if (k == null) {
                chunks.add(chunk);
                return;
            }
        }
        k.accept(chunk);
    }

    /** End of input: what is queued is still read, then the reader sees the end. */
    public void close() {
        Consumer<byte[]> k;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            k = waiting;
            waiting = null;
        }
        if (k != null) {
            k.accept(null);
        }
    }
}
