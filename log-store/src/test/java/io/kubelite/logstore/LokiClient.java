package io.kubelite.logstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.logstore.ingest.IngestRequest;
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

/** A test client of the log-store's HTTP API over real HTTP on 127.0.0.1 (the JDK's client). */
final class LokiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Status and body of a response. */
    record Reply(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String base;

    LokiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Reply ingest(IngestRequest req) throws IOException, InterruptedException {
        return post("/ingest", JSON.writeValueAsString(req));
    }

    Reply post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** GET {@code path} with {@code params} as name, value, name, value... (URL-encoded here). */
    Reply get(String path, String... params) throws IOException, InterruptedException {
        return get(HttpRequest.newBuilder(), path, params);
    }

    /** As {@link #get(String, String...)}, asking for Loki 3's categorized labels (structured metadata). */
    Reply getCategorized(String path, String... params) throws IOException, InterruptedException {
        return get(
                HttpRequest.newBuilder().header("X-Loki-Response-Encoding-Flags", "categorize-labels"), path, params);
    }

    private Reply get(HttpRequest.Builder request, String path, String... params)
            throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            q.append(q.length() == 0 ? "?" : "&")
                    .append(params[i])
                    .append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = http.send(
                request.uri(URI.create(base + path + q))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** The lines of a query_range answer, in answer order, flattened over streams. */
    static List<String> lines(Reply r) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode s : r.json().path("data").path("result")) {
            for (JsonNode v : s.path("values")) {
                out.add(v.get(1).asText());
            }
        }
        return out;
    }
}
