package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.Output;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * Writes one session's channels to its WebSocket: each write is one or more binary
 * messages, the channel byte first. Callable from any thread; writes go out in the order
 * they were made (Vert.x queues them to the connection's event loop). Once {@link #end}
 * has sent the Status and closed the connection, further writes are dropped.
 */
final class ChannelWriter {
    private final ServerWebSocket ws;
    private boolean ended;

    ChannelWriter(ServerWebSocket ws) {
        this.ws = ws;
    }

    synchronized void write(byte channel, byte[] data) {
        if (ended || data.length == 0) {
            return;
        }
        for (int off = 0; off < data.length; off += StreamProtocol.MAX_PAYLOAD) {
            int n = Math.min(StreamProtocol.MAX_PAYLOAD, data.length - off);
            Buffer b = Buffer.buffer(n + 1).appendByte(channel).appendBytes(data, off, n);
            ws.writeBinaryMessage(b);
        }
    }

    /** An {@link Output} onto {@code channel}, optionally through a terminal's LF → CR LF. */
    Output output(byte channel, boolean tty) {
        return new Output() {
            @Override
            public void write(String text) {
                writeBytes(text.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void writeBytes(byte[] bytes) {
                ChannelWriter.this.write(channel, tty ? TtyDiscipline.output(bytes) : bytes);
            }
        };
    }

    /** Sends the Status on the error channel and closes the connection normally. */
    synchronized void end(String status) {
        if (ended) {
            return;
        }
        ended = true;
        if (ws.isClosed()) {
            return;
        }
        ws.writeBinaryMessage(
                Buffer.buffer().appendByte(StreamProtocol.ERROR).appendString(status, StandardCharsets.UTF_8.name()));
        ws.close((short) 1000);
    }

    synchronized boolean ended() {
        return ended;
    }
}
