package io.kubelite.controllers.replicaset;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodStatus;
import io.kubelite.api.QosClass;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.ControllerRefManager;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.PodsByController;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code spec.replicas} active pods matching a ReplicaSet's selector, after
 * Kubernetes' ReplicaSet controller.
 *
 * <ul>
 *   <li>Creates pods from the template with {@code generateName: <rs>-} and a
 *       controller ownerReference, in slow-start batches (1, 2, 4, …; a failed batch
 *       stops the sync), at most {@code --replicaset-burst} per sync.</li>
 *   <li>Deletes extras in {@link DeletionRanking} order (unscheduled, pending, not
 *       ready, … newest); bound pods are deleted gracefully.</li>
 *   <li>Adopts orphans that match the selector (after re-reading the ReplicaSet from
 *       etcd to be sure it still exists and is not being deleted) and releases owned
 *       pods that no longer match.</li>
 *   <li>Status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas
 *       (minReadySeconds), observedGeneration, and a ReplicaFailure condition when
 *       creates or deletes fail.</li>
 *   <li>{@link Expectations}: after acting, a ReplicaSet is not acted on again until the
 *       informer has shown every create and delete (or 5 minutes passed).</li>
 * </ul>
 * Pods are written straight to etcd, so the API server's defaulting and admission cannot
 * run on them; the controller applies the same {@link PodSpecDefaults} itself (scheme
 * defaults, serviceAccountName {@code default}, 300 s {@code not-ready}/{@code unreachable}
 * NoExecute tolerations unless the template has its own) and writes status Pending with
 * the QoS class, as the API server does for a created pod.
 */
