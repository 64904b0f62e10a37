package io.kubelite.dashboard.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.cli.ApiServerConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list+watch cache of one resource over the API server's HTTP watch (client-go's reflector and
 * store in one small class): list, then watch from the list's resourceVersion with bookmarks;
 * resume from the last resourceVersion seen after the stream ends or breaks; relist (delivering
 * the deletes it missed) on 410 Gone; back off from 200 ms to 10 s while the server fails. Runs on
 * its own thread, never an event loop. {@link #generation()} rises with every change, so readers
 * re-render only when something moved.
 *
 * <p>Objects are kept as JSON trees without {@code managedFields} and the last-applied annotation,
 * which no view shows and which are most of a typical object's size.
 */
public final class ResourceCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResourceCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final int WATCH_TIMEOUT_SECONDS = 300;

    private final ResourceType type;
    private final ApiServerConnection api;
    private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Thread thread;
    private volatile boolean synced;
    private volatile boolean closed;
    private volatile InputStream openStream;
    private String resourceVersion = "";

    public ResourceCache(ResourceType type, ApiServerConnection api) {
        this.type = type;
        this.api = api;
        this.thread = new Thread(this::run, "dashboard-watch-" + type);
        this.thread.setDaemon(true);
    }

    /** Starts the list+watch loop; idempotent. */
    public synchronized void start() {
        if (!thread.isAlive() && !closed) {
            thread.start();
        }
    }

    public ResourceType type() {
        return type;
    }

    /** Whether the first list has been applied. */
    public boolean synced() {
        return synced;
    }

    /** Rises with every applied change (and the first list). */
    public long generation() {
        return generation.get();
    }

    /** The current objects (a live view; iterate, do not keep). */
    public Collection<JsonNode> objects() {
        return Collections.unmodifiableCollection(objects.values());
    }

    /** The object with key {@code namespace/name} (or {@code name} when cluster-scoped), or null. */
    public JsonNode get(String key) {
        return objects.get(key);
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (!closed) {
            try {
                if (resourceVersion.isEmpty()) {
                    relist();
                }
                watch();
                backoff = MIN_BACKOFF; // the stream ended normally (timeoutSeconds): resume at once
            } catch (GoneException e) {
                log.info("{}: resourceVersion {} is too old ({}); relisting", type, resourceVersion, e.getMessage());
                resourceVersion = "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                log.warn("{}: list/watch failed, retrying in {} ms: {}", type, backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void relist() throws IOException {
        ApiServerConnection.Response r = api.get(type.collectionPath());
        if (!r.ok()) {
            throw new IOException("list " + type + ": HTTP " + r.code() + " " + abbreviate(r.body()));
        }
        JsonNode list = JSON.readTree(r.body());
        Set<String> seen = new HashSet<>();
        for (JsonNode item : list.path("items")) {
            String key = key(item);
            seen.add(key);
            objects.put(key, slim(item));
        }
        int removed = 0;
        for (String key : Set.copyOf(objects.keySet())) {
            if (!seen.contains(key)) {
                objects.remove(key);
                removed++;
            }
        }
        resourceVersion = list.path("metadata").path("resourceVersion").asText("");
        synced = true;
        generation.incrementAndGet();
        log.info(
                "{}: listed {} objects at resourceVersion {} ({} gone since the last list)",
                type,
                seen.size(),
                resourceVersion,
                removed);
    }

    private void watch() throws IOException, InterruptedException, GoneException {
        String path = type.collectionPath() + "?watch=1&allowWatchBookmarks=true&timeoutSeconds="
                + WATCH_TIMEOUT_SECONDS + "&resourceVersion=" + resourceVersion;
        HttpResponse<InputStream> response = api.openStream(path, Duration.ofSeconds(30));
        try (InputStream body = response.body()) {
            if (response.statusCode() == 410) {
                throw new GoneException("HTTP 410");
            }
            if (response.statusCode() != 200) {
                throw new IOException("watch " + type + ": HTTP " + response.statusCode() + " "
                        + abbreviate(new String(body.readNBytes(512), StandardCharsets.UTF_8)));
            }
            openStream = body;
            if (closed) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String line;
            while (!closed && (line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    apply(JSON.readTree(line));
                }
            }
        } finally {
            openStream = null;
        }
    }

    private void apply(JsonNode event) throws GoneException {
        String kind = event.path("type").asText();
        JsonNode object = event.path("object");
        if (kind.equals("ERROR")) {
            if (object.path("code").asInt() == 410) {
                throw new GoneException(object.path("message").asText());
            }
            log.warn("{}: watch error {}", type, abbreviate(object.toString()));
            return;
        }
        String rv = object.path("metadata").path("resourceVersion").asText("");
        switch (kind) {
            case "ADDED", "MODIFIED" -> objects.put(key(object), slim(object));
            case "DELETED" -> objects.remove(key(object));
            case "BOOKMARK" -> {}
            default -> {
                log.warn("{}: unknown watch event type {}", type, kind);
                return;
            }
        }
        if (!rv.isEmpty()) {
            resourceVersion = rv;
        }
        if (!kind.equals("BOOKMARK")) {
            generation.incrementAndGet();
        }
    }

    static String key(JsonNode object) {
        JsonNode meta = object.path("metadata");
        String ns = meta.path("namespace").asText("");
        String name = meta.path("name").asText("");
        return ns.isEmpty() ? name : ns + "/" + name;
    }

    private static JsonNode slim(JsonNode object) {
        if (object.path("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
            if (meta.path("annotations") instanceof ObjectNode annotations) {
                annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
            }
        }
        return object;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Stops the loop and its thread; idempotent. */
    @Override
    public void close() {
        closed = true;
        InputStream s = openStream;
        if (s != null) {
            try {
                s.close(); // unblocks the reader
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The watch's resourceVersion is gone from the server's history: relist. */
    private static final class GoneException extends Exception {
        GoneException(String message) {
            super(message);
        }
    }
}
