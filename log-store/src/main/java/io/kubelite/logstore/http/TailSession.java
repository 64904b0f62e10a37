package io.kubelite.logstore.http;

import io.kubelite.logstore.TailHub;
import io.kubelite.logstore.index.IndexedLine;
import io.kubelite.logstore.logql.LogQuery;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One live tail over a WebSocket: each committed group of lines that the query selects is sent
 * as one Loki tail message. Never blocks the writer thread: when the socket's write queue is
 * full the lines are dropped and reported in the next message's {@code dropped_entries}, as
 * Loki does for slow clients.
 */
final class TailSession implements TailHub.Tail {
    private static final int MAX_DROPPED_REPORTED = 100;

    private final LogQuery query;
    private final ServerWebSocket ws;
    private final LokiJson json;
    // touched only by the writer thread (deliver is called from it alone)
    private final List<IndexedLine> dropped = new ArrayList<>();

    TailSession(LogQuery query, ServerWebSocket ws, LokiJson json) {
        this.query = query;
        this.ws = ws;
        this.json = json;
    }

    @Override
    public void deliver(List<IndexedLine> lines) {
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
        if (ws.isClosed()) {
            return;
        }
        if (ws.writeQueueFull()) {
            for (IndexedLine l : out) {
                if (dropped.size() < MAX_DROPPED_REPORTED) {
                    dropped.add(l);
                }
            }
            return;
        }
        byte[] msg = json.tail(out, dropped);
        dropped.clear();
        ws.writeTextMessage(new String(msg, StandardCharsets.UTF_8));
    }
}
