package io.kubelite.kubelet.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Queries through a log store's Loki HTTP API at {@code host:port}, as a user's client sends them. */
public final class LokiQueries {
    /** The store's most lines per query_range answer. */
    public static final int MAX_LIMIT = 5000;

    /** One line as the store answers it: its labels and text. */
    public record StoredLine(JsonNode labels, long tsNanos, String line) {}

    private final String address;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public LokiQueries(String address) {
        this.address = address;
    }

    /** Lines {@code query} selects with {@code from ≤ ts < to}, oldest first (at most {@link #MAX_LIMIT}). */
    public List<StoredLine> query(String query, Instant from, Instant to) {
        JsonNode answer = get(
                "/loki/api/v1/query_range",
                "query=" + encode(query) + "&start=" + from + "&end=" + to + "&direction=forward&limit=" + MAX_LIMIT);
        List<StoredLine> out = new ArrayList<>();
        for (JsonNode stream : answer.at("/data/result")) {
            for (JsonNode v : stream.get("values")) {
                out.add(new StoredLine(
                        stream.get("stream"),
                        Long.parseLong(v.get(0).asText()),
                        v.get(1).asText()));
            }
        }
        return out;
    }

    /** Label sets of the streams {@code selector} selects in the partitions overlapping {@code from..to}. */
    public List<JsonNode> series(String selector, Instant from, Instant to) {
        JsonNode answer = get("/loki/api/v1/series", "match[]=" + encode(selector) + "&start=" + from + "&end=" + to);
        List<JsonNode> out = new ArrayList<>();
        answer.get("data").forEach(out::add);
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode get(String path, String query) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + path + "?" + query))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot query the log store at " + address + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted querying the log store", e);
        }
    }
}
