package io.kubelite.store.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * client-go's REST client metrics, for the HTTP requests a kubelite process makes to another one
 * (kubelet-sim to kube-proxy, the HPA to the metrics API, metrics-server to kubelets):
 * {@code rest_client_requests_total{code, host, method}} — {@code code} is the HTTP status, or
 * {@code <error>} when no response came, as client-go counts it — and
 * {@code rest_client_request_duration_seconds{host, verb}} with client-go's buckets. Requests to
 * etcd are not REST calls; they are counted by {@code etcd_request_duration_seconds}.
 */
public final class RestClientMetrics {
    /** Records nothing. */
    public static final RestClientMetrics NONE = new RestClientMetrics(null, System::nanoTime);

    /** client-go's {@code requestLatency} buckets (5 ms to 60 s). */
    private static final Duration[] BUCKETS = seconds(0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60);

    private final MeterRegistry registry;
    private final LongSupplier nanos;

    private RestClientMetrics(MeterRegistry registry, LongSupplier nanos) {
        this.registry = registry;
        this.nanos = nanos;
    }

    public static RestClientMetrics of(MeterRegistry registry) {
        return new RestClientMetrics(Objects.requireNonNull(registry, "registry"), System::nanoTime);
    }

    /**
     * Records {@code response}, the answer to {@code request} sent now, when it completes; returns it
     * unchanged, so a call site reads {@code metrics.observe(req, http.sendAsync(req, handler))}.
     */
    public <T> CompletableFuture<HttpResponse<T>> observe(
            HttpRequest request, CompletableFuture<HttpResponse<T>> response) {
        if (registry == null) {
            return response;
        }
        long start = nanos.getAsLong();
        response.whenComplete((r, err) ->
                record(request.method(), request.uri(), r == null ? null : r.statusCode(), nanos.getAsLong() - start));
        return response;
    }

    /** Records one request to {@code uri} that took {@code nanos}; {@code code} null: no response. */
    public void record(String method, URI uri, Integer code, long nanos) {
        if (registry == null) {
            return;
        }
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        Counter.builder("rest_client_requests_total")
                .description("Number of HTTP requests, partitioned by status code, method, and host.")
                .tag("code", code == null ? "<error>" : Integer.toString(code))
                .tag("host", host)
                .tag("method", method)
                .register(registry)
                .increment();
        Timer.builder("rest_client_request_duration")
                .description("Request latency in seconds. Broken down by verb, and host.")
                .tag("host", host)
                .tag("verb", method)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Duration[] seconds(double... values) {
        Duration[] b = new Duration[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return b;
    }
}
