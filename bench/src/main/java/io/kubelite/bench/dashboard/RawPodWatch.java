package io.kubelite.bench.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw figure next to the dashboard's: a plain watch of every pod on the API server (what the
 * dashboard's own pod cache reads), from the current resourceVersion, counting the events it
 * delivers (bookmarks excluded) on its own thread until closed.
 */
final class RawPodWatch implements AutoCloseable {
    private final AtomicLong events = new AtomicLong();
    private final Thread thread;
    private volatile InputStream stream;
    private volatile boolean closed;

    RawPodWatch(ApiServerConnection api) throws Exception {
        ApiServerConnection.Response list = api.get("/api/v1/pods?limit=1");
        if (!list.ok()) {
            throw new IllegalStateException("list pods: HTTP " + list.code());
        }
        String rv = new ObjectMapper()
                .readTree(list.body())
                .path("metadata")
                .path("resourceVersion")
                .asText();
        HttpResponse<InputStream> r = api.openStream(
                "/api/v1/pods?watch=1&allowWatchBookmarks=false&resourceVersion=" + rv, Duration.ofSeconds(30));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("watch pods: HTTP " + r.statusCode());
        }
        stream = r.body();
        thread = new Thread(this::read, "raw-pod-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while (!closed && (line = lines.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("{\"type\":\"BOOKMARK\"")) {
                    events.incrementAndGet();
                }
            }
        } catch (Exception e) {
            if (!closed) {
                System.out.println("raw pod watch ended: " + e);
            }
        }
    }

    /** Events delivered so far. */
    long events() {
        return events.get();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        stream.close();
        thread.join(5_000);
    }
}
