package io.kubelite.bench.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /loki/api/v1/query_range} against the log store, returning the lines' texts in answer order. */
final class LokiQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final int port;

    LokiQueries(HttpClient http, int port) {
        this.http = http;
        this.port = port;
    }

    /** The lines (texts) of the answer; throws with the store's message unless it answered 200. */
    List<String> lines(String query, long startNanos, long endNanos, int limit, boolean forward)
            throws IOException, InterruptedException {
        String uri = "http://127.0.0.1:" + port + "/loki/api/v1/query_range?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + startNanos + "&end=" + endNanos
                + "&limit=" + limit + "&direction=" + (forward ? "forward" : "backward");
        HttpResponse<byte[]> resp = http.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofMinutes(2))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            throw new IOException("query_range " + query + ": HTTP " + resp.statusCode() + ": "
                    + new String(resp.body(), StandardCharsets.UTF_8).strip());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode stream : JSON.readTree(resp.body()).path("data").path("result")) {
            for (JsonNode v : stream.path("values")) {
                out.add(v.path(1).asText());
            }
        }
        return out;
    }
}
