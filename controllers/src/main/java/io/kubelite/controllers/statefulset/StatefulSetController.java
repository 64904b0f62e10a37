package io.kubelite.controllers.statefulset;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.ControllerRefManager;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kubernetes' StatefulSet controller ({@code pkg/controller/statefulset}): pods with stable names
 * {@code <set>-<ordinal>}, created, scaled down and rolled one ordinal at a time
 * ({@link StatefulSetControl}), each pod's identity in its labels, hostname and subdomain
 * ({@link StatefulPods}), revisions kept as ControllerRevisions ({@link Revisions}).
 *
 * <p>Informers on StatefulSets, pods and ControllerRevisions; one work queue of set keys. A pod or revision event wakes the set its
 * controller reference names. Each sync acts at most one step under OrderedReady and then writes the
 * status (with {@code observedGeneration}); the next pod event brings the next step. As kube's
 * {@code getPodsForStatefulSet}, a set claims the pods its selector matches and whose names are
 * {@code <set>-<ordinal>}: matching orphans are adopted, its own that stop matching are released
 * ({@link ControllerRefManager}); an orphan's arrival or label change wakes the sets that match it.
 */
public final class StatefulSetController implements Controller {
    private final ObjectStore<StatefulSet> sets;
    private final Informer<StatefulSet> setInformer;
    private final Informer<Pod> podInformer;
    private final ObjectStore<ControllerRevision> revisionStore;
    private final Informer<ControllerRevision> revisionInformer;
    private final StatefulPodControl podControl;
    private final StatefulClaimControl claimControl;
    private final ControllerRefManager<StatefulSet> claims;
    private final WorkQueue<String> queue;
    private final int workers;

