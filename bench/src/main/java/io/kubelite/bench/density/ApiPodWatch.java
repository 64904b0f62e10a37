package io.kubelite.bench.density;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A watch of one namespace's pods through the API server, as any client (and CL2's pod startup
 * measurement) watches them: JSON, from the resourceVersion of a first list, re-watching from the
 * last resourceVersion seen whenever the server ends the stream. Records, in the benchmark's clock,
 * when each pod (names starting with a prefix) was first seen with phase {@code Running}. Owns its
 * reading thread.
 */
final class ApiPodWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiServerConnection api;
    private final String namespace;
    private final String namePrefix;
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Thread reader;
    private volatile InputStream body;
    private volatile boolean closed;
    private String resourceVersion;

    ApiPodWatch(ApiServerConnection api, String namespace, String namePrefix) {
        this.api = api;
        this.namespace = namespace;
        this.namePrefix = namePrefix;
        this.reader = new Thread(this::run, "density-api-pod-watch");
        reader.setDaemon(true);
    }

    /** Lists (for the resourceVersion to watch from) and starts watching. */
    void start() throws IOException {
        ApiServerConnection.Response list = api.get("/api/v1/namespaces/" + namespace + "/pods?limit=1");
        if (!list.ok()) {
            throw new IOException("listing pods through the API server: HTTP " + list.code() + " " + list.body());
        }
        resourceVersion = JSON.readTree(list.body())
                .path("metadata")
                .path("resourceVersion")
                .asText();
        reader.start();
    }

    private void run() {
        while (!closed) {
            String path = "/api/v1/namespaces/" + namespace + "/pods?watch=true&allowWatchBookmarks=true"
                    + "&timeoutSeconds=3600&resourceVersion=" + resourceVersion;
            try {
                HttpResponse<InputStream> r = api.openStream(path, Duration.ofSeconds(30));
                body = r.body();
                if (r.statusCode() != 200) {
                    failure.compareAndSet(null, "watch answered HTTP " + r.statusCode());
                    body.close();
                    return;
                }
                try (MappingIterator<JsonNode> events =
                        JSON.readerFor(JsonNode.class).readValues(body)) {
                    while (events.hasNextValue()) {
                        JsonNode e = events.nextValue();
                        long now = System.nanoTime();
                        if (e.path("type").asText().equals("ERROR")) {
                            // 410 Gone: the resourceVersion was compacted away; nothing to resume from
                            failure.compareAndSet(
                                    null,
                                    "watch error: "
                                            + e.path("object").path("message").asText());
                            return;
                        }
                        JsonNode pod = e.path("object");
                        resourceVersion =
                                pod.path("metadata").path("resourceVersion").asText(resourceVersion);
                        String name = pod.path("metadata").path("name").asText();
                        if (name.startsWith(namePrefix)
                                && pod.path("status").path("phase").asText().equals("Running")) {
                            running.putIfAbsent(name, now);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    System.out.println(
                            "  API pod watch broke (" + e.getMessage() + "); re-watching from " + resourceVersion);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** When {@code name} was first seen Running, or null. */
    Long running(String name) {
        return running.get(name);
    }

    int runningCount() {
        return running.size();
    }

    /** Why the watch stopped for good, or null while it runs. */
    String failure() {
        return failure.get();
    }

    @Override
    public void close() {
        closed = true;
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
        reader.interrupt();
    }
}
