package io.kubelite.controllers;

import io.kubelite.api.Event;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A controller-manager running in this JVM as a component (through ComponentMain, as
 * the real process does), on its own etcd prefix, plus helpers that write etcd the way
 * the other components would.
 */
final class ControllerManagerUnderTest implements AutoCloseable {
    final EtcdExtension etcdExt;
    final String prefix;
    final Etcd etcd;
    final Store store;
    private final List<String> args;
    private final java.time.Clock clock;
    private final java.util.function.Consumer<ControllerOptions> configure;
    private ControllerManagerMain main;
    private ComponentMain cm;

    ControllerManagerUnderTest(EtcdExtension etcdExt, String... flags) throws Exception {
        this(etcdExt, java.time.Clock.systemUTC(), flags);
    }

    /** With the clock the Job, CronJob and TTL controllers run on (a ManualClock in their tests). */
    ControllerManagerUnderTest(EtcdExtension etcdExt, java.time.Clock clock, String... flags) throws Exception {
        this(etcdExt, clock, o -> {}, flags);
    }

    /** With options no flag sets (the HPA's metrics source), applied before each start. */
    ControllerManagerUnderTest(
            EtcdExtension etcdExt,
            java.time.Clock clock,
            java.util.function.Consumer<ControllerOptions> configure,
            String... flags)
            throws Exception {
        this.clock = clock;
        this.configure = configure;
        this.etcdExt = etcdExt;
        this.prefix = etcdExt.newPrefix();
        this.etcd = etcdExt.connect(prefix);
        this.store = new Store(etcd);
        this.args = new ArrayList<>(List.of(
                "--etcd-endpoints",
                String.join(",", etcdExt.cluster().endpoints()),
                "--etcd-prefix",
                prefix,
                "--health-port",
                "0",
                "--leader-elect=false",
                "--id",
                "cm-test",
                "--etcd-request-timeout",
                "5s"));
        this.args.addAll(List.of(flags));
        start();
    }

    List<String> args() {
        return args;
    }

    void start() throws Exception {
        main = ControllerManagerMain.parse(args.toArray(String[]::new));
        main.options().clock = clock;
        configure.accept(main.options());
        cm = main.componentMain();
        cm.start();
        io.kubelite.store.testing.Poll.until(
                Duration.ofSeconds(20),
                "controllers running",
                () -> main.component().running());
    }

    void stop() {
        if (cm != null) {
            cm.shutdown();
            cm = null;
        }
    }

    void restart() throws Exception {
        stop();
        start();
    }

    ControllerManager manager() {
        return main.component();
    }

    <T extends com.google.protobuf.Message> ObjectStore<T> of(io.kubelite.kinds.Resource<T> r) {
        return store.of(r);
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            StoreException se = StoreException.unwrap(e);
            throw se != null ? se : new RuntimeException(e);
        }
    }

    <T extends com.google.protobuf.Message> List<T> list(io.kubelite.kinds.Resource<T> r, String ns) {
        return join(store.of(r).list(ns == null ? ListOptions.<T>all() : ListOptions.<T>inNamespace(ns)))
                .items();
    }

    <T extends com.google.protobuf.Message> T getOrNull(io.kubelite.kinds.Resource<T> r, String ns, String name) {
        try {
            return join(store.of(r).get(ns, name));
        } catch (NotFoundException e) {
            return null;
        }
    }

    List<Event> events(String reason) {
        return list(EventKind.RESOURCE, null).stream()
                .filter(e -> e.getReason().equals(reason))
                .toList();
    }

    /** A node as a kubelet registers it: Ready=True with a fresh heartbeat. */
    static Node readyNode(String name, Map<String, String> labels) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putAllLabels(labels))
                .setStatus(NodeStatus.newBuilder()
                        .addConditions(NodeCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")
                                .setReason("KubeletReady")
                                .setMessage("kubelet is posting ready status")
                                .setLastHeartbeatTime(Times.nowSeconds())
                                .setLastTransitionTime(Times.nowSeconds()))
                        .putAllocatable("cpu", "4")
                        .putAllocatable("pods", "110"))
                .build();
    }

    Node createNode(String name) {
        return join(of(NodeKind.RESOURCE).create(readyNode(name, Map.of())));
    }

    /** Renews the node's Lease in kube-node-lease, creating it the first time. */
    void renewLease(String node) {
        ObjectStore<Lease> leases = of(LeaseKind.RESOURCE);
        try {
            join(leases.guaranteedUpdate(
                    "kube-node-lease",
                    node,
                    l -> l.toBuilder()
                            .setSpec(l.getSpec().toBuilder().setRenewTime(Times.now()))
                            .build()));
        } catch (NotFoundException e) {
            join(leases.create(Lease.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace("kube-node-lease")
                            .setName(node))
                    .setSpec(LeaseSpec.newBuilder()
                            .setHolderIdentity(node)
                            .setLeaseDurationSeconds(40)
                            .setRenewTime(Times.now()))
                    .build()));
        }
    }

    /** The kubelet posting status: Ready=True with a new heartbeat. */
    void postReady(String node) {
        join(of(NodeKind.RESOURCE).guaranteedUpdate(null, node, n -> {
            NodeStatus.Builder st = n.getStatus().toBuilder().clearConditions();
            for (NodeCondition c : n.getStatus().getConditionsList()) {
                if (c.getType().equals("Ready")) {
                    st.addConditions(c.toBuilder()
                            .setStatus("True")
                            .setReason("KubeletReady")
                            .setMessage("kubelet is posting ready status")
                            .setLastHeartbeatTime(Times.now())
                            .setLastTransitionTime(
                                    c.getStatus().equals("True") ? c.getLastTransitionTime() : Times.nowSeconds()));
                } else if (!c.getStatus().equals("Unknown")) {
                    st.addConditions(c);
                }
            }
            return n.toBuilder().setStatus(st).build();
        }));
    }

    @Override
    public void close() {
        stop();
    }
}
