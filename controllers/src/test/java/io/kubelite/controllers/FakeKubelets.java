package io.kubelite.controllers;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.controllers.nodelifecycle.Taints;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Preconditions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the scheduler and kubelet-sim by writing etcd directly: renews the
 * Leases of the live nodes, binds unbound pods round-robin to live untainted nodes (a pod
 * pinned to a node by a {@code matchFields metadata.name} affinity, as DaemonSet pods are, to that node),
 * makes bound pods Running and Ready with an IP, and finishes terminating pods on live
 * nodes. A node whose kubelet is stopped gets nothing: no lease renewals, no pod work.
 */
final class FakeKubelets implements AutoCloseable {
    private final ControllerManagerUnderTest h;
    final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicInteger rr = new AtomicInteger();
    private final AtomicInteger ips = new AtomicInteger(1);
    private final long periodMillis;
    /** Which bound pods this kubelet makes Running and Ready; the others stay Pending (a crash-looping image). */
    volatile java.util.function.Predicate<Pod> becomesReady = p -> true;

    FakeKubelets(ControllerManagerUnderTest h, long periodMillis, String... nodes) {
        this.h = h;
        this.periodMillis = periodMillis;
        for (String n : nodes) {
            h.createNode(n);
            h.renewLease(n);
            live.add(n);
        }
        thread = new Thread(this::loop, "fake-kubelets");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(String node) {
        live.remove(node);
    }

    void resume(String node) {
        h.renewLease(node);
        h.postReady(node);
        live.add(node);
    }

    private void loop() {
        long lastRenew = 0;
        while (!closed) {
            try {
                if (System.currentTimeMillis() - lastRenew >= periodMillis) {
                    lastRenew = System.currentTimeMillis();
                    for (String n : live) {
                        h.renewLease(n);
                    }
                }
                step();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // transient conflicts: next round
            }
        }
    }

    private void step() {
        List<Node> nodes = h.list(NodeKind.RESOURCE, null);
        List<String> schedulable = nodes.stream()
                .filter(n -> live.contains(n.getMetadata().getName()))
                .filter(n -> Taints.noExecute(n).isEmpty())
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
        var pods = h.of(PodKind.RESOURCE);
        for (Pod p : h.list(PodKind.RESOURCE, null)) {
            String node = p.getSpec().getNodeName();
            var m = p.getMetadata();
            if (node.isEmpty()) {
                // a DaemonSet pod names its node in a required matchFields metadata.name affinity
                String pinned = pinnedNode(p);
                boolean placeable = pinned == null ? !schedulable.isEmpty() : live.contains(pinned);
                if (placeable && !Pods.isTerminating(p)) {
                    String target = pinned != null
                            ? pinned
                            : schedulable.get(Math.floorMod(rr.getAndIncrement(), schedulable.size()));
                    ControllerManagerUnderTest.join(pods.guaranteedUpdate(
                            m.getNamespace(),
                            m.getName(),
                            Preconditions.uid(m.getUid()),
                            c -> c.getSpec().getNodeName().isEmpty()
                                    ? c.toBuilder()
                                            .setSpec(c.getSpec().toBuilder().setNodeName(target))
                                            .build()
                                    : c));
                }
                continue;
            }
            if (!live.contains(node)) {
                continue;
            }
            if (Pods.isTerminating(p)) {
                Pods.forceDelete(pods, p).join();
            } else if (!Pods.isReady(p) && !p.getStatus().getPhase().equals("Running") && becomesReady.test(p)) {
                String ip = "10.99." + (ips.get() / 250) + "." + (ips.getAndIncrement() % 250 + 1);
                ControllerManagerUnderTest.join(pods.guaranteedUpdate(
                        m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), c -> {
                            PodStatus st = c.getStatus().toBuilder()
                                    .setPhase("Running")
                                    .setPodIp(ip)
                                    .setHostIp("192.168.0.1")
                                    .build();
                            st = Pods.withCondition(
                                    st,
                                    PodCondition.newBuilder()
                                            .setType("Ready")
                                            .setStatus("True")
                                            .setLastTransitionTime(Times.nowSeconds())
                                            .build());
                            return c.toBuilder().setStatus(st).build();
                        }));
            }
        }
    }

    /** The single node of a pod's required {@code matchFields metadata.name In [node]} affinity, or null. */
    static String pinnedNode(Pod p) {
        var a = p.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        for (var t : a.getNodeSelectorTermsList()) {
            for (var r : t.getMatchFieldsList()) {
                if (r.getKey().equals("metadata.name") && r.getOperator().equals("In") && r.getValuesCount() == 1) {
                    return r.getValues(0);
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
