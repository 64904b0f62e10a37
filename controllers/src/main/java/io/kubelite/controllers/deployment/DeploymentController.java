package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' Deployment controller ({@code pkg/controller/deployment}): a Deployment owns
 * ReplicaSets, one per pod template it has had, and rolls its pods from the old ones to the new
 * one — {@link RollingUpdater} within maxSurge/maxUnavailable, or {@link Recreater} all at once —
 * keeping revisions and history ({@link ReplicaSetHistory}), scaling proportionally when its size
 * changes mid-rollout or while paused ({@link ProportionalScaler}), and reporting progress and
 * availability ({@link DeploymentProgress}).
 *
 * <p>Informers on Deployments, ReplicaSets and pods (a pod's deletion matters to Recreate); one
 * work queue of Deployment keys with rate-limited retries. The controller adopts orphaned
 * ReplicaSets its selector matches and releases those it owns that stopped matching
 * ({@link ReplicaSetControllerRefManager}). Rollback is the client's business in apps/v1
 * ({@code kubectl rollout undo} writes an old ReplicaSet's template back), which this controller
 * sees as a rollout to an existing ReplicaSet.
 */
public final class DeploymentController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);

    private final ObjectStore<Deployment> deployments;
    private final ObjectStore<ReplicaSet> replicaSets;
    private final Informer<Deployment> dInformer;
    private final Informer<ReplicaSet> rsInformer;
    private final Informer<Pod> podInformer;
    private final EventRecorder recorder;
    private final ReplicaSetControllerRefManager refs;
    private final int workers;
    private final WorkQueue<String> queue;

    public DeploymentController(ControllerContext ctx) {
        this.queue = ctx.newQueue("deployment");
        this.deployments = ctx.store().of(DeploymentKind.RESOURCE);
        this.replicaSets = ctx.store().of(ReplicaSetKind.RESOURCE);
        this.dInformer = ctx.informers().get(DeploymentKind.RESOURCE);
        this.rsInformer = ctx.informers().get(ReplicaSetKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.refs = new ReplicaSetControllerRefManager(deployments, replicaSets);
        this.workers = ctx.options().concurrentDeploymentSyncs;
        dInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                queue.add(key(d.getMetadata()));
            }

            @Override
            public void onUpdate(Deployment o, Deployment n) {
                queue.add(key(n.getMetadata()));
            }

            @Override
            public void onDelete(Deployment d) {
                queue.add(key(d.getMetadata()));
            }
        });
        rsInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                addReplicaSet(rs);
            }

            @Override
            public void onUpdate(ReplicaSet o, ReplicaSet n) {
                updateReplicaSet(o, n);
            }

            @Override
            public void onDelete(ReplicaSet rs) {
                deleteReplicaSet(rs);
            }
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(Pod o, Pod n) {
                if (!o.getMetadata().hasDeletionTimestamp() && n.getMetadata().hasDeletionTimestamp()) {
                    deletePod(n);
                }
            }

            @Override
            public void onDelete(Pod p) {
                deletePod(p);
            }
        });
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    @Override
    public String name() {
        return "deployment";
    }

    @Override
    public void start() {
        queue.start(workers, this::sync);
    }

    @Override
    public void close() {
        queue.close();
    }

    // ------------------------------------------------------------------ events

    /** The Deployment a controller reference points at, if it is cached with that uid. */
    private Optional<Deployment> resolve(String ns, OwnerReference ref) {
        if (!ref.getKind().equals("Deployment") || !ref.getApiVersion().startsWith("apps/")) {
            return Optional.empty();
        }
        return dInformer
                .get(ns, ref.getName())
                .filter(d -> d.getMetadata().getUid().equals(ref.getUid()));
    }

    private void addReplicaSet(ReplicaSet rs) {
        if (rs.getMetadata().hasDeletionTimestamp()) {
            deleteReplicaSet(rs);
            return;
        }
        Optional<OwnerReference> ref = Pods.controllerRef(rs.getMetadata());
        if (ref.isPresent()) {
            resolve(rs.getMetadata().getNamespace(), ref.get()).ifPresent(d -> queue.add(key(d.getMetadata())));
            return;
        }
        matching(rs).forEach(d -> queue.add(key(d.getMetadata())));
    }

    private void updateReplicaSet(ReplicaSet old, ReplicaSet cur) {
        if (old.getMetadata().getResourceVersion().equals(cur.getMetadata().getResourceVersion())) {
            return;
        }
        Optional<OwnerReference> oldRef = Pods.controllerRef(old.getMetadata());
        Optional<OwnerReference> curRef = Pods.controllerRef(cur.getMetadata());
        boolean refChanged = !oldRef.equals(curRef);
        if (refChanged && oldRef.isPresent()) {
            resolve(old.getMetadata().getNamespace(), oldRef.get()).ifPresent(d -> queue.add(key(d.getMetadata())));
        }
        if (curRef.isPresent()) {
            resolve(cur.getMetadata().getNamespace(), curRef.get()).ifPresent(d -> queue.add(key(d.getMetadata())));
            return;
        }
        boolean labelsChanged =
                !old.getMetadata().getLabelsMap().equals(cur.getMetadata().getLabelsMap());
        if (labelsChanged || refChanged) {
            matching(cur).forEach(d -> queue.add(key(d.getMetadata())));
        }
    }

    private void deleteReplicaSet(ReplicaSet rs) {
        Pods.controllerRef(rs.getMetadata())
                .flatMap(ref -> resolve(rs.getMetadata().getNamespace(), ref))
                .ifPresent(d -> queue.add(key(d.getMetadata())));
    }

    /** A Recreate Deployment waits for its old pods to be gone: their deletion is worth a look. */
    private void deletePod(Pod p) {
        String ns = p.getMetadata().getNamespace();
        Pods.controllerRef(p.getMetadata())
                .filter(r -> r.getKind().equals("ReplicaSet"))
                .flatMap(r -> rsInformer
                        .get(ns, r.getName())
                        .filter(rs -> rs.getMetadata().getUid().equals(r.getUid())))
                .flatMap(rs -> Pods.controllerRef(rs.getMetadata()))
                .flatMap(ref -> resolve(ns, ref))
                .filter(d -> !Fenceposts.isRollingUpdate(d))
                .ifPresent(d -> queue.add(key(d.getMetadata())));
    }

    /** kube's {@code getDeploymentsForReplicaSet}: Deployments of the namespace whose selector matches. */
    private List<Deployment> matching(ReplicaSet rs) {
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : dInformer.byNamespace(rs.getMetadata().getNamespace())) {
            var sel = d.getSpec().getSelector();
            if (!Selector.isEmpty(sel)
                    && Selector.of(sel).matches(rs.getMetadata().getLabelsMap())) {
                out.add(d);
            }
        }
        if (out.size() > 1) {
            LOG.info(
                    "more than one Deployment selects ReplicaSet {}: {}",
                    key(rs.getMetadata()),
                    out.stream().map(d -> d.getMetadata().getName()).toList());
        }
        return out;
    }

    // ------------------------------------------------------------------ sync

    /** kube's {@code syncDeployment}. */
    private Result sync(String key) throws Exception {
        Deployment d = dInformer.get(key).orElse(null);
        if (d == null) {
            return Result.done();
        }
        DeploymentSync s = new DeploymentSync(d, deployments, replicaSets, recorder);
        if (Selector.isEmpty(d.getSpec().getSelector())) {
            recorder.warning(
                    s.ref(),
                    "SelectingAll",
                    "This deployment is selecting all pods. A non-empty selector is required.");
            if (d.getStatus().getObservedGeneration() < d.getMetadata().getGeneration()) {
                s.writeStatus(d.toBuilder()
                        .setStatus(d.getStatus().toBuilder()
                                .setObservedGeneration(d.getMetadata().getGeneration()))
                        .build());
            }
            return Result.done();
        }
        String ns = d.getMetadata().getNamespace();
        List<ReplicaSet> rsList = refs.claim(d, rsInformer.byNamespace(ns));
        if (d.getMetadata().hasDeletionTimestamp()) {
            DeploymentSync.AllReplicaSets rss = s.allReplicaSetsAndSyncRevision(rsList, false);
            s.syncDeploymentStatus(rss.all(), rss.newRs());
            return Result.done();
        }
        checkPausedConditions(s);
        if (d.getSpec().getPaused() || ProportionalScaler.isScalingEvent(s, rsList)) {
            ProportionalScaler.sync(s, rsList);
        } else if (Fenceposts.isRollingUpdate(d)) {
            RollingUpdater.rollout(s, rsList);
        } else {
            Recreater.rollout(s, rsList, podsByReplicaSet(d, rsList));
        }
        if (s.requeueAfter != null) {
            return Result.requeueAfter(s.requeueAfter);
        }
        return Result.done();
    }

    /**
     * kube's {@code checkPausedConditions}: Progressing=Unknown with DeploymentPaused while paused and
     * DeploymentResumed on resume, so that time spent paused never counts against the deadline.
     */
    private static void checkPausedConditions(DeploymentSync s) throws Exception {
        Deployment d = s.d;
        if (!DeploymentProgress.hasProgressDeadline(d)) {
            return;
        }
        var cond = DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
        if (cond.isPresent() && cond.get().getReason().equals(DeploymentConditions.TIMED_OUT)) {
            return;
        }
        boolean pausedCond = cond.isPresent() && cond.get().getReason().equals(DeploymentConditions.PAUSED);
        DeploymentStatus.Builder st = d.getStatus().toBuilder();
        if (d.getSpec().getPaused() && !pausedCond) {
            DeploymentConditions.set(
                    st,
                    DeploymentConditions.of(
                            DeploymentConditions.PROGRESSING,
                            "Unknown",
                            DeploymentConditions.PAUSED,
                            "Deployment is paused"));
        } else if (!d.getSpec().getPaused() && pausedCond) {
            DeploymentConditions.set(
                    st,
                    DeploymentConditions.of(
                            DeploymentConditions.PROGRESSING,
                            "Unknown",
                            DeploymentConditions.RESUMED,
                            "Deployment is resumed"));
        } else {
            return;
        }
        s.writeStatus(d.toBuilder().setStatus(st).build());
    }

    /** kube's {@code getPodMapForDeployment}: the pods of the Deployment's ReplicaSets, by ReplicaSet uid. */
    private Map<String, List<Pod>> podsByReplicaSet(Deployment d, List<ReplicaSet> rsList) {
        Set<String> uids = new HashSet<>();
        Map<String, List<Pod>> out = new HashMap<>();
        for (ReplicaSet rs : rsList) {
            uids.add(rs.getMetadata().getUid());
            out.put(rs.getMetadata().getUid(), new ArrayList<>());
        }
        Selector sel = Selector.of(d.getSpec().getSelector());
        for (Pod p : podInformer.byNamespace(d.getMetadata().getNamespace())) {
            if (!sel.matches(p.getMetadata().getLabelsMap())) {
                continue;
            }
            Pods.controllerRef(p.getMetadata())
                    .filter(r -> uids.contains(r.getUid()))
                    .ifPresent(r -> out.get(r.getUid()).add(p));
        }
        return out;
    }
}
