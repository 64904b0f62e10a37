package io.kubelite.kubelet;

import io.kubelite.api.Container;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A kubelet-sim component on a fresh etcd prefix, and helpers to bind pods and wait for their status. */
final class SimHarness implements AutoCloseable {
    final Etcd etcd;
    final Store store;
    final ObjectStore<Pod> pods;
    final ObjectStore<Node> nodes;
    final ObjectStore<Lease> leases;
    final KubeletSim sim;

    SimHarness(EtcdExtension ext, KubeletSimOptions options) throws Exception {
        this(ext, ext.newPrefix(), options);
    }

    SimHarness(EtcdExtension ext, String prefix, KubeletSimOptions options) throws Exception {
        this.etcd = ext.connect(prefix);
        this.store = new Store(etcd);
        this.pods = store.of(PodKind.RESOURCE);
        this.nodes = store.of(NodeKind.RESOURCE);
        this.leases = store.of(LeaseKind.RESOURCE);
        this.sim = options == null ? null : new KubeletSim(options);
        if (sim != null) {
            sim.start(etcd);
        }
    }

    static Container.Builder container(String name, String image, String... command) {
        Container.Builder c = Container.newBuilder().setName(name).setImage(image);
        for (String s : command) {
            c.addCommand(s);
        }
        return c;
    }

    static Container.Builder sh(String name, String script) {
        return container(name, "busybox", "sh", "-c", script);
    }

    /** A pod bound to {@code node} (spec.nodeName written directly, PodScheduled as a scheduler would set it). */
    static Pod.Builder pod(String name, String node, String restartPolicy, Container.Builder... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node).setRestartPolicy(restartPolicy);
        for (Container.Builder c : containers) {
            spec.addContainers(c);
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("default"))
                .setSpec(spec)
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .addConditions(PodCondition.newBuilder()
                                .setType("PodScheduled")
                                .setStatus("True")
                                .setLastTransitionTime(com.google.protobuf.Timestamp.newBuilder()
                                        .setSeconds(1_700_000_000))));
    }

    Pod create(Pod.Builder p) {
        return pods.create(p.build()).join();
    }

    Pod get(String name) {
        try {
            return pods.get("default", name).join();
        } catch (RuntimeException e) {
            if (StoreException.unwrap(e) instanceof NotFoundException) {
                return null;
            }
            throw e;
        }
    }

    Pod await(String name, Duration timeout, String what, Predicate<Pod> cond) {
        Pod[] last = new Pod[1];
        try {
            Poll.until(timeout, name + ": " + what, () -> {
                Pod p = get(name);
                last[0] = p;
                return p != null && cond.test(p);
            });
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "\nlast seen: " + (last[0] == null ? "none" : last[0].getStatus()), e);
        }
        return last[0];
    }

    Pod awaitPhase(String name, String phase, Duration timeout) {
        return await(
                name, timeout, "phase " + phase, p -> p.getStatus().getPhase().equals(phase));
    }

    static PodCondition condition(Pod p, String type) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            if (c.getType().equals(type)) {
                return c;
            }
        }
        return null;
    }

    static boolean conditionTrue(Pod p, String type) {
        PodCondition c = condition(p, type);
        return c != null && c.getStatus().equals("True");
    }

    static ContainerStatus status(Pod p, String container) {
        for (ContainerStatus s : p.getStatus().getContainerStatusesList()) {
            if (s.getName().equals(container)) {
                return s;
            }
        }
        for (ContainerStatus s : p.getStatus().getInitContainerStatusesList()) {
            if (s.getName().equals(container)) {
                return s;
            }
        }
        return null;
    }

    /** Starts a graceful delete, as the API server does: deletionTimestamp and grace period. */
    void deleteGracefully(String name, long graceSeconds) {
        pods.guaranteedUpdate(
                        "default",
                        name,
                        p -> p.toBuilder()
                                .setMetadata(p.getMetadata().toBuilder()
                                        .setDeletionTimestamp(com.google.protobuf.Timestamp.newBuilder()
                                                .setSeconds(System.currentTimeMillis() / 1000 + graceSeconds))
                                        .setDeletionGracePeriodSeconds(graceSeconds))
                                .build())
                .join();
    }

    List<Node> listNodes() {
        return nodes.list(io.kubelite.store.ListOptions.all()).join().items();
    }

    @Override
    public void close() {
        if (sim != null) {
            sim.close();
        }
    }
}
