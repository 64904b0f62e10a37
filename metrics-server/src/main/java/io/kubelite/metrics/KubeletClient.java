package io.kubelite.metrics;

import io.kubelite.store.runtime.KubeletNodeHeader;
import io.kubelite.store.runtime.RestClientMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Fetches one node's kubelet Summary API: {@code GET http://ADDRESS:PORT/stats/summary} with
 * header {@code X-Kubelite-Node: NODE} (one kubelet-sim port serves many nodes; the header names
 * the node), within {@code timeout} (connect and answer), at most {@link #MAX_BODY_BYTES} of body. Refuses non-loopback addresses: kubelite
 * never sends packets off the host. Owns the HTTP client's threads; {@link #close} ends them.
 */
public final class KubeletClient implements AutoCloseable {
    /** A Summary larger than this is refused rather than read: one kubelet must not exhaust the heap. */
    static final int MAX_BODY_BYTES = 32 << 20;

    /** A scrape that got no usable answer; {@code reason} is a short label for the error counter. */
    public static final class ScrapeException extends Exception {
        private final String reason;

        ScrapeException(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient http;
    private final RestClientMetrics metrics;

    /** @param metrics where each request is counted ({@code rest_client_requests_total}) */
    public KubeletClient(Duration timeout, RestClientMetrics metrics) {
        this.timeout = timeout;
        this.metrics = metrics;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "metrics-server-kubelet-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The Summary body of {@code node} at {@code address:port}. */
    public byte[] summary(String node, String address, int port) throws ScrapeException, InterruptedException {
        if (!Loopback.is(address)) {
            throw new ScrapeException(
                    "non_loopback", "node " + node + ": address " + address + " is not loopback, not scraped");
        }
        if (port < 1 || port > 65535) {
            throw new ScrapeException("no_port", "node " + node + ": no kubelet port in status.daemonEndpoints");
        }
        String host = address.contains(":") ? "[" + address + "]" : address;
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/stats/summary"))
                .header(KubeletNodeHeader.NAME, node)
                .header("Accept", "application/json")
                .timeout(timeout)
                .GET()
                .build();
        HttpResponse<java.io.InputStream> r;
        long start = System.nanoTime();
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            metrics.record("GET", req.uri(), r.statusCode(), System.nanoTime() - start);
        } catch (java.net.http.HttpTimeoutException e) {
            metrics.record("GET", req.uri(), null, System.nanoTime() - start);
            throw new ScrapeException(
                    "timeout", "node " + node + ": no answer from " + req.uri() + " within " + timeout);
        } catch (IOException e) {
            metrics.record("GET", req.uri(), null, System.nanoTime() - start);
            throw new ScrapeException("transport", "node " + node + ": " + req.uri() + ": " + e);
        }
        try (java.io.InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new ScrapeException(
                        "status", "node " + node + ": " + req.uri() + " answered HTTP " + r.statusCode());
            }
            // one byte past the limit tells "exactly the limit" from "more"
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ScrapeException(
                        "too_large",
                        "node " + node + ": " + req.uri() + " answered more than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new ScrapeException("transport", "node " + node + ": reading " + req.uri() + ": " + e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
