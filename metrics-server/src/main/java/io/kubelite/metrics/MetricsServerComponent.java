package io.kubelite.metrics;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.RestClientMetrics;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubelite metrics-server} as a {@link Component}: Node and Pod informers on etcd (which
 * objects exist, their labels, where to scrape), a {@link ScrapeLoop} filling
 * {@link MetricsStorage}, and {@link MetricsHttpsServer} serving it. Writes nothing in etcd. Not
 * leader-elected: every replica scrapes and serves. The process is ready once its informers
 * synced; the HTTPS {@code /readyz} is metrics-server's (some usage can be served).
 */
public final class MetricsServerComponent implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServerComponent.class);
    /** The label the add-on Service selects, as metrics-server's Deployment pods carry it. */
    public static final String APP_LABEL = "k8s-app";

    public static final String APP = "metrics-server";

    private final MetricsServerOptions options;
    private SharedInformerFactory informers;
    private KubeletClient kubelets;
    private ScrapeLoop loop;
    private MetricsHttpsServer server;
    private MetricsStorage storage;
    private boolean closed;

    public MetricsServerComponent(MetricsServerOptions options) {
        this.options = options;
    }

    @Override
    public synchronized void start(ComponentContext ctx) throws Exception {
        String problem = options.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        PemKeyCertOptions cert = options.tlsCertFile == null
                ? ServingCertificate.selfSigned()
                : ServingCertificate.fromFiles(options.tlsCertFile, options.tlsPrivateKeyFile);
        informers = new SharedInformerFactory(ListerWatchers.etcd(new Store(ctx.etcd())));
        Informer<Node> nodes = informers.get(NodeKind.RESOURCE);
        Informer<Pod> pods = informers.get(PodKind.RESOURCE);
        storage = new MetricsStorage(options.metricResolution);
        kubelets = new KubeletClient(options.kubeletRequestTimeout, RestClientMetrics.of(ctx.meterRegistry()));
        loop = new ScrapeLoop(
                nodes, kubelets, storage, options.metricResolution, options.scrapeConcurrency, ctx.meterRegistry());
        MetricsStorage s = storage;
        informers.start();
        // The process's readiness (its mirror pod's, so the Service's endpoint and the APIService's
        // availability) is "serving": informers synced. metrics-server's own /readyz (storage ready,
        // on the HTTPS port) would keep the APIService unavailable, and `kubelite status` red, until
        // two scrapes of a kubelet succeeded; kubectl top says "metrics not available yet" instead.
        ctx.readiness().add("informers-synced", informers::hasSynced);
        Gauge.builder("metrics_server_storage_ready", s, st -> st.ready() ? 1 : 0)
                .description("1 once some node or pod has two samples (metrics-server's readyz), else 0")
                .register(ctx.meterRegistry());
        server = new MetricsHttpsServer(
                options.bindAddress,
                options.securePort,
                cert,
                new MetricsApi(nodes, pods, s, Clock.systemUTC()),
                () -> s.ready() && informers.hasSynced());
        ScrapeLoop l = loop;
        Gauge.builder("metrics_server_scrape_cycles", l, ScrapeLoop::cycles)
                .description("Scrape cycles completed")
                .register(ctx.meterRegistry());
        l.start();
        LOG.info(
                "metrics-server serving {} on https://{}:{}, scraping every {}",
                MetricsApi.GROUP_VERSION,
                options.bindAddress,
                server.port(),
                io.kubelite.store.runtime.DurationConverter.format(options.metricResolution));
    }

    /**
     * As metrics-server's Deployment pods: label {@code k8s-app=metrics-server} (what the add-on
     * Service selects) and container port {@code https} on the secure port, the Service's
     * {@code targetPort}.
     */
    @Override
    public MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        return new MirrorPodDecoration(
                Map.of(APP_LABEL, APP), List.of(new MirrorPodDecoration.Port("https", port(), "TCP")));
    }

    /** The HTTPS port, once started (for tests and --secure-port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (kubelets != null) {
            kubelets.close();
        }
        if (informers != null) {
            informers.close();
        }
    }
}
