package io.kubelite.controllers.gc;

import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Pod;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.ControllerOptions;
import io.kubelite.controllers.nodelifecycle.NodeLifecycleController;
import io.kubelite.controllers.nodelifecycle.Taints;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' pod garbage collector, adapted to kubelite's graceful deletion.
 *
 * <ul>
 *   <li><b>Terminating pods on dead nodes.</b> A bound pod that is being deleted is
 *       finished by its node's kubelet. When that kubelet is gone (the node no longer
 *       exists, or it carries the {@code unreachable} or {@code not-ready} NoExecute taint,
 *       or its Ready condition is not True) and the grace period has passed
 *       ({@code deletionTimestamp}), the pod is force-deleted, so a ReplicaSet's
 *       replacement and a namespace's deletion are never blocked by a dead node. This
 *       is the equivalent of Kubernetes' out-of-service GC for nodes the node lifecycle
 *       controller has given up on.</li>
 *   <li><b>Orphaned pods.</b> Pods bound to a node that does not exist (checked with a
 *       quorum read) are deleted.</li>
 *   <li><b>Unscheduled terminating pods</b> are deleted.</li>
 *   <li><b>Terminated pods</b> beyond {@code --terminated-pod-gc-threshold} are deleted,
 *       oldest first.</li>
 * </ul>
 * The scan runs every {@code --pod-gc-period}; terminating pods are also handled as soon
 * as their grace period ends.
 */
public final class PodGarbageCollector implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(PodGarbageCollector.class);

    private final ControllerOptions opts;
    private final ObjectStore<Pod> pods;
    private final ObjectStore<Node> nodes;
    private final Informer<Pod> podInformer;
    private final Informer<Node> nodeInformer;
    private final WorkQueue<String> queue;
    private final ScheduledExecutorService scanner;

    public PodGarbageCollector(ControllerContext ctx) {
        this.queue = ctx.newQueue("podgc");
        this.opts = ctx.options();
        this.pods = ctx.store().of(PodKind.RESOURCE);
        this.nodes = ctx.store().of(NodeKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.nodeInformer = ctx.informers().get(NodeKind.RESOURCE);
        NodeLifecycleController.podIndex(podInformer);
        this.scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "podgc-scan");
            t.setDaemon(true);
            return t;
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                if (Pods.isTerminating(p)) {
                    queue.add(Pods.key(p));
                }
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                if (Pods.isTerminating(p)) {
                    queue.add(Pods.key(p));
                }
            }
        });
        nodeInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(Node o, Node n) {
                if (!Taints.noExecute(o).equals(Taints.noExecute(n))) {
                    enqueueTerminatingOn(n.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Node n) {
                enqueueTerminatingOn(n.getMetadata().getName());
            }
        });
    }

    private void enqueueTerminatingOn(String node) {
        for (Pod p : podInformer.byIndex(NodeLifecycleController.POD_NODE_INDEX, node)) {
            if (Pods.isTerminating(p)) {
                queue.add(Pods.key(p));
            }
        }
    }

    @Override
    public String name() {
        return "podgc";
    }

    @Override
    public void start() {
        queue.start(2, this::sync);
        long period = opts.podGcPeriod.toMillis();
        scanner.scheduleWithFixedDelay(this::scan, period, period, TimeUnit.MILLISECONDS);
        for (Pod p : podInformer.list()) {
            if (Pods.isTerminating(p)) {
                queue.add(Pods.key(p));
            }
        }
    }

    /** Terminating pods: force-delete when the grace has passed and the node's kubelet cannot finish them. */
    private Result sync(String key) throws Exception {
        Pod p = podInformer.get(key).orElse(null);
        if (p == null || !Pods.isTerminating(p) || MirrorPods.isMirror(p)) {
            return Result.done(); // a mirror pod is its publisher's to remove
        }
        String nodeName = p.getSpec().getNodeName();
        if (nodeName.isEmpty()) {
            forceDelete(p, "unscheduled and terminating");
            return Result.done();
        }
        Instant deadline = Times.instant(p.getMetadata().getDeletionTimestamp());
        Instant now = Instant.now();
        if (now.isBefore(deadline)) {
            return Result.requeueAfter(Duration.between(now, deadline).plusMillis(50));
        }
        Node n = nodeInformer.get(null, nodeName).orElse(null);
        if (n == null) {
            if (nodeGone(nodeName)) {
                forceDelete(p, "terminating on node " + nodeName + ", which no longer exists");
            }
            return Result.done();
        }
        if (kubeletGone(n)) {
            forceDelete(p, "terminating on node " + nodeName + ", whose kubelet is not responding");
            return Result.done();
        }
        return Result.done(); // a live kubelet finishes it; a node update re-queues it
    }

    private static boolean kubeletGone(Node n) {
        if (Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE)
                || Taints.has(n, Taints.NOT_READY, Taints.NO_EXECUTE)) {
            return true;
        }
        for (NodeCondition c : n.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready")) {
                return c.getStatus().equals("Unknown");
            }
        }
        return false;
    }

    private boolean nodeGone(String name) {
        try {
            nodes.get(null, name).get(10, TimeUnit.SECONDS);
            return false;
        } catch (Exception e) {
            return StoreException.unwrap(e) instanceof NotFoundException;
        }
    }

    private void forceDelete(Pod p, String why) throws Exception {
        if (Pods.forceDelete(pods, p).get(15, TimeUnit.SECONDS)) {
            LOG.info("PodGC force-deleted pod {}: {}", Pods.key(p), why);
        }
    }

    private void scan() {
        try {
            for (Pod p : podInformer.list()) {
                String nodeName = p.getSpec().getNodeName();
                if (MirrorPods.isMirror(p)) {
                    continue; // bound to a host that is no Node, on purpose; its lease removes it
                }
                if (Pods.isTerminating(p)) {
                    queue.add(Pods.key(p));
                } else if (!nodeName.isEmpty()
                        && nodeInformer.get(null, nodeName).isEmpty()
                        && nodeGone(nodeName)) {
                    forceDelete(p, "orphaned: bound to node " + nodeName + ", which does not exist");
                }
            }
            int threshold = opts.terminatedPodGcThreshold;
            if (threshold > 0) {
                List<Pod> terminated = podInformer.list().stream()
                        .filter(Pods::isTerminal)
                        .filter(p -> !MirrorPods.isMirror(p))
                        .sorted(Comparator.comparing(
                                (Pod p) -> Times.instant(p.getMetadata().getCreationTimestamp())))
                        .toList();
                int excess = terminated.size() - threshold;
                for (int i = 0; i < excess; i++) {
                    forceDelete(terminated.get(i), "terminated pods exceed --terminated-pod-gc-threshold=" + threshold);
                }
            }
        } catch (Exception e) {
            LOG.warn("pod GC scan failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scanner.shutdownNow();
        queue.close();
    }
}
