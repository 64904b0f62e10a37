package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes pods from nodes with NoExecute taints they do not tolerate (Kubernetes'
 * taint eviction controller, formerly the NoExecuteTaintManager).
 *
 * <p>A pod is deleted at once when some NoExecute taint of its node is not tolerated,
 * otherwise when the smallest {@code tolerationSeconds} among the tolerations that match
 * has run out; tolerations without {@code tolerationSeconds} tolerate for ever. The clock
 * starts at the later of the taint's {@code timeAdded} (the earliest of the taints) and
 * the pod's creation, so a failover neither restarts nor shortens it. Before the
 * delete, the pod gets the {@code DisruptionTarget} condition (reason
 * {@code DeletionByTaintManager}) and a {@code TaintManagerEviction} event. When the
 * taint goes before the deadline, the eviction is cancelled (with an event).
 */
public final class TaintEvictionController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(TaintEvictionController.class);

    private final ObjectStore<Pod> pods;
    private final Informer<Pod> podInformer;
    private final Informer<Node> nodeInformer;
    private final EventRecorder recorder;
    private final WorkQueue<String> queue;
    private final Map<String, Instant> scheduled = new ConcurrentHashMap<>();

    public TaintEvictionController(ControllerContext ctx) {
        this.queue = ctx.newQueue("taint-eviction");
        this.pods = ctx.store().of(PodKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.nodeInformer = ctx.informers().get(NodeKind.RESOURCE);
        this.recorder = ctx.recorder();
        NodeLifecycleController.podIndex(podInformer);
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                if (!p.getSpec().getNodeName().isEmpty()) {
                    queue.add(Pods.key(p));
                }
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                if (!o.getSpec().getNodeName().equals(p.getSpec().getNodeName())
                        || !o.getSpec().getTolerationsList().equals(p.getSpec().getTolerationsList())
                        || o.getMetadata().hasDeletionTimestamp()
                                != p.getMetadata().hasDeletionTimestamp()) {
                    queue.add(Pods.key(p));
                }
            }

            @Override
            public void onDelete(Pod p) {
                queue.add(Pods.key(p));
            }
        });
        nodeInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                if (!Taints.noExecute(n).isEmpty()) {
                    enqueuePodsOn(n.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!Taints.noExecute(o).equals(Taints.noExecute(n))) {
                    enqueuePodsOn(n.getMetadata().getName());
                }
            }
        });
    }

    private void enqueuePodsOn(String node) {
        for (Pod p : podInformer.byIndex(NodeLifecycleController.POD_NODE_INDEX, node)) {
            queue.add(Pods.key(p));
        }
    }

    @Override
    public String name() {
        return "taint-eviction-controller";
    }

    @Override
    public void start() {
        for (Pod p : podInformer.list()) {
            if (!p.getSpec().getNodeName().isEmpty()) {
                queue.add(Pods.key(p));
            }
        }
        queue.start(4, this::sync);
    }

    private Result sync(String key) throws Exception {
        Pod p = podInformer.get(key).orElse(null);
        if (p == null
                || p.getSpec().getNodeName().isEmpty()
                || MirrorPods.isMirror(p) // a control-plane process's pod is not evicted
                || Pods.isTerminating(p)
                || Pods.isTerminal(p)) {
            scheduled.remove(key);
            return Result.done();
        }
        Node n = nodeInformer.get(null, p.getSpec().getNodeName()).orElse(null);
        List<Taint> taints = n == null ? List.of() : Taints.noExecute(n);
        if (taints.isEmpty()) {
            cancel(key, p);
            return Result.done();
        }
        long minSeconds = Long.MAX_VALUE; // MAX = tolerated for ever
        boolean allTolerated = true;
        Instant start = null;
        for (Taint t : taints) {
            boolean tolerated = false;
            for (Toleration tol : p.getSpec().getTolerationsList()) {
                if (Taints.tolerates(tol, t)) {
                    tolerated = true;
                    if (tol.hasTolerationSeconds()) {
                        minSeconds = Math.min(minSeconds, Math.max(0, tol.getTolerationSeconds()));
                    }
                }
            }
            if (!tolerated) {
                allTolerated = false;
            }
            Instant added = Times.isSet(t.getTimeAdded()) ? Times.instant(t.getTimeAdded()) : Instant.now();
            start = start == null || added.isBefore(start) ? added : start;
        }
        Instant now = Instant.now();
        if (allTolerated) {
            if (minSeconds == Long.MAX_VALUE) {
                cancel(key, p);
                return Result.done();
            }
            Instant created = Times.instant(p.getMetadata().getCreationTimestamp());
            if (created.isAfter(Objects.requireNonNull(start))) {
                start = created;
            }
            Instant deadline = start.plusSeconds(minSeconds);
            if (now.isBefore(deadline)) {
                scheduled.put(key, deadline);
                return Result.requeueAfter(Duration.between(now, deadline).plusMillis(10));
            }
        }
        evict(key, p);
        return Result.done();
    }

    private void evict(String key, Pod p) throws Exception {
        scheduled.remove(key);
        PodCondition dt = PodCondition.newBuilder()
                .setType("DisruptionTarget")
                .setStatus("True")
                .setReason("DeletionByTaintManager")
                .setMessage("Taint manager: deleting due to NoExecute taint")
                .setLastTransitionTime(Times.nowSeconds())
                .build();
        boolean marked = Pods.delete(
                        pods,
                        p,
                        cur -> cur.toBuilder()
                                .setStatus(Pods.withCondition(cur.getStatus(), dt))
                                .build())
                .get(15, TimeUnit.SECONDS);
        if (marked) {
            LOG.info(
                    "evicting pod {} from node {} (NoExecute taint)",
                    key,
                    p.getSpec().getNodeName());
            recorder.normal(Pods.ref(p), "TaintManagerEviction", "Marking for deletion Pod " + key);
        }
    }

    private void cancel(String key, Pod p) {
        if (scheduled.remove(key) != null) {
            LOG.info("cancelling eviction of pod {}", key);
            recorder.normal(Pods.ref(p), "TaintManagerEviction", "Cancelling deletion of Pod " + key);
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
