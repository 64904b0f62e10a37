package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's log store as kl reaches it: Loki's HTTP API through the API server's service
 * proxy at {@code kube-system/log-store:http} ({@link #STORE}). Errors become one-line
 * {@link KlException}s ({@link LogsSearchCommand#failure}). Stateless apart from the API client.
 */
final class LogStoreClient {
    /** Where the log store's API is, through the API server. */
    static final String STORE = "/api/v1/namespaces/kube-system/services/log-store:http/proxy";

    /** The store's most lines per answer (Loki's {@code max_entries_limit_per_query}). */
    static final int MAX_LIMIT = 5000;

    private final ApiClient api;

    LogStoreClient(ApiClient api) {
        this.api = api;
    }

    /** {@code query_range} over {@code [startNanos, endNanos)}: at most {@code limit} lines, oldest first. */
    List<LokiLines.Line> queryRange(String logql, long startNanos, long endNanos, int limit, boolean forward) {
        return LokiLines.of(get("/loki/api/v1/query_range?query=" + q(logql) + "&start=" + startNanos + "&end="
                + endNanos + "&limit=" + limit + "&direction=" + (forward ? "forward" : "backward")));
    }

    /** {@code query_range} with the query and raw {@code params} (as {@code kl logs search} gives them). */
    List<LokiLines.Line> queryRange(String logql, String params) {
        return LokiLines.of(get("/loki/api/v1/query_range?query=" + q(logql) + "&" + params));
    }

    /** The label sets of the streams {@code selector} selects with lines around {@code [startNanos, endNanos)}. */
    List<JsonNode> series(String selector, long startNanos, long endNanos) {
        List<JsonNode> out = new ArrayList<>();
        get("/loki/api/v1/series?match[]=" + q(selector) + "&start=" + startNanos + "&end=" + endNanos)
                .path("data")
                .forEach(out::add);
        return out;
    }

    /**
     * Opens the store's live tail ({@code /loki/api/v1/tail}) for {@code logql}, whose first message
     * holds the newest {@value #MAX_LIMIT} lines since {@code startNanos}.
     */
    CompletableFuture<WebSocket> tail(String logql, long startNanos, WebSocket.Listener listener) {
        return api.webSocket(
                STORE + "/loki/api/v1/tail?query=" + q(logql) + "&start=" + startNanos + "&limit=" + MAX_LIMIT,
                listener);
    }

    /**
     * Loki 3's request for per-line structured metadata: the store then names the container
     * instance (pod UID, restart count) of every line, which {@link LokiLines} reads.
     */
    static final Map<String, String> CATEGORIZE_LABELS = Map.of("X-Loki-Response-Encoding-Flags", "categorize-labels");

    private JsonNode get(String pathAndQuery) {
        ApiClient.Resp r = api.call("GET", STORE + pathAndQuery, null, null, CATEGORIZE_LABELS);
        if (r.ok()) {
            return r.json();
        }
        throw LogsSearchCommand.failure(r);
    }

    /** Query-string encoding with {@code %20} for spaces: the proxy passes the query on as it is. */
    static String q(String s) {
        return enc(s).replace("+", "%20");
    }
}
