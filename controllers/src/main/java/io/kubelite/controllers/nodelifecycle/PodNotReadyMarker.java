package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code MarkPodsNotReady}, level-based: every pod on a node that is not
 * Ready and still has Ready=True gets Ready=False. Writes go out in parallel and are
 * awaited; failures are counted in the log line and retried on the next call. Needs the
 * pod informer's {@link NodeLifecycleController#POD_NODE_INDEX}. Thread-safe.
 */
final class PodNotReadyMarker {
    private static final Logger LOG = LoggerFactory.getLogger(PodNotReadyMarker.class);

    private final ObjectStore<Pod> pods;
    private final Informer<Pod> podInformer;

    PodNotReadyMarker(ObjectStore<Pod> pods, Informer<Pod> podInformer) {
        this.pods = pods;
        this.podInformer = podInformer;
    }

    void markPodsOn(String node) {
        List<CompletableFuture<Pod>> writes = new ArrayList<>();
        for (Pod p : podInformer.byIndex(NodeLifecycleController.POD_NODE_INDEX, node)) {
            if (!Pods.isReady(p) || !p.getSpec().getNodeName().equals(node)) {
                continue;
            }
            writes.add(pods.guaranteedUpdate(
                    p.getMetadata().getNamespace(),
                    p.getMetadata().getName(),
                    Preconditions.uid(p.getMetadata().getUid()),
                    cur -> {
                        if (!Pods.isReady(cur)) {
                            return cur;
                        }
                        PodCondition c = Pods.condition(cur, "Ready").orElseThrow().toBuilder()
                                .setStatus("False")
                                .setLastTransitionTime(Times.nowSeconds())
                                .build();
                        return cur.toBuilder()
                                .setStatus(Pods.withCondition(cur.getStatus(), c))
                                .build();
                    }));
        }
        int failed = 0;
        for (CompletableFuture<Pod> f : writes) {
            try {
                f.get(NodeLifecycleController.WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    failed++;
                }
            }
        }
        if (!writes.isEmpty()) {
            LOG.info(
                    "marked {} pods on node {} NotReady{}",
                    writes.size() - failed,
                    node,
                    failed > 0 ? " (" + failed + " failed; retrying next period)" : "");
        }
    }
}