    public StatefulSetController(ControllerContext ctx) {
        this.queue = ctx.newQueue("statefulset");
        this.sets = ctx.store().of(StatefulSetKind.RESOURCE);
        this.setInformer = ctx.informers().get(StatefulSetKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.revisionStore = ctx.store().of(ControllerRevisionKind.RESOURCE);
        this.revisionInformer = ctx.informers().get(ControllerRevisionKind.RESOURCE);
        this.podControl = new StatefulPodControl(
                ctx.store().of(PodKind.RESOURCE), new PodAdmission(ctx.store(), ctx.informers()), ctx.recorder());
        this.claimControl = new StatefulClaimControl(
                ctx.store().of(PersistentVolumeClaimKind.RESOURCE),
                ctx.informers().get(PersistentVolumeClaimKind.RESOURCE),
                ctx.recorder());
        this.claims = new ControllerRefManager<>(
                "StatefulSet",
                sets,
                ctx.store().of(PodKind.RESOURCE),
                StatefulSet::getMetadata,
                s -> s.getSpec().getSelector(),
                StatefulPods::ownerRef);
        this.workers = ctx.options().concurrentStatefulSetSyncs;
        setInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(StatefulSet s) {
                queue.add(key(s.getMetadata()));
            }

            @Override
            public void onUpdate(StatefulSet o, StatefulSet n) {
                queue.add(key(n.getMetadata()));
            }

            @Override
            public void onDelete(StatefulSet s) {
                queue.add(key(s.getMetadata()));
            }
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                if (Pods.controllerRef(p.getMetadata()).isPresent()) {
                    enqueueOwner(p.getMetadata());
                } else {
                    enqueueMatching(p);
                }
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                enqueueOwner(n.getMetadata());
                // released by its owner: the owner recounts
                if (Pods.controllerRef(o.getMetadata()).isPresent()
                        && Pods.controllerRef(n.getMetadata()).isEmpty()) {
                    enqueueOwner(o.getMetadata());
                }
                // an orphan (now, or whose labels changed): a set may adopt it
                if (Pods.controllerRef(n.getMetadata()).isEmpty()
                        && (Pods.controllerRef(o.getMetadata()).isPresent()
                                || !o.getMetadata()
                                        .getLabelsMap()
                                        .equals(n.getMetadata().getLabelsMap()))) {
                    enqueueMatching(n);
                }
            }

            @Override
            public void onDelete(Pod p) {
                enqueueOwner(p.getMetadata());
            }
        });
        revisionInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ControllerRevision r) {
                enqueueOwner(r.getMetadata());
            }

            @Override
            public void onUpdate(ControllerRevision o, ControllerRevision n) {
                enqueueOwner(n.getMetadata());
            }

            @Override
            public void onDelete(ControllerRevision r) {
                enqueueOwner(r.getMetadata());
            }
        });
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    @Override
    public String name() {
        return "statefulset";
    }

    @Override
    public void start() {
        queue.start(workers, this::sync);
    }

    @Override
    public void close() {
        queue.close();
    }

    private void enqueueOwner(ObjectMeta m) {
        Pods.controllerRef(m)
                .flatMap(ref -> resolve(m.getNamespace(), ref))
                .ifPresent(s -> queue.add(key(s.getMetadata())));
    }

    private Optional<StatefulSet> resolve(String ns, OwnerReference ref) {
        if (!ref.getKind().equals("StatefulSet") || !ref.getApiVersion().startsWith("apps/")) {
            return Optional.empty();
        }
        return setInformer
                .get(ns, ref.getName())
                .filter(s -> s.getMetadata().getUid().equals(ref.getUid()));
    }

    /** kube's {@code getStatefulSetsForPod}: every set in the orphan's namespace whose selector matches it. */
    private void enqueueMatching(Pod p) {
        for (StatefulSet s : setInformer.byNamespace(p.getMetadata().getNamespace())) {
            LabelSelector sel = s.getSpec().getSelector();
            if (!Selector.isEmpty(sel)
                    && Selector.of(sel).matches(p.getMetadata().getLabelsMap())) {
                queue.add(key(s.getMetadata()));
            }
        }
    }

    /**
     * kube's {@code getPodsForStatefulSet}: the pods the set controls after adopting matching orphans
     * and releasing its own that stopped matching; matching is the selector and a name of the set's
     * ({@code isMemberOf}).
     */
    private List<Pod> owned(StatefulSet set) {
        return claims.claim(
                set, podInformer.byNamespace(set.getMetadata().getNamespace()), p -> StatefulPods.ordinal(set, p) >= 0);
    }

    /** The ControllerRevisions the set controls. */
    private List<ControllerRevision> revisions(StatefulSet set) {
        List<ControllerRevision> out = new ArrayList<>();
        for (ControllerRevision r :
                revisionInformer.byNamespace(set.getMetadata().getNamespace())) {
            if (Pods.controllerRef(r.getMetadata())
                    .map(ref -> ref.getUid().equals(set.getMetadata().getUid()))
                    .orElse(false)) {
                out.add(r);
            }
        }
        return out;
    }

    /** kube's {@code syncStatefulSet}. */
    private Result sync(String key) throws Exception {
        StatefulSet set = setInformer.get(key).orElse(null);
        if (set == null || set.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        if (Selector.isEmpty(set.getSpec().getSelector())) {
            return Result.done();
        }
        List<ControllerRevision> history = revisions(set);
        Revisions revs = Revisions.sync(set, history, revisionStore);
        List<Pod> pods = owned(set);
        StatefulSetControl control = new StatefulSetControl(set, revs, podControl, claimControl, Instant.now());
        StatefulSetStatus status = control.sync(pods);
        writeStatus(set, status);
        Revisions.truncate(set, pods, history, revs, revisionStore);
        if (control.requeueAfter != null) {
            return Result.requeueAfter(control.requeueAfter);
        }
        return Result.done();
    }

    private void writeStatus(StatefulSet set, StatefulSetStatus want) throws Exception {
        if (want.equals(set.getStatus())) {
            return;
        }
        var m = set.getMetadata();
        try {
            sets.guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), cur -> {
                        StatefulSetStatus.Builder b = want.toBuilder();
                        // observedGeneration is only as new as the spec this sync acted on
                        b.setObservedGeneration(Math.min(
                                want.getObservedGeneration(), cur.getMetadata().getGeneration()));
                        return cur.toBuilder().setStatus(b).build();
                    })
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw Pods.wrap(e);
            }
        }
    }
}
