package io.kubelite.kubelet.network;

import io.kubelite.proxy.RuleTrace;
import io.kubelite.store.runtime.RestClientMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each simulated node's "kernel" iptables rules: what kube-proxy last programmed there, fetched
 * from its rules endpoint ({@code GET /rules/NODE}) when a connection needs them, at most once per
 * {@link #REFRESH} per node, with {@code If-None-Match} so unchanged rules cost a 304 and no
 * parse. When kube-proxy cannot be reached (or does not serve the node) the last rules stay, as a
 * real node's rules survive a kube-proxy crash; one log line per outage. A node whose rules were
 * never fetched has none: Service IPs get no DNAT.
 */
final class KernelRules {
    static final Duration REFRESH = Duration.ofMillis(250);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(KernelRules.class);

    private final HttpClient http;
    private final RestClientMetrics metrics;
    private final String base;
    private final LongSupplier nanos;
    private final Map<String, NodeRules> nodes = new ConcurrentHashMap<>();
    private final Object outageLock = new Object();
    private boolean inOutage;

    /** One node's rules and the state of their refresh; guarded by itself. */
    private static final class NodeRules {
        Optional<RuleTrace> trace = Optional.empty();
        String etag;
        long fetchedAt;
        boolean fetched;
        CompletableFuture<Optional<RuleTrace>> inFlight;
    }

    KernelRules(HttpClient http, RestClientMetrics metrics, String kubeProxyAddress, LongSupplier nanos) {
        this.http = http;
        this.metrics = metrics;
        this.base = "http://" + kubeProxyAddress + "/rules/";
        this.nanos = nanos;
    }

    /** The node's rules, refreshed first when the last fetch is older than {@link #REFRESH}; never fails. */
    CompletableFuture<Optional<RuleTrace>> forNode(String node) {
        NodeRules r = nodes.computeIfAbsent(node, n -> new NodeRules());
        HttpRequest req;
        CompletableFuture<Optional<RuleTrace>> result;
        synchronized (r) {
            if (r.inFlight != null) {
                return r.inFlight;
            }
            if (r.fetched && nanos.getAsLong() - r.fetchedAt < REFRESH.toNanos()) {
                return CompletableFuture.completedFuture(r.trace);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + node))
                    .timeout(FETCH_TIMEOUT)
                    .GET();
            if (r.etag != null) {
                b.header("If-None-Match", r.etag);
            }
            req = b.build();
            result = new CompletableFuture<>();
            r.inFlight = result;
        }
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = metrics.observe(req, http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        } catch (RuntimeException e) {
            // the client's executor is shut down (the network is closing): nothing is fetched
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((resp, err) -> {
            Optional<RuleTrace> now;
            synchronized (r) {
                if (err == null && resp.statusCode() == 200) {
                    try {
                        r.trace = Optional.of(RuleTrace.of(resp.body()));
                        r.etag = resp.headers().firstValue("ETag").orElse(null);
                        reachable();
                    } catch (RuntimeException e) {
                        unreachable(node, "unparseable rules: " + e.getMessage());
                    }
                } else if (err == null && resp.statusCode() == 304) {
                    reachable();
                } else {
                    unreachable(node, err != null ? String.valueOf(err) : "HTTP " + resp.statusCode());
                }
                r.fetched = true;
                r.fetchedAt = nanos.getAsLong();
                r.inFlight = null;
                now = r.trace;
            }
            result.complete(now);
        });
        return result;
    }

    private void reachable() {
        synchronized (outageLock) {
            if (inOutage) {
                inOutage = false;
                LOG.info("kube-proxy at {} answers again; node rules are current", base);
            }
        }
    }

    private void unreachable(String node, String why) {
        synchronized (outageLock) {
            if (!inOutage) {
                inOutage = true;
                LOG.warn(
                        "kube-proxy at {} cannot give node {}'s rules ({}); nodes keep their last rules until it"
                                + " answers",
                        base,
                        node,
                        why);
            }
        }
    }
}
