package io.kubelite.dns;

import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code kubelite dns} component: Service and EndpointSlice informers feeding
 * {@link ClusterDnsRecords}, and a {@link DnsServer} answering from it. The server starts
 * once the informers have synced, so it never answers NXDOMAIN for a Service it has not
 * read yet; readiness check {@code dns-serving}. Not leader-elected: every replica serves.
 */
public final class ClusterDns implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDns.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    private final DnsOptions options;
    private SharedInformerFactory informers;
    private volatile DnsServer server;
    private boolean closed;

    public ClusterDns(DnsOptions options) {
        this.options = options;
    }

    @Override
    public synchronized void start(ComponentContext ctx) throws Exception {
        if (options.ttl < 0 || options.ttl > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--ttl must be between 0 and " + Integer.MAX_VALUE + ": " + options.ttl);
        }
        Name zone = zone(options.clusterDomain);
        ClusterDnsRecords records = new ClusterDnsRecords(DnsResolver.apexes(zone));
        informers = new SharedInformerFactory(ListerWatchers.etcd(new Store(ctx.etcd())));
        new ClusterDnsWatcher(informers, records, zone, options.ttl);
        informers.start();
        if (!informers.waitForCacheSync(SYNC_TIMEOUT)) {
            throw new IllegalStateException("Service and EndpointSlice informers did not sync within " + SYNC_TIMEOUT);
        }
        long serial = System.currentTimeMillis() / 1000;
        server = new DnsServer(new DnsResolver(records, zone, options.ttl, serial), options.bindAddress, options.port);
        server.start();
        ctx.readiness().add("dns-serving", () -> server != null);
        Gauge.builder("kubelite_dns_services", records, ClusterDnsRecords::services)
                .description("Services with DNS records")
                .register(ctx.meterRegistry());
        DnsServer s = server;
        FunctionCounter.builder("kubelite_dns_queries_total", s, DnsServer::queries)
                .description("DNS queries answered")
                .register(ctx.meterRegistry());
        LOG.info("dns zone {} served on {}:{} with ttl {}s", zone, options.bindAddress, s.port(), options.ttl);
    }

    /**
     * As CoreDNS's pods in kubeadm's manifest: label {@code k8s-app=kube-dns} (what the
     * kube-dns Service selects) and ports {@code dns} (UDP) and {@code dns-tcp} (TCP) on the
     * bound DNS port, {@code metrics} (TCP) on the health port, which serves {@code /metrics}.
     */
    @Override
    public MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        int dns = port();
        return new MirrorPodDecoration(
                Map.of("k8s-app", "kube-dns"),
                List.of(
                        new MirrorPodDecoration.Port("dns", dns, "UDP"),
                        new MirrorPodDecoration.Port("dns-tcp", dns, "TCP"),
                        new MirrorPodDecoration.Port("metrics", healthPort, "TCP")));
    }

    /** The port served on, once started (for tests and --port 0). */
    public int port() {
        DnsServer s = server;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        return s.port();
    }

    static Name zone(String domain) throws TextParseException {
        return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        DnsServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        if (informers != null) {
            informers.close();
        }
    }
}
