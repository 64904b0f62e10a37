package io.kubelite.logstore.http;

import io.kubelite.logstore.TailHub;
import io.kubelite.logstore.index.IndexedLine;
import io.kubelite.logstore.index.LogEntry;
import io.kubelite.logstore.logql.LogQuery;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One live tail over a WebSocket, as Loki's: first the recent history (the last {@code limit}
 * lines since {@code start}, oldest first), then each committed group of lines the query
 * selects, one Loki tail message per group.
 *
 * <p>The session subscribes before the history is read, so no line falls between the two;
 * lines committed meanwhile are held back until the history is sent, and those the history
 * already had are not sent twice. Never blocks the writer thread that calls {@link #deliver}:
 * when the socket's write queue is full the lines are dropped and reported in the next message's
 * {@code dropped_entries}, as Loki does for slow clients.
 */
final class TailSession implements TailHub.Tail {
    private static final int MAX_DROPPED_REPORTED = 100;
    private static final int MAX_HELD_BACK = 10_000;

    private final LogQuery query;
    private final ServerWebSocket ws;
    private final LokiJson json;
    // guarded by this: deliver runs on the writer thread, replayed on a Vert.x worker
    private final List<IndexedLine> dropped = new ArrayList<>();
    private final List<IndexedLine> heldBack = new ArrayList<>();
    private boolean replaying = true;

    TailSession(LogQuery query, ServerWebSocket ws, LokiJson json) {
        this.query = query;
        this.ws = ws;
        this.json = json;
    }

    @Override
    public synchronized void deliver(List<IndexedLine> lines) {
        Map<String, Boolean> selected = new HashMap<>();
        List<IndexedLine> out = new ArrayList<>();
        for (IndexedLine l : lines) {
            if (selected.computeIfAbsent(l.labelsJson(), k -> query.selects(l.labels())) && query.passes(l.line())) {
                out.add(l);
            }
        }
        if (out.isEmpty()) {
            return;
        }
        if (replaying) {
            for (IndexedLine l : out) {
                if (heldBack.size() < MAX_HELD_BACK) {
                    heldBack.add(l);
                } else {
                    drop(l);
                }
            }
            return;
        }
        send(out);
    }

    /** The history (oldest first) was read: sends it, then what was committed meanwhile. */
    void replayed(List<LogEntry> history) {
        // serialised outside the lock: the writer thread must not wait for it in deliver
        List<IndexedLine> past = new ArrayList<>(history.size());
        Set<String> seen = new HashSet<>();
        for (LogEntry e : history) {
            past.add(new IndexedLine(null, e.labelsJson(), e.tsNanos(), e.line()));
            seen.add(key(e.labelsJson(), e.tsNanos(), e.line()));
        }
        String historyMessage = past.isEmpty() ? null : new String(json.tail(past, List.of()), StandardCharsets.UTF_8);
        synchronized (this) {
            if (historyMessage != null && !ws.isClosed()) {
                ws.writeTextMessage(historyMessage);
            }
            List<IndexedLine> rest = new ArrayList<>();
            for (IndexedLine l : heldBack) {
                if (!seen.contains(key(l.labelsJson(), l.tsNanos(), l.line()))) {
                    rest.add(l);
                }
            }
            heldBack.clear();
            replaying = false;
            if (!rest.isEmpty() || !dropped.isEmpty()) {
                send(rest);
            }
        }
    }

    // called with this locked
    private void send(List<IndexedLine> lines) {
        if (ws.isClosed()) {
            return;
        }
        if (ws.writeQueueFull()) {
            lines.forEach(this::drop);
            return;
        }
        byte[] msg = json.tail(lines, dropped);
        dropped.clear();
        ws.writeTextMessage(new String(msg, StandardCharsets.UTF_8));
    }

    private void drop(IndexedLine l) {
        if (dropped.size() < MAX_DROPPED_REPORTED) {
            dropped.add(l);
        }
    }

    private static String key(String labelsJson, long ts, String line) {
        return labelsJson + '\u0000' + ts + '\u0000' + line;
    }
}
