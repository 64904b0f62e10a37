package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.store.Resource;
import io.kubelite.store.watch.WatchEvent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.Predicate;

/**
 * One HTTP watch: a {@link WatchCache.Sink} that filters changes (namespace, label and
 * field selectors, with kube's ADDED/DELETED for objects entering or leaving the
 * selection), and writes event lines on the connection's event loop. A watcher that
 * cannot keep up (its write queue stays full) is disconnected, as kube-apiserver drops
 * slow watchers; the client re-watches from its last revision.
 */
final class WatchStream<T extends Message> implements WatchCache.Sink<T> {
    private final Resource<T> resource;
    private final Context context;
    private final HttpServerResponse response;
    private final Predicate<T> filter;
    private final boolean bookmarks;
    private final Runnable onEnd;
    private volatile boolean ended;

    WatchStream(Resource<T> resource, Context context, HttpServerResponse response, Predicate<T> filter,
                boolean bookmarks, Runnable onEnd) {
        this.resource = resource;
        this.context = context;
        this.response = response;
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
            if (ended || response.ended() || response.closed()) {
                return;
            }
            if (response.writeQueueFull()) {
                end();
                response.reset();
                return;
            }
            response.write(Buffer.buffer(line));
        });
    }

    /** Ends the stream (on the context). Idempotent. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.run();
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }
}
