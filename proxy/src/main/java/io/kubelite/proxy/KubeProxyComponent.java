package io.kubelite.proxy;

import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kubelite kube-proxy} as a {@link Component}: informers on Services, EndpointSlices and
 * Nodes feeding one {@link ProxyState}. Never leader-elected: every process computes the rules
 * of the nodes it serves, like one kube-proxy per node.
 */
public final class KubeProxyComponent implements Component {
    private final Set<String> nodes;
    private final Optional<String> clusterCidr;
    private final Duration minSyncPeriod;
    private final String bindAddress;
    private final int port;
    private SharedInformerFactory informers;
    private RulesServer server;
    private volatile ProxyState state;

    /** {@code port} is where {@link RulesServer} listens on {@code bindAddress} (0: any free port). */
    public KubeProxyComponent(
            Set<String> nodes, Optional<String> clusterCidr, Duration minSyncPeriod, String bindAddress, int port) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.nodes = Set.copyOf(nodes);
        this.clusterCidr = clusterCidr;
        this.minSyncPeriod = minSyncPeriod;
    }

    @Override
    public void start(ComponentContext ctx) throws java.io.IOException {
        informers = new SharedInformerFactory(ListerWatchers.etcd(new Store(ctx.etcd())));
        state = new ProxyState(informers, nodes, clusterCidr, minSyncPeriod, ctx.meterRegistry(), Clock.systemUTC());
        ctx.readiness().add("rules-synced", () -> state.hasSyncedRules());
        informers.start();
        server = new RulesServer(bindAddress, port, state);
    }

    /** As kube-proxy's DaemonSet pods: label {@code k8s-app=kube-proxy}. */
    @Override
    public MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        return new MirrorPodDecoration(Map.of("k8s-app", "kube-proxy"), List.of());
    }

    /** The rules server's port, once started. */
    public int port() {
        return server.port();
    }

    /** The running state, or null before {@link #start}. */
    public ProxyState state() {
        return state;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (informers != null) {
            informers.close();
        }
        if (state != null) {
            state.close();
        }
    }
}
