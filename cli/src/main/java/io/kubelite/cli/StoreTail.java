package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows a LogQL query through the log store's live tail WebSocket ({@code /loki/api/v1/tail}
 * via the service proxy) until the calling thread is interrupted, printing each new line once:
 *
 * <ul>
 *   <li>on every (re)connect it asks the tail for its history from the {@link FollowWindow}'s
 *       start (the store subscribes before it reads that history, and only the store knows when it
 *       subscribed: the API server's proxy answers the upgrade before it reaches the store), and
 *       also reads that span with {@code query_range}, which has no 5,000-line cap; so nothing
 *       committed while no tail was open is lost; the {@link FollowWindow} drops what was printed
 *       already;
 *   <li>{@code dropped_entries} (the store's "you were too slow") are read back with
 *       {@code query_range} over their time span and printed once;
 *   <li>a dropped connection is reopened with back-off; one stderr line per outage;
 *   <li>if the first tail cannot be opened at all (the server answers without upgrading), it says
 *       so on stderr and polls {@code query_range} every second instead.
 * </ul>
 *
 * Lines are handed to {@code print} on the calling thread, in arrival order (each message oldest
 * first); {@code keep} filters them first (e.g. each pod's default container).
 */
final class StoreTail {
    /** How often the polling fallback asks. */
    static final long POLL_MILLIS = 1000;

    private static final ExponentialBackoff RECONNECT =
            new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final KlContext ctx;
    private final LogStoreClient store;
    private final String logql;
    private final Predicate<LokiLines.Line> keep;
    private final Consumer<List<LokiLines.Line>> print;

    /** What the WebSocket listener hands to the following thread. */
    sealed interface Event permits Message, Closed {}

    /** One whole tail message. */
    record Message(String text) implements Event {}

    /** The tail ended, and why. */
    record Closed(String reason) implements Event {}

    StoreTail(
            KlContext ctx,
            LogStoreClient store,
            String logql,
            Predicate<LokiLines.Line> keep,
            Consumer<List<LokiLines.Line>> print) {
        this.ctx = ctx;
        this.store = store;
        this.logql = logql;
        this.keep = keep;
        this.print = print;
    }

    /**
     * Follows until interrupted. {@code window} holds what was printed before; {@code fromNanos}
     * is where to look for missed lines while nothing was printed yet.
     */
    void follow(FollowWindow window, long fromNanos) {
        Backoff backoff = Backoff.jittered(RECONNECT);
        boolean opened = false;
        String outage = null;
        while (!Thread.currentThread().isInterrupted()) {
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            WebSocket ws;
            try {
                ws = store.tail(logql, from(window, fromNanos), listener(events))
                        .get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (!opened
                        && cause instanceof WebSocketHandshakeException h
                        && h.getResponse().statusCode() < 500) {
                    ctx.err()
                            .println("kl: the log store's tail could not be opened (HTTP "
                                    + h.getResponse().statusCode() + "); asking for new lines every second instead");
                    poll(window, fromNanos);
                    return;
                }
                if (outage == null) {
                    outage = reason(cause);
                    ctx.err().println("Warning: following the log store interrupted (" + outage + "); reconnecting");
                }
                if (!pause(backoff.nextMillis())) {
                    return;
                }
                continue;
            }
            opened = true;
            outage = null;
            backoff.reset();
            try {
                // subscribed: now what was committed while no tail was open
                emit(window, new StorePager(store).all(logql, from(window, fromNanos), now() + 1));
                String closed = pump(events, window);
                if (closed == null) {
                    return; // interrupted
                }
                outage = closed;
                ctx.err().println("Warning: following the log store interrupted (" + closed + "); reconnecting");
            } catch (KlException e) {
                // the gap query failed: the store went away meanwhile; try again
                outage = e.getMessage();
                ctx.err().println("Warning: following the log store interrupted (" + outage + "); reconnecting");
            } finally {
                ws.abort();
            }
            if (!pause(backoff.nextMillis())) {
                return;
            }
        }
    }

    /** Prints the tail's messages until it closes (its reason) or the thread is interrupted (null). */
    String pump(BlockingQueue<Event> events, FollowWindow window) {
        while (true) {
            Event e;
            try {
                e = events.take();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (e instanceof Closed c) {
                return c.reason();
            }
            JsonNode m = ((Message) e).text().isEmpty() ? null : parse(((Message) e).text());
            if (m == null) {
                continue;
            }
            emit(window, LokiLines.ofStreams(m.path("streams")));
            if (m.has("dropped_entries")) {
                recover(window, m.path("dropped_entries"));
            }
        }
    }

    /** Reads the lines the store could not send in time back with {@code query_range}. */
    private void recover(FollowWindow window, JsonNode dropped) {
        Map<String, Integer> wanted = new HashMap<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (JsonNode d : dropped) {
            long ts = Long.parseLong(d.path("timestamp").asText("0"));
            wanted.merge(ts + "\u0000" + d.path("labels"), 1, Integer::sum);
            min = Math.min(min, ts);
            max = Math.max(max, ts);
        }
        if (wanted.isEmpty()) {
            return;
        }
        List<LokiLines.Line> back = new ArrayList<>();
        for (LokiLines.Line l : new StorePager(store).all(logql, min, max + 1)) {
            String k = l.ts() + "\u0000" + l.labels();
            if (wanted.getOrDefault(k, 0) > 0) {
                wanted.merge(k, -1, Integer::sum);
                back.add(l);
            }
        }
        emit(window, back);
    }

    private void emit(FollowWindow window, List<LokiLines.Line> lines) {
        List<LokiLines.Line> fresh = window.fresh(lines.stream().filter(keep).toList());
        if (!fresh.isEmpty()) {
            print.accept(fresh);
        }
    }

    /** The fallback: {@code query_range} every second from the window's start. */
    private void poll(FollowWindow window, long fromNanos) {
        StorePager pager = new StorePager(store);
        while (pause(POLL_MILLIS)) {
            emit(window, pager.all(logql, from(window, fromNanos), now() + 1));
        }
    }

    private static long from(FollowWindow window, long fromNanos) {
        return window.started() ? window.start() : fromNanos;
    }

    private long now() {
        java.time.Instant i = ctx.clock().instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static JsonNode parse(String text) {
        try {
            return ApiClient.JSON.readTree(text);
        } catch (Exception e) {
            return null; // not a tail message; nothing to print
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String reason(Throwable t) {
        if (t instanceof WebSocketHandshakeException h) {
            return "HTTP " + h.getResponse().statusCode();
        }
        if (t instanceof TimeoutException) {
            return "timed out";
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Collects whole text messages; a close or an error ends the session. */
    private static WebSocket.Listener listener(BlockingQueue<Event> events) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    events.add(new Message(partial.toString()));
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                events.add(new Closed("closed by the server" + (reason.isEmpty() ? "" : ": " + reason)));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                events.add(new Closed(reason(error)));
            }
        };
    }
}
