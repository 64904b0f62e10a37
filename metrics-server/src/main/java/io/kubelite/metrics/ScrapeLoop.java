package io.kubelite.metrics;

import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.store.informer.Informer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * metrics-server's scrape manager: every {@code resolution} it scrapes every Node in the informer
 * (its {@code InternalIP} and {@code status.daemonEndpoints.kubeletEndpoint.Port}), at most
 * {@code concurrency} at a time, decodes each answer and stores the cycle's merged batch. A node
 * whose scrape fails (refused, timed out, not loopback, undecodable) is logged and counted and
 * simply missing from the batch, so its points are dropped as metrics-server drops them; the other
 * nodes are unaffected. Owns its threads: {@link #close} ends them.
 */
public final class ScrapeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeLoop.class);

    private final Informer<Node> nodes;
    private final KubeletClient client;
    private final SummaryDecoder decoder = new SummaryDecoder();
    private final MetricsStorage storage;
    private final Duration resolution;
    private final ScheduledExecutorService ticker;
    private final ExecutorService scrapers;
    private final MeterRegistry meters;
    private final Timer cycleDuration;
    private final AtomicLong cycles = new AtomicLong();
    /** Each failing node's last error, so a lasting failure is logged once, not every cycle. */
    private final Map<String, String> failing = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean started;
    private boolean closed;

    public ScrapeLoop(
            Informer<Node> nodes,
            KubeletClient client,
            MetricsStorage storage,
            Duration resolution,
            int concurrency,
            MeterRegistry meters) {
        this.nodes = nodes;
        this.client = client;
        this.storage = storage;
        this.resolution = resolution;
        this.meters = meters;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "metrics-server-scrape-loop"));
        this.scrapers = Executors.newFixedThreadPool(concurrency, r -> daemon(r, "metrics-server-scraper"));
        this.cycleDuration = Timer.builder("metrics_server_manager_tick_duration_seconds")
                .description("The total time spent collecting and storing metrics")
                .register(meters);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the cycles: the first at once, then every resolution (a slow cycle delays the next). */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        ticker.scheduleAtFixedRate(this::cycleSafely, 0, resolution.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Completed cycles so far. */
    public long cycles() {
        return cycles.get();
    }

    private void cycleSafely() {
        try {
            cycle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // never let one bad cycle end the schedule
            LOG.error("scrape cycle failed", e);
        }
    }

    /** One cycle: scrape every node, store what came back. */
    void cycle() throws InterruptedException {
        if (!nodes.hasSynced()) {
            // an unsynced list would drop every stored node; wait for the next tick
            LOG.debug("scrape cycle skipped: node informer not synced yet");
            return;
        }
        long t0 = System.nanoTime();
        List<Node> all = nodes.list();
        // forget the errors of nodes that are gone
        failing.keySet()
                .retainAll(all.stream().map(n -> n.getMetadata().getName()).toList());
        List<Future<MetricsBatch>> futures = new ArrayList<>();
        for (Node n : all) {
            futures.add(scrapers.submit(() -> scrape(n)));
        }
        Map<String, MetricsPoint> nodePoints = new HashMap<>();
        Map<PodRef, Map<String, MetricsPoint>> podPoints = new HashMap<>();
        int ok = 0;
        for (Future<MetricsBatch> f : futures) {
            MetricsBatch b;
            try {
                b = f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("scrape failed: {}", e.getCause().toString());
                continue;
            }
            if (b == null) {
                continue;
            }
            ok++;
            b.nodes().forEach(nodePoints::putIfAbsent);
            b.pods().forEach(podPoints::putIfAbsent);
        }
        storage.store(new MetricsBatch(nodePoints, podPoints));
        cycles.incrementAndGet();
        cycleDuration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        LOG.debug("scrape cycle: {}/{} nodes answered, {} pods", ok, all.size(), podPoints.size());
    }

    /** One node's batch, or null (logged, counted) when it gave none. */
    private MetricsBatch scrape(Node n) throws InterruptedException {
        String name = n.getMetadata().getName();
        String address = n.getStatus().getAddressesList().stream()
                .filter(a -> a.getType().equals("InternalIP"))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse(null);
        int port = n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        try {
            if (address == null) {
                throw new KubeletClient.ScrapeException("no_address", "node " + name + ": no InternalIP address");
            }
            byte[] body = client.summary(name, address, port);
            MetricsBatch b;
            try {
                b = decoder.decode(name, body);
            } catch (java.io.IOException e) {
                throw new KubeletClient.ScrapeException(
                        "decode", "node " + name + ": undecodable summary: " + e.getMessage());
            }
            requests(true, "").increment();
            if (failing.remove(name) != null) {
                LOG.info("node {} scraped again", name);
            }
            return b;
        } catch (KubeletClient.ScrapeException e) {
            requests(false, e.reason()).increment();
            if (!e.getMessage().equals(failing.put(name, e.getMessage()))) {
                LOG.warn(
                        "failed to scrape node {} (logged again only when the error changes): {}",
                        name,
                        e.getMessage());
            }
            return null;
        }
    }

    private Counter requests(boolean success, String reason) {
        return Counter.builder("metrics_server_kubelet_request_total")
                .description("Number of requests sent to the kubelets' Summary API, by success and error reason")
                .tag("success", Boolean.toString(success))
                .tag("reason", reason)
                .register(meters);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        scrapers.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            scrapers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
