package io.kubelite.bench.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts ingest bodies to the log store and reads what it acknowledged. Thread-safe. */
final class IngestClient {
    /** What one {@code POST /ingest} answered: status, and on 200 the lines accepted and refused as duplicates. */
    record Ack(int status, long accepted, long duplicates, String error) {
        boolean ok() {
            return status == 200;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI ingest;

    IngestClient(HttpClient http, int port) {
        this.http = http;
        this.ingest = URI.create("http://127.0.0.1:" + port + "/ingest");
    }

    Ack post(byte[] body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(ingest)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            return new Ack(resp.statusCode(), 0, 0, new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        long accepted = 0;
        long duplicates = 0;
        for (JsonNode s : JSON.readTree(resp.body()).path("streams")) {
            accepted += s.path("accepted").asLong();
            duplicates += s.path("duplicates").asLong();
        }
        return new Ack(200, accepted, duplicates, null);
    }
}
