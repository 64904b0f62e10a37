package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.store.Resource;
import io.kubelite.store.watch.WatchEvent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.Predicate;

/**
 * One HTTP watch: a {@link WatchCache.Sink} that filters changes (namespace, label and
 * field selectors, with kube's ADDED/DELETED for objects entering or leaving the
 * selection), and writes event lines on the connection's event loop. A watcher that
 * cannot keep up (its write queue stays full) is disconnected, as kube-apiserver drops
 * slow watchers; the client re-watches from its last revision.
 *
 * <p>Two transports, as kube-apiserver serves: a chunked HTTP response with one JSON
 * event per line, or (for a WebSocket upgrade, fabric8's default) one text message per
 * event.
 */
final class WatchStream<T extends Message> implements WatchCache.Sink<T> {
    private final Resource<T> resource;
    private final Context context;
    private final Output out;
    private final Predicate<T> filter;
    private final boolean bookmarks;
    private final Runnable onEnd;
    private volatile boolean ended;

    /** Where event lines go; used on the connection's context only. */
    interface Output {
        /** Writes one event line (ending in a newline). */
        void write(byte[] line);

        boolean writeQueueFull();

        boolean closed();

        /** Ends the stream normally. */
        void end();

        /** Drops the connection (a slow watcher). */
        void abort();
    }

    /** Chunked HTTP: newline-delimited JSON. */
    static Output http(HttpServerResponse response) {
        return new Output() {
            @Override
            public void write(byte[] line) {
                response.write(Buffer.buffer(line));
            }

            @Override
            public boolean writeQueueFull() {
                return response.writeQueueFull();
            }

            @Override
            public boolean closed() {
                return response.ended() || response.closed();
            }

            @Override
            public void end() {
                if (!closed()) {
                    response.end();
                }
            }

            @Override
            public void abort() {
                response.reset();
            }
        };
    }

    /** WebSocket: one text message per event, without the newline (as kube-apiserver's text framing). */
    static Output webSocket(ServerWebSocket ws) {
        return new Output() {
            @Override
            public void write(byte[] line) {
                int n = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
                ws.writeTextMessage(new String(line, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public boolean writeQueueFull() {
                return ws.writeQueueFull();
            }

            @Override
            public boolean closed() {
                return ws.isClosed();
            }

            @Override
            public void end() {
                if (!ws.isClosed()) {
                    ws.close();
                }
            }

            @Override
            public void abort() {
                if (!ws.isClosed()) {
                    ws.close((short) 1011, "watcher too slow");
                }
            }
        };
    }

    WatchStream(Resource<T> resource, Context context, Output out, Predicate<T> filter,
                boolean bookmarks, Runnable onEnd) {
        this.resource = resource;
        this.context = context;
        this.out = out;
        this.filter = filter;
        this.bookmarks = bookmarks;
        this.onEnd = onEnd;
    }

    @Override
    public void change(WatchCache.Change<T> c) {
        if (ended) {
            return;
        }
        boolean now = filter.test(c.object());
        byte[] line;
        if (c.type() == WatchEvent.Type.MODIFIED) {
            boolean before = c.previous() != null && filter.test(c.previous());
            if (now && before) {
                line = c.line();
            } else if (now) {
                line = Codec.eventLine("ADDED", c.typedJson());
            } else if (before) {
                line = Codec.eventLine("DELETED", c.typedJson());
            } else {
                return;
            }
        } else if (now) {
            line = c.line();
        } else {
            return;
        }
        write(line);
    }

    @Override
    public void bookmark(long revision) {
        if (!bookmarks || ended || revision <= 0) {
            return;
        }
        ObjectNode o = Codec.MAPPER.createObjectNode();
        o.put("kind", resource.kind());
        o.put("apiVersion", resource.apiVersion());
        o.putObject("metadata").put("resourceVersion", Long.toString(revision));
        write(Codec.eventLine("BOOKMARK", o));
    }

    @Override
    public void expired(String message) {
        if (message != null) {
            ApiException e = ApiException.of(410, "Expired", message);
            write(Codec.eventLine("ERROR", e.toStatus()));
        }
        context.runOnContext(v -> end());
    }

    private void write(byte[] line) {
        context.runOnContext(v -> {
            if (ended || out.closed()) {
                return;
            }
            if (out.writeQueueFull()) {
                end();
                out.abort();
                return;
            }
            out.write(line);
        });
    }

    /** Ends the stream (on the context). Idempotent. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.run();
        out.end();
    }
}
