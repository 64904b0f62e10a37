package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.store.watch.WatchEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP watch: a {@link WatchCache.Sink} that filters changes (namespace, label and
 * field selectors, with kube's ADDED/DELETED for objects entering or leaving the
 * selection) and writes them on the connection's event loop.
 *
 * <p>Cost per change: the sink call (on the watch cache's thread) only picks the shared
 * {@link EncodedEvent} and queues it; the connection's {@link LoopBatch} then writes all
 * events queued since the last tick as one write (one flush). Nothing is encoded per
 * watcher except bookmarks, errors and the events of a Table watch (kubectl's {@code get -w}),
 * which are encoded lazily on the connection's event loop, not on the cache's thread.
 *
 * <p>Slow watchers are dropped, as kube-apiserver drops them (the client re-watches from its
 * last revision): when the connection's write queue is full, or when more than
 * {@code maxPending} events wait for the event loop. Memory per watcher is so bounded
 * (queued events are shared, not copied).
 *
 * <p>Two transports, as kube-apiserver serves: a chunked HTTP response with one JSON
 * event per line, or (for a WebSocket upgrade, fabric8's default) one text message per
 * event.
 */
final class WatchStream<T extends Message> implements WatchCache.Sink<T> {
    /** Marks the end of the stream in the queue (after a 410 or when the cache closes). */
    private static final EncodedEvent END = EncodedEvent.of(new byte[0]);

    private final Representation<T> representation;
    private final LoopBatch loop;
    private final Output out;
    private final Selection<T> selection;
    private final Encoding<T> encoding;
    private final boolean everything;
    private final boolean bookmarks;
    private final int maxPending;
    private final Runnable onEnd;
    private final ConcurrentLinkedQueue<EncodedEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean overflow;
    private volatile boolean ended;

    /** Which objects a watcher wants: given the object and its metadata (read once per change). */
    interface Selection<T> {
        boolean test(T object, ObjectMeta meta);

        /** No namespace, name, label or field restriction: the watcher skips selection entirely. */
        @SuppressWarnings("unchecked")
        static <T> Selection<T> everything() {
            return (Selection<T>) EVERYTHING;
        }
    }

    private static final Selection<Object> EVERYTHING = (o, m) -> true;

    /**
     * How a watcher's events are encoded. {@link #shared()}: the change's own JSON event,
     * encoded once for every watcher; a Table watcher encodes its own ({@link TableWatchEncoding}).
     */
    interface Encoding<T extends Message> {
        /** {@code c} as an event of {@code type} (a change's own type, or ADDED/DELETED at a selection edge). */
        EncodedEvent encode(WatchChange<T> c, WatchEvent.Type type);

        @SuppressWarnings("unchecked")
        static <T extends Message> Encoding<T> shared() {
            return (Encoding<T>) SHARED;
        }
    }

    private static final Encoding<Message> SHARED = (c, type) -> c.as(type);

    /** Where events go; used on the connection's context only. */
    interface Output {
        /** Writes events in order, as few writes as the transport allows. */
        void write(List<EncodedEvent> events);

        boolean writeQueueFull();

        boolean closed();

        /** Ends the stream normally. */
        void end();

        /** Drops the connection (a slow watcher). */
        void abort();
    }

    /** Chunked HTTP: newline-delimited JSON, everything pending in one chunk. */
    static Output http(HttpServerResponse response) {
        return new Output() {
            @Override
            public void write(List<EncodedEvent> events) {
                if (events.size() == 1) {
                    response.write(events.get(0).line());
                    return;
                }
                int n = 0;
                for (EncodedEvent e : events) {
                    n += e.line().length();
                }
                Buffer all = Buffer.buffer(n);
                for (EncodedEvent e : events) {
                    all.appendBuffer(e.line());
                }
                response.write(all);
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
            public void write(List<EncodedEvent> events) {
                for (EncodedEvent e : events) {
                    ws.writeTextMessage(e.text());
                }
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

    WatchStream(
            Representation<T> representation,
            LoopBatch loop,
            Output out,
            Selection<T> selection,
            Encoding<T> encoding,
            boolean bookmarks,
            int maxPending,
            Runnable onEnd) {
        this.representation = representation;
        this.loop = loop;
        this.out = out;
        this.selection = selection;
        this.encoding = encoding;
        this.everything = (Object) selection == EVERYTHING;
        this.bookmarks = bookmarks;
        this.maxPending = maxPending;
        this.onEnd = onEnd;
    }

    @Override
    public void change(WatchChange<T> c) {
        if (ended) {
            return;
        }
        if (everything) {
            enqueue(encoding.encode(c, c.type()));
            return;
        }
        boolean now = selection.test(c.object(), c.meta());
        WatchEvent.Type type;
        if (c.type() == WatchEvent.Type.MODIFIED) {
            boolean before = c.previous() != null && selection.test(c.previous(), c.previousMeta());
            if (now && before) {
                type = c.type();
            } else if (now) {
                type = WatchEvent.Type.ADDED;
            } else if (before) {
                type = WatchEvent.Type.DELETED;
            } else {
                return;
            }
        } else if (now) {
            type = c.type();
        } else {
            return;
        }
        enqueue(encoding.encode(c, type));
    }

    @Override
    public void bookmark(long revision) {
        if (!bookmarks || ended || revision <= 0) {
            return;
        }
        ObjectNode o = Codec.MAPPER.createObjectNode();
        o.put("kind", representation.served().kind());
        o.put("apiVersion", representation.served().apiVersion());
        o.putObject("metadata").put("resourceVersion", Long.toString(revision));
        enqueue(EncodedEvent.of(Codec.eventLine("BOOKMARK", o)));
    }

    @Override
    public void expired(String message) {
        if (message != null) {
            ApiException e = ApiException.of(410, "Expired", message);
            enqueue(EncodedEvent.of(Codec.eventLine("ERROR", e.toStatus())));
        }
        enqueue(END);
    }

    private void enqueue(EncodedEvent e) {
        pending.add(e);
        if (pendingCount.incrementAndGet() > maxPending) {
            // the event loop is this far behind: drop the watcher rather than grow without bound
            overflow = true;
        }
        if (queued.compareAndSet(false, true)) {
            loop.ready(this);
        }
    }

    /** On the context: writes everything pending (one write), or drops a watcher that cannot keep up. */
    void flush() {
        queued.set(false);
        List<EncodedEvent> batch = new ArrayList<>(Math.max(1, pendingCount.get()));
        boolean end = false;
        EncodedEvent e;
        while ((e = pending.poll()) != null) {
            pendingCount.decrementAndGet();
            if (e == END) {
                end = true;
                break;
            }
            batch.add(e);
        }
        if (ended) {
            return;
        }
        if (out.closed()) {
            end(); // a dead connection unregisters at its next event, whatever closed it
            return;
        }
        if (overflow || out.writeQueueFull()) {
            end();
            out.abort();
            return;
        }
        if (!batch.isEmpty()) {
            out.write(batch);
        }
        if (end) {
            end();
        }
    }

    /** Ends the stream (on the context). Idempotent. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        pending.clear();
        onEnd.run();
        out.end();
    }
}