public final class ReplicaSetController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);

    private final ObjectStore<ReplicaSet> replicaSets;
    private final ObjectStore<Pod> pods;
    private final PodAdmission admission;
    private final Informer<ReplicaSet> rsInformer;
    private final Informer<Pod> podInformer;
    private final EventRecorder recorder;
    private final int workers;
    private final int burst;
    private final Expectations expectations = new Expectations();
    private final DefaultedTemplates templates = new DefaultedTemplates();
    private final ControllerRefManager<ReplicaSet> refs;
    private final WorkQueue<String> queue;

    public ReplicaSetController(ControllerContext ctx) {
        this.queue = ctx.newQueue("replicaset");
        this.replicaSets = ctx.store().of(ReplicaSetKind.RESOURCE);
        this.pods = ctx.store().of(PodKind.RESOURCE);
        this.admission = new PodAdmission(ctx.store(), ctx.informers());
        this.refs = new ControllerRefManager<>(
                "ReplicaSet",
                replicaSets,
                pods,
                ReplicaSet::getMetadata,
                r -> r.getSpec().getSelector(),
                ReplicaSetController::ownerRef);
        this.rsInformer = ctx.informers().get(ReplicaSetKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        PodsByController.index(podInformer);
        this.recorder = ctx.recorder();
        this.workers = ctx.options().concurrentReplicaSetSyncs;
        this.burst = ctx.options().replicaSetBurst;
        rsInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                queue.add(key(rs.getMetadata()));
            }

            @Override
            public void onUpdate(ReplicaSet o, ReplicaSet n) {
                if (!o.getMetadata().getUid().equals(n.getMetadata().getUid())) {
                    expectations.delete(key(o.getMetadata()));
                }
                queue.add(key(n.getMetadata()));
            }

            @Override
            public void onDelete(ReplicaSet rs) {
                templates.forget(rs.getMetadata().getUid());
                expectations.delete(key(rs.getMetadata()));
                queue.add(key(rs.getMetadata()));
            }
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                addPod(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                updatePod(o, p);
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
        return "replicaset";
    }

    @Override
    public void start() {
        queue.start(workers, this::sync);
    }

    // ------------------------------------------------------------------ pod events

    /** The ReplicaSet a controller reference points at, if it is in the cache with that uid. */
    private Optional<ReplicaSet> resolve(String ns, OwnerReference ref) {
        if (!ref.getKind().equals("ReplicaSet") || !ref.getApiVersion().startsWith("apps/")) {
            return Optional.empty();
        }
        return rsInformer
                .get(ns, ref.getName())
                .filter(rs -> rs.getMetadata().getUid().equals(ref.getUid()));
    }

    private void addPod(Pod p) {
        if (Pods.isTerminating(p)) {
            deletePod(p);
            return;
        }
        Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
        if (ref.isPresent()) {
            resolve(p.getMetadata().getNamespace(), ref.get()).ifPresent(rs -> {
                String k = key(rs.getMetadata());
                expectations.creationObserved(k);
                queue.add(k);
            });
            return;
        }
        for (ReplicaSet rs : matchingSets(p)) {
            queue.add(key(rs.getMetadata()));
        }
    }

    private void updatePod(Pod old, Pod cur) {
        if (old.getMetadata().getResourceVersion().equals(cur.getMetadata().getResourceVersion())) {
            return;
        }
        boolean labelsChanged =
                !old.getMetadata().getLabelsMap().equals(cur.getMetadata().getLabelsMap());
        if (Pods.isTerminating(cur)) {
            deletePod(cur);
            if (labelsChanged) {
                deletePod(old);
            }
            return;
        }
        Optional<OwnerReference> oldRef = Pods.controllerRef(old.getMetadata());
        Optional<OwnerReference> curRef = Pods.controllerRef(cur.getMetadata());
        boolean refChanged = !oldRef.equals(curRef);
        if (refChanged && oldRef.isPresent()) {
            resolve(old.getMetadata().getNamespace(), oldRef.get()).ifPresent(rs -> queue.add(key(rs.getMetadata())));
        }
        if (curRef.isPresent()) {
            resolve(cur.getMetadata().getNamespace(), curRef.get()).ifPresent(rs -> {
                String k = key(rs.getMetadata());
                queue.add(k);
                int mrs = rs.getSpec().getMinReadySeconds();
                if (mrs > 0 && !Pods.isReady(old) && Pods.isReady(cur)) {
                    queue.addAfter(k, Duration.ofSeconds(mrs).plusMillis(100));
                }
            });
            return;
        }
        if (labelsChanged || refChanged) {
            for (ReplicaSet rs : matchingSets(cur)) {
                queue.add(key(rs.getMetadata()));
            }
        }
    }

    private void deletePod(Pod p) {
        Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
        if (ref.isEmpty()) {
            return;
        }
        resolve(p.getMetadata().getNamespace(), ref.get()).ifPresent(rs -> {
            String k = key(rs.getMetadata());
            expectations.deletionObserved(k, Pods.key(p));
            queue.add(k);
        });
    }

    private List<ReplicaSet> matchingSets(Pod p) {
        List<ReplicaSet> out = new ArrayList<>();
        if (MirrorPods.isMirror(p)) {
            return out; // never adopted or counted
        }
        Map<String, String> labels = p.getMetadata().getLabelsMap();
        for (ReplicaSet rs : rsInformer.byNamespace(p.getMetadata().getNamespace())) {
            var sel = rs.getSpec().getSelector();
            if (!Selector.isEmpty(sel) && Selector.of(sel).matches(labels)) {
                out.add(rs);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ sync

    private Result sync(String key) throws Exception {
        ReplicaSet rs = rsInformer.get(key).orElse(null);
        if (rs == null) {
            expectations.delete(key);
            return Result.done();
        }
        boolean needsSync = expectations.satisfied(key);
        var sel = rs.getSpec().getSelector();
        if (Selector.isEmpty(sel)) {
            LOG.warn("ReplicaSet {} has an empty selector; ignoring it", key);
            return Result.done();
        }
        String ns = rs.getMetadata().getNamespace();
        List<Pod> active = new ArrayList<>();
        // its own pods and the namespace's orphans: every other pod has another controller,
        // which claim would skip, and a scan of the namespace per sync is quadratic in its pods
        for (Pod p : PodsByController.candidates(podInformer, rs.getMetadata().getUid(), ns)) {
            if (Pods.isActive(p) && !MirrorPods.isMirror(p)) {
                active.add(p);
            }
        }
        List<Pod> owned = refs.claim(rs, active);
        Exception manageErr = null;
        String failReason = "";
        if (needsSync && !rs.getMetadata().hasDeletionTimestamp()) {
            try {
                failReason = manageReplicas(owned, rs);
            } catch (Exception e) {
                manageErr = e;
                failReason = "FailedCreate";
            }
        }
        updateStatus(
                rs,
                owned,
                failReason.isEmpty() ? null : failReason,
                manageErr != null ? Pods.wrap(manageErr).getMessage() : lastError);
        lastError = null;
        if (manageErr != null) {
            throw manageErr;
        }
        if (!failReason.isEmpty()) {
            return Result.requeue();
        }
        int mrs = rs.getSpec().getMinReadySeconds();
        if (mrs > 0) {
            Instant now = Instant.now();
            long ready = owned.stream().filter(Pods::isReady).count();
            long available =
                    owned.stream().filter(p -> Pods.isAvailable(p, mrs, now)).count();
            if (ready != available) {
                return Result.requeueAfter(Duration.ofSeconds(mrs));
            }
        }
        return Result.done();
    }

    private volatile String lastError;

    /** Returns "" on success, else the failure reason for the ReplicaFailure condition. */
    private String manageReplicas(List<Pod> owned, ReplicaSet rs) throws Exception {
        String key = key(rs.getMetadata());
        int want = rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
        int diff = owned.size() - want;
        if (diff < 0) {
            int n = Math.min(-diff, burst);
            expectations.expectCreations(key, n);
            LOG.info("ReplicaSet {}: too few replicas (need {}, have {}), creating {}", key, want, owned.size(), n);
            int ok = slowStartBatch(n, rs);
            for (int i = ok; i < n; i++) {
                expectations.creationObserved(key);
            }
            return ok < n ? "FailedCreate" : "";
        }
        if (diff > 0) {
            int n = Math.min(diff, burst);
            List<Pod> sorted = new ArrayList<>(owned);
            sorted.sort(DeletionRanking.comparator(owned));
            List<Pod> victims = sorted.subList(0, n);
            expectations.expectDeletions(key, victims.stream().map(Pods::key).toList());
            LOG.info("ReplicaSet {}: too many replicas (need {}, have {}), deleting {}", key, want, owned.size(), n);
            List<CompletableFuture<Boolean>> fs = new ArrayList<>();
            for (Pod p : victims) {
                fs.add(Pods.delete(pods, p));
            }
            boolean failed = false;
            for (int i = 0; i < fs.size(); i++) {
                Pod p = victims.get(i);
                try {
                    fs.get(i).get(30, TimeUnit.SECONDS);
                    recorder.normal(
                            ref(rs),
                            "SuccessfulDelete",
                            "Deleted pod: " + p.getMetadata().getName());
                } catch (Exception e) {
                    expectations.deletionObserved(key, Pods.key(p));
                    failed = true;
                    lastError = Pods.wrap(e).getMessage();
                    recorder.warning(ref(rs), "FailedDelete", "Error deleting: " + lastError);
                }
            }
            return failed ? "FailedDelete" : "";
        }
        return "";
    }

    /** Creates {@code count} pods in batches of 1, 2, 4, …; stops after a batch with a failure. Returns successes. */
    private int slowStartBatch(int count, ReplicaSet rs) {
        int successes = 0;
        int remaining = count;
        int batch = Math.min(remaining, 1);
        while (batch > 0) {
            List<CompletableFuture<Pod>> fs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                fs.add(admission.create(podFromTemplate(rs, templates.spec(rs))));
            }
            boolean failed = false;
            for (CompletableFuture<Pod> f : fs) {
                try {
                    Pod p = f.get(30, TimeUnit.SECONDS);
                    successes++;
                    recorder.normal(
                            ref(rs),
                            "SuccessfulCreate",
                            "Created pod: " + p.getMetadata().getName());
                } catch (Exception e) {
                    failed = true;
                    lastError = Pods.wrap(e).getMessage();
                    recorder.warning(ref(rs), "FailedCreate", "Error creating: " + lastError);
                }
            }
            if (failed) {
                break;
            }
            remaining -= batch;
            batch = Math.min(2 * batch, remaining);
        }
        return successes;
    }

    static Pod podFromTemplate(ReplicaSet rs) {
        var t = rs.getSpec().getTemplate();
        // written straight to etcd, so what the API server would default and admit is applied here
        return podFromTemplate(rs, PodSpecDefaults.admission(PodSpecDefaults.scheme(t.getSpec())));
    }

    /** A new pod of {@code rs}, {@code spec} being its template's spec already defaulted and admitted. */
    static Pod podFromTemplate(ReplicaSet rs, PodSpec spec) {
        var t = rs.getSpec().getTemplate();
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setGenerateName(rs.getMetadata().getName() + "-")
                .setNamespace(rs.getMetadata().getNamespace())
                .putAllLabels(t.getMetadata().getLabelsMap())
                .putAllAnnotations(t.getMetadata().getAnnotationsMap())
                .addAllFinalizers(t.getMetadata().getFinalizersList())
                .addOwnerReferences(ownerRef(rs));
        return Pod.newBuilder()
                .setMetadata(m)
                .setSpec(spec)
                .setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(spec)))
                .build();
    }

    static io.kubelite.api.ObjectReference ref(ReplicaSet rs) {
        return EventRecorder.ref("apps/v1", "ReplicaSet", rs.getMetadata());
    }

    private void updateStatus(ReplicaSet rs, List<Pod> owned, String failReason, String failMessage) throws Exception {
        ReplicaSetStatus want = ReplicaSetStatuses.compute(rs, owned, failReason, failMessage, Instant.now());
        if (want.equals(rs.getStatus())) {
            return;
        }
        try {
            // from the informer's copy, as kube's updateReplicaSetStatus: one txn, no read,
            // unless the copy is behind (then the conflict carries the current value)
            replicaSets
                    .guaranteedUpdate(rs, Preconditions.uid(rs.getMetadata().getUid()), cur -> {
                        ReplicaSetStatus.Builder b = want.toBuilder();
                        // observedGeneration is only as new as the spec this sync acted on
                        b.setObservedGeneration(Math.min(
                                want.getObservedGeneration(), cur.getMetadata().getGeneration()));
                        return cur.toBuilder().setStatus(b).build();
                    })
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                StoreException se = StoreException.unwrap(e);
                throw se != null ? se : e;
            }
        }
    }

    /** Pending expectations and the informer's view of a ReplicaSet's pods, for diagnostics. */
    public String describe(String key) {
        String ns = key.substring(0, key.indexOf('/'));
        long cached =
                podInformer.byNamespace(ns).stream().filter(Pods::isActive).count();
        return "expectations " + expectations.describe(key) + ", " + cached + " active pods cached in " + ns
                + ", informer at revision " + podInformer.lastRevision() + ", queue " + queue.len() + " ready/"
                + queue.delayed() + " delayed/" + queue.inFlight() + " in flight";
    }

    @Override
    public void close() {
        queue.close();
    }

    static OwnerReference ownerRef(ReplicaSet rs) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("ReplicaSet")
                .setName(rs.getMetadata().getName())
                .setUid(rs.getMetadata().getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }
}
