package io.kubelite.controllers.job;

import io.kubelite.api.Job;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Job controller's pod writes: create through {@link PodAdmission} (LimitRange defaults and
 * bounds, the ResourceQuota charge; a refusal fails the create with kube's Forbidden message), and,
 * each with a compare on the pod's uid, graceful delete, adopt and release (controller reference and tracking finalizer together), and
 * removing the tracking finalizer. As the API server does when an update clears the last
 * finalizer of an object being deleted, a terminating pod that is finished (or whose kubelet
 * has already let it go) is removed once its last finalizer is.
 */
final class JobPodControl {
    private final ObjectStore<Pod> pods;
    private final PodAdmission admission;

    JobPodControl(ObjectStore<Pod> pods, PodAdmission admission) {
        this.pods = pods;
        this.admission = admission;
    }

    /** Admits and creates {@code p}; fails with {@link PodAdmission.Refused} when admission refuses it. */
    CompletableFuture<Pod> create(Pod p) {
        return admission.create(p);
    }

    /** Graceful delete (bound) or removal (unbound), keeping finalizers. True when this call deleted it. */
    CompletableFuture<Boolean> delete(Pod p) {
        return Pods.delete(pods, p);
    }

    /** Removes the tracking finalizer; completes normally when the pod is already gone. */
    CompletableFuture<Void> removeFinalizer(Pod p) {
        ObjectMeta m = p.getMetadata();
        boolean[] remove = {false};
        return pods.guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), cur -> {
                    if (!JobPods.hasFinalizer(cur)) {
                        return cur;
                    }
                    ObjectMeta.Builder mb = cur.getMetadata().toBuilder().clearFinalizers();
                    cur.getMetadata().getFinalizersList().stream()
                            .filter(f -> !f.equals(Jobs.TRACKING_FINALIZER))
                            .forEach(mb::addFinalizers);
                    remove[0] = mb.getFinalizersCount() == 0
                            && cur.getMetadata().hasDeletionTimestamp()
                            && (Pods.isTerminal(cur)
                                    || cur.getSpec().getNodeName().isEmpty()
                                    || (cur.getMetadata().hasDeletionGracePeriodSeconds()
                                            && cur.getMetadata().getDeletionGracePeriodSeconds() == 0));
                    return cur.toBuilder().setMetadata(mb).build();
                })
                .thenCompose(updated -> remove[0]
                        ? Pods.forceDelete(pods, updated).thenApply(x -> (Void) null)
                        : CompletableFuture.<Void>completedFuture(null))
                .handle((v, err) -> {
                    if (err != null && !Pods.isGone(err)) {
                        throw Pods.wrap(err);
                    }
                    return null;
                });
    }

    /** Adopts an orphan that still matches, adding the controller reference and the tracking finalizer. */
    Pod adopt(Job job, Pod p) throws Exception {
        OwnerReference ref = JobPodTemplate.ownerRef(job);
        Selector sel = Selector.of(job.getSpec().getSelector());
        return pods.guaranteedUpdate(
                        p.getMetadata().getNamespace(),
                        p.getMetadata().getName(),
                        Preconditions.uid(p.getMetadata().getUid()),
                        cur -> {
                            if (Pods.controllerRef(cur.getMetadata()).isPresent()
                                    || Pods.isTerminating(cur)
                                    || !sel.matches(cur.getMetadata().getLabelsMap())) {
                                throw new IllegalStateException("pod changed; not adopting");
                            }
                            ObjectMeta.Builder mb =
                                    cur.getMetadata().toBuilder().addOwnerReferences(ref);
                            if (!mb.getFinalizersList().contains(Jobs.TRACKING_FINALIZER)) {
                                mb.addFinalizers(Jobs.TRACKING_FINALIZER);
                            }
                            return cur.toBuilder().setMetadata(mb).build();
                        })
                .get(15, TimeUnit.SECONDS);
    }

    /** Releases a pod whose labels stopped matching: its reference to the Job and the tracking finalizer go. */
    void release(Job job, Pod p) throws Exception {
        try {
            pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                ObjectMeta.Builder mb = cur.getMetadata().toBuilder()
                                        .clearOwnerReferences()
                                        .clearFinalizers();
                                cur.getMetadata().getOwnerReferencesList().stream()
                                        .filter(r -> !r.getUid()
                                                .equals(job.getMetadata().getUid()))
                                        .forEach(mb::addOwnerReferences);
                                cur.getMetadata().getFinalizersList().stream()
                                        .filter(f -> !f.equals(Jobs.TRACKING_FINALIZER))
                                        .forEach(mb::addFinalizers);
                                return cur.toBuilder().setMetadata(mb).build();
                            })
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
    }
}
