package io.kubelite.controllers.util;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.store.Deleted;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Pod helpers shared by the controllers. */
public final class Pods {
    /** Kubernetes' default terminationGracePeriodSeconds. */
    public static final long DEFAULT_GRACE_SECONDS = 30;

    private Pods() {}

    public static Optional<PodCondition> condition(Pod p, String type) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            if (c.getType().equals(type)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public static boolean isReady(Pod p) {
        return condition(p, "Ready").map(c -> c.getStatus().equals("True")).orElse(false);
    }

    /** When the pod last became Ready, or null when it is not ready. */
    public static Instant readySince(Pod p) {
        return condition(p, "Ready")
                .filter(c -> c.getStatus().equals("True"))
                .map(c -> Times.instant(c.getLastTransitionTime()))
                .orElse(null);
    }

    /** Ready for at least minReadySeconds (Kubernetes' IsPodAvailable). */
    public static boolean isAvailable(Pod p, int minReadySeconds, Instant now) {
        Instant since = readySince(p);
        if (since == null) {
            return false;
        }
        return minReadySeconds == 0 || !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static boolean isTerminal(Pod p) {
        String phase = p.getStatus().getPhase();
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    public static boolean isTerminating(Pod p) {
        return p.getMetadata().hasDeletionTimestamp();
    }

    /** Neither terminal nor being deleted (Kubernetes' controller.IsPodActive). */
    public static boolean isActive(Pod p) {
        return !isTerminal(p) && !isTerminating(p);
    }

    public static Optional<OwnerReference> controllerRef(ObjectMeta m) {
        for (OwnerReference r : m.getOwnerReferencesList()) {
            if (r.hasController() && r.getController()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static String key(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    public static ObjectReference ref(Pod p) {
        return ObjectReference.newBuilder()
                .setKind("Pod")
                .setApiVersion("v1")
                .setNamespace(p.getMetadata().getNamespace())
                .setName(p.getMetadata().getName())
                .setUid(p.getMetadata().getUid())
                .build();
    }

    /** Sets (or replaces) a condition, moving lastTransitionTime only when the status changes. */
    public static PodStatus withCondition(PodStatus st, PodCondition c) {
        PodStatus.Builder b = st.toBuilder();
        for (int i = 0; i < b.getConditionsCount(); i++) {
            PodCondition old = b.getConditions(i);
            if (old.getType().equals(c.getType())) {
                PodCondition.Builder nc = c.toBuilder();
                if (old.getStatus().equals(c.getStatus())) {
                    nc.setLastTransitionTime(old.getLastTransitionTime());
                }
                b.setConditions(i, nc.build());
                return b.build();
            }
        }
        return b.addConditions(c).build();
    }

    /**
     * Deletes a pod the way the API server would: an unbound pod is removed at once; a
     * bound one gets {@code deletionTimestamp = now + grace} and
     * {@code deletionGracePeriodSeconds} and is left for its kubelet to finish (the pod
     * garbage collector force-deletes it if that kubelet is gone). Both compare on the
     * pod's uid, so a same-named successor is never touched. Completes with true when
     * this call deleted or marked the pod, false when it was already gone or terminating.
     */
    public static CompletableFuture<Boolean> delete(ObjectStore<Pod> pods, Pod p) {
        return delete(pods, p, x -> x);
    }

    /** As {@link #delete(ObjectStore, Pod)}; {@code alsoApply} changes the pod in the same write (e.g. a condition). */
    public static CompletableFuture<Boolean> delete(
            ObjectStore<Pod> pods, Pod p, java.util.function.UnaryOperator<Pod> alsoApply) {
        ObjectMeta m = p.getMetadata();
        if (p.getSpec().getNodeName().isEmpty()) {
            return forceDelete(pods, p);
        }
        boolean[] marked = {false};
        return pods.guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), cur -> {
                    if (cur.getMetadata().hasDeletionTimestamp()) {
                        marked[0] = false;
                        return cur;
                    }
                    long grace = cur.getSpec().hasTerminationGracePeriodSeconds()
                            ? Math.max(0, cur.getSpec().getTerminationGracePeriodSeconds())
                            : DEFAULT_GRACE_SECONDS;
                    marked[0] = true;
                    return alsoApply.apply(cur).toBuilder()
                            .setMetadata(cur.getMetadata().toBuilder()
                                    .setDeletionTimestamp(Times.ts(Instant.now()
                                            .plusSeconds(grace)
                                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                                    .setDeletionGracePeriodSeconds(grace))
                            .build();
                })
                .handle((v, err) -> {
                    if (err == null) {
                        return marked[0];
                    }
                    if (isGone(err)) {
                        return false;
                    }
                    throw wrap(err);
                });
    }

    /** Removes the pod object now, with a uid precondition. True when this call removed it. */
    public static CompletableFuture<Boolean> forceDelete(ObjectStore<Pod> pods, Pod p) {
        ObjectMeta m = p.getMetadata();
        return pods.delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()))
                .handle((Deleted<Pod> d, Throwable err) -> {
                    if (err == null) {
                        return true;
                    }
                    if (isGone(err)) {
                        return false;
                    }
                    throw wrap(err);
                });
    }

    /** NotFound, or a uid precondition failure (the object is a successor with the same name). */
    public static boolean isGone(Throwable err) {
        StoreException se = StoreException.unwrap(err);
        if (se instanceof NotFoundException) {
            return true;
        }
        return se instanceof io.kubelite.store.ConflictException c && c.isUidMismatch();
    }

    public static RuntimeException wrap(Throwable err) {
        StoreException se = StoreException.unwrap(err);
        if (se != null) {
            return se;
        }
        while ((err instanceof java.util.concurrent.ExecutionException
                        || err instanceof java.util.concurrent.CompletionException)
                && err.getCause() != null) {
            err = err.getCause(); // the failure itself, whose message an event quotes
        }
        return err instanceof RuntimeException re ? re : new RuntimeException(err);
    }
}
