package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.backoff.Backoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The watch behind {@code kl get -w}: watches a collection from a list's resourceVersion and
 * hands every object that changed to a {@link Printer}, exactly once, across broken streams.
 *
 * <p>Contract:
 * <ul>
 *   <li>It remembers the resourceVersion of the last event (and of BOOKMARKs, which it asks
 *       for) and, when the stream breaks or ends, re-watches from there after a jittered
 *       back-off, so a replacement server (another replica, or the same one restarted)
 *       replays what happened meanwhile. Events at or below what was already printed are
 *       dropped, so nothing is printed twice.</li>
 *   <li>A stream that delivers nothing, not even a bookmark, for the idle timeout counts as
 *       broken (its server is frozen or cut off: the connection stays open but silent, and
 *       TCP alone would wait forever); so does a server that sends no response headers
 *       within that time. A healthy but quiet server only costs a silent re-watch, so the
 *       timeout is reported only if the re-watch fails too.</li>
 *   <li>On 410 Gone (an in-stream ERROR Status or the HTTP status) the history it needs is
 *       gone: it lists again and prints the objects whose resourceVersion differs from the
 *       last one printed, plus, as deletions, the last printed state of objects no longer
 *       listed; then it watches from the list's resourceVersion.</li>
 *   <li>Retryable: transport failures, 429 and 5xx. Anything else (401, 403, 404, ...)
 *       ends {@link #run} with a {@link KlException} in kubectl's words; a certificate that
 *       fails verification too.</li>
 *   <li>While the server cannot be reached it writes at most one line to {@code err} per
 *       outage (an outage ends when a watch is open again), never exception text.</li>
 *   <li>{@link #run} returns when its thread is interrupted (kl's own process just exits
 *       on Ctrl-C). The JDK's HTTP response stream swallows an interrupt that arrives while
 *       it waits for data, so an in-process caller interrupts until the thread ends: an
 *       interrupt is seen in the back-off sleep, the reconnect, or between events.</li>
 * </ul>
 * Not thread-safe: one thread runs it.
 */
final class ResumingWatch {
    /** Prints one object (its row, or its JSON/YAML/name). */
    interface Printer {
        /** {@code type}: ADDED, MODIFIED or DELETED (a relist reports what changed in those terms). */
        void print(String type, JsonNode object);
    }

    /** A stream that delivered an event, or stayed open this long, counts as a success for the back-off. */
    private static final long HEALTHY_STREAM_MILLIS = 1_000;

    private final ApiClient client;
    private final String path;
    private final String what;
    private final Printer printer;
    private final PrintStream err;
    private final Backoff backoff;
    private final Duration idleTimeout;
    private IdleStreamWatchdog watchdog;
    /** Last printed state per namespace/name, for the diff after a relist. */
    private Map<String, JsonNode> known = new LinkedHashMap<>();

    private long lastRv;
    /** Objects already printed at {@link #lastRv}: one etcd transaction may change several keys at one revision. */
    private final Set<String> keysAtLastRv = new HashSet<>();

    private boolean outageReported;

    private enum End {
        BROKEN,
        GONE,
        INTERRUPTED
    }

    /**
     * @param path    the collection path with its selectors, as listed (e.g. {@code /api/v1/namespaces/default/pods?labelSelector=a%3Db})
     * @param what    the resource's plural name, for the outage message
     * @param listed  the items of that list, already printed (or deliberately not, for --watch-only)
     * @param listRv  the list's resourceVersion
     * @param idleTimeout how long a stream (or a server's answer) may stay silent before it counts as broken
     */
    ResumingWatch(
            ApiClient client,
            String path,
            String what,
            Iterable<JsonNode> listed,
            long listRv,
            Printer printer,
            PrintStream err,
            Backoff backoff,
            Duration idleTimeout) {
        this.client = client;
        this.path = path;
        this.what = what;
        this.printer = printer;
        this.err = err;
        this.backoff = backoff;
        this.idleTimeout = idleTimeout;
        listed.forEach(i -> known.put(key(i), i));
        this.lastRv = listRv;
    }

    /** Watches until the thread is interrupted; throws {@link KlException} on a non-retryable error. */
    void run() {
        try (IdleStreamWatchdog w = new IdleStreamWatchdog(idleTimeout)) {
            watchdog = w;
            loop();
        } finally {
            watchdog = null;
        }
    }

    private void loop() {
        boolean goneBefore = false;
        while (!Thread.currentThread().isInterrupted()) {
            End end = watchOnce();
            if (end == End.INTERRUPTED) {
                return;
            }
            if (end == End.GONE) {
                // a server answering 410 to every fresh watch must not get a list-watch loop at full speed
                if (goneBefore && !pause()) {
                    return;
                }
                goneBefore = true;
                if (!relist()) {
                    return;
                }
                continue;
            }
            goneBefore = false;
            if (end == End.BROKEN && !pause()) {
                return;
            }
        }
    }

    /** The resourceVersion a re-watch would start from (for tests and diagnostics). */
    long resourceVersion() {
        return lastRv;
    }

    private End watchOnce() {
        String sep = path.contains("?") ? "&" : "?";
        HttpResponse<InputStream> r;
        try {
            r = client.open(path + sep + "watch=1&allowWatchBookmarks=true&resourceVersion=" + lastRv, idleTimeout);
        } catch (IOException e) {
            return failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return End.INTERRUPTED;
        }
        watchdog.guard(r.body());
        int code = r.statusCode();
        if (code != 200) {
            String body = ApiClient.drain(r.body());
            if (code == 410) {
                return End.GONE;
            }
            if (retryable(code)) {
                reportOutage("the server answered " + code);
                return End.BROKEN;
            }
            throw ApiClient.error(new ApiClient.Resp(code, body));
        }
        outageReported = false;
        long opened = System.nanoTime();
        boolean delivered = false;
        try (BufferedReader br = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = br.readLine()) != null) {
                watchdog.touch();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e;
                try {
                    e = ApiClient.JSON.readTree(line);
                } catch (IOException malformed) {
                    return End.BROKEN; // a line cut by the break: re-watch from the last whole event
                }
                JsonNode o = e.path("object");
                switch (e.path("type").asText()) {
                    case "ERROR" -> {
                        int status = o.path("code").asInt(0);
                        if (status == 410) {
                            return End.GONE;
                        }
                        if (status == 0 || retryable(status)) {
                            return End.BROKEN;
                        }
                        throw ApiClient.error(new ApiClient.Resp(status, o.toString()));
                    }
                    case "BOOKMARK" -> advance(rv(o));
                    case "ADDED", "MODIFIED", "DELETED" ->
                        deliver(e.path("type").asText(), o);
                    default -> {
                        // an unknown event type carries nothing kl can print
                    }
                }
                delivered = true;
                if (Thread.currentThread().isInterrupted()) {
                    return End.INTERRUPTED;
                }
            }
        } catch (IOException e) {
            // the connection broke: fall through to the re-watch
        } finally {
            if (delivered || System.nanoTime() - opened > HEALTHY_STREAM_MILLIS * 1_000_000) {
                backoff.reset();
            }
        }
        return Thread.currentThread().isInterrupted() ? End.INTERRUPTED : End.BROKEN;
    }

    private void deliver(String type, JsonNode o) {
        long rv = rv(o);
        String key = key(o);
        if (rv < lastRv || (rv == lastRv && !keysAtLastRv.add(key))) {
            return; // printed before the stream broke; the new server replays from lastRv
        }
        advance(rv);
        keysAtLastRv.add(key);
        if (type.equals("DELETED")) {
            known.remove(key);
        } else {
            known.put(key, o);
        }
        printer.print(type, o);
    }

    private void advance(long rv) {
        if (rv > lastRv) {
            lastRv = rv;
            keysAtLastRv.clear();
        }
    }

    /** Lists again after a 410 and prints the differences; false when interrupted meanwhile. */
    private boolean relist() {
        while (true) {
            ApiClient.Resp r;
            try {
                r = client.tryGet(path);
            } catch (IOException e) {
                failed(e);
                if (!pause()) {
                    return false;
                }
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (!r.ok()) {
                if (!retryable(r.code())) {
                    throw ApiClient.error(r);
                }
                reportOutage("the server answered " + r.code());
                if (!pause()) {
                    return false;
                }
                continue;
            }
            JsonNode list = r.json();
            Map<String, JsonNode> fresh = new LinkedHashMap<>();
            list.path("items").forEach(i -> fresh.put(key(i), i));
            Map<String, JsonNode> gone = new TreeMap<>(known);
            gone.keySet().removeAll(fresh.keySet());
            gone.values().forEach(o -> printer.print("DELETED", o));
            for (var e : fresh.entrySet()) {
                JsonNode before = known.get(e.getKey());
                if (before == null || rv(before) != rv(e.getValue())) {
                    printer.print(before == null ? "ADDED" : "MODIFIED", e.getValue());
                }
            }
            known = fresh;
            lastRv = list.path("metadata").path("resourceVersion").asLong(0);
            keysAtLastRv.clear();
            return true;
        }
    }

    /** Classifies a transport failure: a bad certificate ends the watch, anything else is retried. */
    private End failed(IOException e) {
        if (ApiClient.isCertificateFailure(e)) {
            throw client.tlsFailure(e instanceof javax.net.ssl.SSLException s ? s : new javax.net.ssl.SSLException(e));
        }
        String reason = e instanceof ConnectException
                ? "connection refused"
                : e instanceof HttpConnectTimeoutException
                        ? "connect timed out"
                        : e instanceof HttpTimeoutException ? "timed out" : "connection lost";
        reportOutage(reason);
        return End.BROKEN;
    }

    private void reportOutage(String reason) {
        if (!outageReported) {
            outageReported = true;
            err.println("Warning: watch of " + what + " interrupted (" + reason + "); reconnecting");
            err.flush();
        }
    }

    /** Sleeps the next back-off; false when interrupted. */
    private boolean pause() {
        try {
            Thread.sleep(backoff.nextMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean retryable(int code) {
        return code == 429 || code >= 500;
    }

    private static long rv(JsonNode o) {
        return o.path("metadata").path("resourceVersion").asLong(0);
    }

    private static String key(JsonNode o) {
        JsonNode m = o.path("metadata");
        return m.path("namespace").asText("") + "/" + m.path("name").asText();
    }
}
