package io.kubelite.apiserver.testing;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The writes the API server alone never makes, made straight to etcd as the processes that do
 * make them would: the kubelet's pod status (Running and Ready) and its removal of a pod whose
 * graceful deletion it has finished, and the disruption controller's PodDisruptionBudget status.
 * Tests of the API server use it to stand in for kubelet-sim and the controller-manager.
 */
public final class NodeAgents {
    private final Store store;

    public NodeAgents(Store store) {
        this.store = store;
    }

    /** The kubelet's status of a started pod: Running, Ready=True. */
    public Pod markRunningAndReady(String ns, String name) {
        return join(store.of(PodKind.RESOURCE).guaranteedUpdate(ns, name, p -> {
            Pod.Builder b = p.toBuilder();
            b.getStatusBuilder()
                    .setPhase("Running")
                    .clearConditions()
                    .addConditions(PodCondition.newBuilder().setType("Ready").setStatus("True"));
            return b.build();
        }));
    }

    /** The kubelet finishing a graceful deletion: the pod is removed (false if it was gone already). */
    public boolean finishDeletion(Pod p) {
        try {
            join(store.of(PodKind.RESOURCE)
                    .delete(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid())));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The disruption controller's status of a budget, observed at its current generation. */
    public PodDisruptionBudget budgetStatus(
            String ns, String name, int allowed, int current, int desired, int expected) {
        return join(store.of(PodDisruptionBudgetKind.RESOURCE)
                .guaranteedUpdate(
                        ns,
                        name,
                        p -> p.toBuilder()
                                .setStatus(PodDisruptionBudgetStatus.newBuilder()
                                        .setObservedGeneration(p.getMetadata().getGeneration())
                                        .setDisruptionsAllowed(allowed)
                                        .setCurrentHealthy(current)
                                        .setDesiredHealthy(desired)
                                        .setExpectedPods(expected))
                                .build()));
    }

    public Store store() {
        return store;
    }

    /**
     * Makes these writes on their own, every {@code interval} until closed, as the kubelets of
     * {@code nodes} and the disruption controller would: each node Ready; each pod bound to one of
     * them Running with its containers ready (once, as a started pod), and removed once its
     * deletionTimestamp has passed (a kubelet whose containers take their whole grace period); each
     * budget's status counted from the pods it selects (integer bounds only).
     */
    public Loop start(List<String> nodes, Duration interval) {
        return new Loop(Set.copyOf(nodes), interval);
    }

    /** The running agents of {@link #start}. */
    public final class Loop implements AutoCloseable {
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-agents");
            t.setDaemon(true);
            return t;
        });
        private long started;
        private long finished;

        private Loop(Set<String> nodes, Duration interval) {
            executor.scheduleWithFixedDelay(
                    () -> {
                        synchronized (this) {
                            started++;
                        }
                        try {
                            syncOnce(nodes);
                        } catch (RuntimeException e) {
                            // a conflict or a pod gone meanwhile: the next round sees the new state
                        } finally {
                            synchronized (this) {
                                finished++;
                                notifyAll();
                            }
                        }
                    },
                    0,
                    interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /**
         * Waits until a whole round started after this call has finished: everything written before
         * the call has been acted on. Fails after {@code timeout}.
         */
        public synchronized void awaitRound(Duration timeout) throws InterruptedException {
            long target = started + 1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (finished < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("node agents made no round within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void syncOnce(Set<String> nodes) {
        for (String n : nodes) {
            join(store.of(NodeKind.RESOURCE).guaranteedUpdate("", n, NodeAgents::ready));
        }
        List<Pod> pods =
                join(store.of(PodKind.RESOURCE).list(ListOptions.<Pod>all())).items();
        for (Pod p : pods) {
            if (!nodes.contains(p.getSpec().getNodeName())) {
                continue;
            }
            if (p.getMetadata().hasDeletionTimestamp()) {
                if (p.getMetadata().getDeletionTimestamp().getSeconds()
                        <= java.time.Instant.now().getEpochSecond()) {
                    finishDeletion(p);
                }
            } else if (!p.getStatus().getPhase().equals("Running")) {
                join(store.of(PodKind.RESOURCE)
                        .guaranteedUpdate(
                                p.getMetadata().getNamespace(), p.getMetadata().getName(), NodeAgents::started));
            }
        }
        for (PodDisruptionBudget b : join(store.of(PodDisruptionBudgetKind.RESOURCE)
                        .list(ListOptions.<PodDisruptionBudget>all()))
                .items()) {
            count(b, pods);
        }
    }

    private static Node ready(Node n) {
        Node.Builder b = n.toBuilder();
        if (n.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"))) {
            return n;
        }
        b.getStatusBuilder()
                .clearConditions()
                .addConditions(NodeCondition.newBuilder()
                        .setType("Ready")
                        .setStatus("True")
                        .setReason("KubeletReady"));
        return b.build();
    }

    private static Pod started(Pod p) {
        if (p.hasMetadata() && p.getMetadata().hasDeletionTimestamp()) {
            return p;
        }
        Timestamp now = Timestamp.newBuilder()
                .setSeconds(java.time.Instant.now().getEpochSecond())
                .build();
        Pod.Builder b = p.toBuilder();
        b.getStatusBuilder()
                .setPhase("Running")
                .clearConditions()
                .addConditions(PodCondition.newBuilder().setType("Ready").setStatus("True"))
                .clearContainerStatuses();
        for (var c : p.getSpec().getContainersList()) {
            b.getStatusBuilder()
                    .addContainerStatuses(ContainerStatus.newBuilder()
                            .setName(c.getName())
                            .setImage(c.getImage())
                            .setReady(true)
                            .setState(ContainerState.newBuilder()
                                    .setRunning(
                                            ContainerStateRunning.newBuilder().setStartedAt(now))));
        }
        return b.build();
    }

    private void count(PodDisruptionBudget b, List<Pod> pods) {
        var spec = b.getSpec();
        if (!isInt(spec.getMinAvailable()) && !isInt(spec.getMaxUnavailable())) {
            return; // a percentage: not counted here
        }
        Selector selector = Selector.of(spec.getSelector());
        List<Pod> selected = pods.stream()
                .filter(p ->
                        p.getMetadata().getNamespace().equals(b.getMetadata().getNamespace()))
                .filter(p -> selector.matches(p.getMetadata().getLabelsMap()))
                .toList();
        int expected = selected.size();
        int healthy = (int) selected.stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .filter(p -> p.getStatus().getConditionsList().stream()
                        .anyMatch(c ->
                                c.getType().equals("Ready") && c.getStatus().equals("True")))
                .count();
        int desired = isInt(spec.getMinAvailable())
                ? (int) spec.getMinAvailable().getNumberValue()
                : Math.max(0, expected - (int) spec.getMaxUnavailable().getNumberValue());
        budgetStatus(
                b.getMetadata().getNamespace(),
                b.getMetadata().getName(),
                Math.max(0, healthy - desired),
                healthy,
                desired,
                expected);
    }

    private static boolean isInt(Value v) {
        return v.getKindCase() == Value.KindCase.NUMBER_VALUE;
    }

    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            StoreException se = StoreException.unwrap(e);
            throw se != null ? se : new RuntimeException(e);
        }
    }
}
