package io.kubelite.logstore;

import io.kubelite.logstore.http.LogStoreServer;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubelite log-store} as a {@link Component}: the {@link LogStore}, its HTTP API
 * ({@link LogStoreServer}) and a retention sweep every {@code retentionInterval}. It keeps
 * nothing in etcd; the runtime's etcd connection only carries its mirror pod, so that the
 * log-store shows in {@code kube-system} like every kubelite process. Never leader-elected:
 * each process owns its data directory.
 */
public final class LogStoreComponent implements Component {
    private static final Logger log = LoggerFactory.getLogger(LogStoreComponent.class);

    private final LogStoreConfig config;
    private final String bindAddress;
    private final int port;
    private final Duration retentionInterval;
    private LogStore store;
    private LogStoreServer server;
    private ScheduledExecutorService sweeper;

    public LogStoreComponent(LogStoreConfig config, String bindAddress, int port, Duration retentionInterval) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.port = port;
        this.retentionInterval = retentionInterval;
    }

    @Override
    public void start(ComponentContext ctx) throws IOException {
        store = new LogStore(config, Clock.systemUTC(), ctx.meterRegistry());
        store.start();
        ctx.readiness().add("log-index", store::healthy);
        server = new LogStoreServer(bindAddress, port, store, Clock.systemUTC());
        server.start();
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "logstore-retention"));
        long period = retentionInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, 0, period, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            List<String> dropped = store.enforceRetention().get(5, TimeUnit.MINUTES);
            if (!dropped.isEmpty()) {
                log.info("retention dropped {} partition(s): {}", dropped.size(), dropped);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("retention sweep failed: {}", e.toString());
        }
    }

    /** Label {@code k8s-app=log-store}, and the API port as the pod's {@code http-metrics}-like named port. */
    @Override
    public MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        return new MirrorPodDecoration(
                Map.of("k8s-app", "log-store"), List.of(new MirrorPodDecoration.Port("http", server.port(), "TCP")));
    }

    /** The API port, once started. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
