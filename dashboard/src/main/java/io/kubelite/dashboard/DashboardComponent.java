package io.kubelite.dashboard;

import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.action.ActionRegistry;
import io.kubelite.dashboard.auth.AccessReviewer;
import io.kubelite.dashboard.auth.LoginCode;
import io.kubelite.dashboard.auth.SessionStore;
import io.kubelite.dashboard.cache.ClusterCache;
import io.kubelite.dashboard.http.DashboardServer;
import io.kubelite.dashboard.metrics.NodeMetricsPoller;
import io.kubelite.dashboard.metrics.PodMetricsPoller;
import io.kubelite.dashboard.stream.ViewPublisher;
import io.kubelite.dashboard.view.ViewContext;
import io.kubelite.dashboard.view.ViewRegistry;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code kubelite dashboard} as a {@link Component}: the caches (with the dashboard's own
 * credential), the node-metrics poller, the view publisher and the HTTP server. Everything about
 * the cluster goes through the API server; the runtime's etcd connection only carries the mirror
 * pod. Never leader-elected: replicas are independent. Ready once the namespace, node and pod
 * caches have listed.
 */
public final class DashboardComponent implements Component {
    private final DashboardOptions options;
    private ClusterCache caches;
    private NodeMetricsPoller metrics;
    private PodMetricsPoller podMetrics;
    private ViewPublisher publisher;
    private DashboardServer server;

    public DashboardComponent(DashboardOptions options) {
        this.options = options;
    }

    @Override
    public void start(ComponentContext ctx) throws Exception {
        ApiServerConnection api = ApiServerConnection.fromKubeconfig(options.kubeconfig);
        LoginCode code = options.loginCodeFile == null ? LoginCode.none() : LoginCode.readOnce(options.loginCodeFile);
        caches = new ClusterCache(api);
        metrics = new NodeMetricsPoller(api, options.metricsInterval);
        metrics.start();
        ViewRegistry views = ViewRegistry.builtIn(new ViewContext(caches, metrics, options.clusterDomain));
        // the views every page needs, listed now so the first page is quick
        views.find("overview").ifPresent(v -> v.reads().forEach(caches::of));
        views.find("namespaces").ifPresent(v -> v.reads().forEach(caches::of));
        podMetrics = new PodMetricsPoller(options.metricsInterval, Clock.systemUTC());
        publisher = new ViewPublisher(caches, options.updateInterval);
        publisher.start();
        server = new DashboardServer(
                options.bindAddress,
                options.port,
                new DashboardServer.Parts(
                        api,
                        new SessionStore(options.sessionIdleTimeout, Clock.systemUTC()),
                        code,
                        new AccessReviewer(Duration.ofSeconds(10), Clock.systemUTC()),
                        views,
                        publisher,
                        ActionRegistry.builtIn(),
                        podMetrics));
        server.start();
        ctx.readiness().add("caches", caches::synced);
    }

    /** Label {@code k8s-app=kubelite-dashboard} and the page's port as {@code http}. */
    @Override
    public MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        return new MirrorPodDecoration(
                Map.of("k8s-app", "kubelite-dashboard"),
                List.of(new MirrorPodDecoration.Port("http", server.port(), "TCP")));
    }

    /** The HTTP port, once started. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (podMetrics != null) {
            podMetrics.close();
        }
        if (caches != null) {
            caches.close();
        }
    }
}
