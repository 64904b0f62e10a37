package io.kubelite.apiserver.pods;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Graceful pod deletion: a pod bound to an existing node, not finished, with a grace
 * period above 0 is not removed but gets {@code deletionTimestamp} (now + grace) and
 * {@code deletionGracePeriodSeconds}; the node's kubelet stops its containers and then
 * removes it. Every other pod is removed at once.
 */
public final class PodGracefulDeletion {
    private PodGracefulDeletion() {}

    /** The grace period: the request's, else the pod's {@code terminationGracePeriodSeconds}. */
    public static long grace(Pod pod, Long requested) {
        return requested != null ? requested : pod.getSpec().getTerminationGracePeriodSeconds();
    }

    /**
     * Whether {@code pod} is deleted gracefully: bound, grace above 0, not Succeeded or
     * Failed, and on a node the cache still has (or the cache has not synced yet).
     */
    public static boolean applies(Pod pod, Long requestedGrace, WatchCache<Node> nodes) {
        if (pod.getSpec().getNodeName().isEmpty()) {
            return false;
        }
        if (grace(pod, requestedGrace) <= 0) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            return false;
        }
        return !nodes.hasSynced() || nodes.get(null, pod.getSpec().getNodeName()) != null;
    }

    /**
     * Marks the pod for deletion in {@code grace} seconds; a pod already deleting with a
     * grace no longer than that is left as it is (a shorter grace may only shorten it).
     */
    public static CompletableFuture<Pod> start(
            ObjectStore<Pod> pods, String ns, String name, long grace, Preconditions pre) {
        return pods.guaranteedUpdate(ns, name, pre, p -> {
            var m = p.getMetadata();
            if (m.hasDeletionTimestamp()
                    && m.hasDeletionGracePeriodSeconds()
                    && m.getDeletionGracePeriodSeconds() <= grace) {
                return p;
            }
            return mark(p, grace);
        });
    }

    /** Marks the pod for deletion in {@code grace} seconds unless it is already deleting (deletecollection). */
    public static CompletableFuture<Pod> startUnlessDeleting(
            ObjectStore<Pod> pods, String ns, String name, long grace) {
        return pods.guaranteedUpdate(ns, name, p -> p.getMetadata().hasDeletionTimestamp() ? p : mark(p, grace));
    }

    private static Pod mark(Pod p, long grace) {
        return p.toBuilder()
                .setMetadata(p.getMetadata().toBuilder()
                        .setDeletionTimestamp(
                                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + grace))
                        .setDeletionGracePeriodSeconds(grace))
                .build();
    }
}
