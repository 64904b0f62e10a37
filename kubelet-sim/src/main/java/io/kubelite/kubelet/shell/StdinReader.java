package io.kubelite.kubelet.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A program's standard input with what was read but not yet consumed kept back: a
 * {@code read} or an interactive shell takes one line and leaves the rest for the next
 * reader, as a real file descriptor does. All reads are asynchronous (see {@link Input}).
 */
final class StdinReader {
    /** Bounds {@link #readAll}: a tar stream being extracted, a pipe into {@code cat}. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private final Input in;
    private byte[] pending = new byte[0];
    private boolean eof;

    StdinReader(Input in) {
        this.in = in;
    }

    static StdinReader of(Input in) {
        return new StdinReader(in);
    }

    /** The next chunk (what is kept back first), or null at end of input. */
    void readChunk(Consumer<byte[]> k) {
        byte[] p;
        synchronized (this) {
            p = pending;
            if (p.length > 0) {
                pending = new byte[0];
            }
        }
        if (p.length > 0) {
            k.accept(p);
            return;
        }
        if (isEof()) {
            k.accept(null);
            return;
        }
        in.read(chunk -> {
            if (chunk == null) {
                synchronized (this) {
                    eof = true;
                }
            }
            k.accept(chunk);
        });
    }

    /** One line without its newline; the last line may lack one; null at end of input. */
    void readLine(Consumer<String> k) {
        readLine(new ByteArrayOutputStream(), k);
    }

    private void readLine(ByteArrayOutputStream line, Consumer<String> k) {
        readChunk(chunk -> {
            if (chunk == null) {
                k.accept(line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8));
                return;
            }
            int nl = indexOf(chunk, (byte) '\n');
            if (nl < 0) {
                line.write(chunk, 0, chunk.length);
                readLine(line, k);
                return;
            }
            line.write(chunk, 0, nl);
            unread(Arrays.copyOfRange(chunk, nl + 1, chunk.length));
            k.accept(line.toString(StandardCharsets.UTF_8));
        });
    }

    /** Everything up to end of input (at most {@link #MAX_BYTES}; more is dropped). */
    void readAll(Consumer<byte[]> k) {
        readAll(new ByteArrayOutputStream(), k);
    }

    private void readAll(ByteArrayOutputStream all, Consumer<byte[]> k) {
        readChunk(chunk -> {
            if (chunk == null) {
                k.accept(all.toByteArray());
                return;
            }
            if (all.size() + chunk.length <= MAX_BYTES) {
                all.write(chunk, 0, chunk.length);
            }
            readAll(all, k);
        });
    }

    /** Copies every chunk to {@code out} as it arrives (a streaming {@code cat}), then runs {@code done}. */
    void pump(Output out, Runnable done) {
        readChunk(chunk -> {
            if (chunk == null) {
                done.run();
                return;
            }
            out.writeBytes(chunk);
            pump(out, done);
        });
    }

    private synchronized boolean isEof() {
        return eof;
    }

    private synchronized void unread(byte[] rest) {
        if (rest.length == 0) {
            return;
        }
        byte[] merged = Arrays.copyOf(rest, rest.length + pending.length);
        System.arraycopy(pending, 0, merged, rest.length, pending.length);
        pending = merged;
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
