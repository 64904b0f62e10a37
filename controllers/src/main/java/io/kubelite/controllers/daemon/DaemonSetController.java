package io.kubelite.controllers.daemon;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetStatus;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.replicaset.Expectations;
import io.kubelite.controllers.util.ControllerRefManager;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.RevisionHistory;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' DaemonSet controller ({@code pkg/controller/daemon}): one pod per eligible node
 * ({@link NodeEligibility}). Each pod is created unbound, with a required node affinity
 * {@code matchFields metadata.name In [node]} ({@link DaemonPods}), and the scheduler binds it.
 *
 * <p>A sync ({@code syncDaemonSet}): unless creates or deletes of an earlier sync are still unseen
 * ({@link Expectations}), the manage loop creates a pod on each node that should run one and has
 * none, deletes pods on nodes that should not keep them (untolerated NoExecute taint, selector or
 * affinity no longer matching, node gone), deletes succeeded pods and failed ones (with kube's
 * back-off per node, {@link FailedPodBackoff}) and extra pods on a node; then, with the
 * RollingUpdate strategy and nothing pending, one {@link RollingUpdate} step; then the status
 * ({@link DaemonSetStatuses}). With OnDelete nothing replaces an old pod until it is deleted.
 * Pods are created through {@link PodAdmission} (LimitRange defaults and bounds, the ResourceQuota
 * charge); a failed create or delete (a refusal included) is a FailedCreate/FailedDelete event, and
 * the sync, after writing the status, asks the queue to retry with back-off, as kube's sync error does.
 *
 * <p>The pods the controller considers are those it claims ({@link ControllerRefManager}): its own
 * whose labels match its selector, and orphans it adopts. Each template the DaemonSet has had is a
 * ControllerRevision ({@link DaemonSetHistory}); the current one's {@code controller-revision-hash}
 * is the label of up-to-date pods, and what {@code kubectl rollout history|undo} read and restore.
 */
public final class DaemonSetController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);

    private final ObjectStore<DaemonSet> daemonSets;
    private final ObjectStore<Pod> pods;
    private final PodAdmission admission;
    private final Informer<DaemonSet> dsInformer;
    private final Informer<Pod> podInformer;
    private final Informer<Node> nodeInformer;
    private final Informer<ControllerRevision> revisionInformer;
    private final EventRecorder recorder;
    private final Expectations expectations = new Expectations();
    private final FailedPodBackoff backoff;
    private final ControllerRefManager<DaemonSet> claims;
    private final DaemonSetHistory history;
    private final int workers;
    private final WorkQueue<String> queue;

    public DaemonSetController(ControllerContext ctx, Clock clock) {
        this.queue = ctx.newQueue("daemonset");
        this.daemonSets = ctx.store().of(DaemonSetKind.RESOURCE);
        this.pods = ctx.store().of(PodKind.RESOURCE);
        this.admission = new PodAdmission(ctx.store(), ctx.informers());
        this.dsInformer = ctx.informers().get(DaemonSetKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.nodeInformer = ctx.informers().get(NodeKind.RESOURCE);
        this.revisionInformer = ctx.informers().get(ControllerRevisionKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.backoff = new FailedPodBackoff(clock);
        this.claims = new ControllerRefManager<>(
                "DaemonSet",
                daemonSets,
                pods,
                DaemonSet::getMetadata,
                d -> d.getSpec().getSelector(),
                DaemonSetController::ownerRef);
        this.history = new DaemonSetHistory(ctx.store().of(ControllerRevisionKind.RESOURCE), daemonSets, pods);
        this.workers = ctx.options().concurrentDaemonSetSyncs;
        dsInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(DaemonSet d) {
                queue.add(key(d.getMetadata()));
            }

            @Override
            public void onUpdate(DaemonSet o, DaemonSet n) {
                queue.add(key(n.getMetadata()));
            }

            @Override
            public void onDelete(DaemonSet d) {
                expectations.delete(key(d.getMetadata()));
                queue.add(key(d.getMetadata()));
            }
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                Optional<String> k = owner(p);
                if (k.isPresent()) {
                    expectations.creationObserved(k.get());
                    queue.add(k.get());
                } else if (Pods.controllerRef(p.getMetadata()).isEmpty()) {
                    enqueueMatching(p);
                }
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                Optional<String> k = owner(n);
                if (k.isPresent()) {
                    if (n.getMetadata().hasDeletionTimestamp()) {
                        expectations.deletionObserved(k.get(), Pods.key(n));
                    }
                    queue.add(k.get());
                }
                // the controller reference went, or an orphan's labels changed: a DaemonSet may adopt it
                if (Pods.controllerRef(n.getMetadata()).isEmpty()
                        && (Pods.controllerRef(o.getMetadata()).isPresent()
                                || !o.getMetadata()
                                        .getLabelsMap()
                                        .equals(n.getMetadata().getLabelsMap()))) {
                    enqueueMatching(n);
                }
                // a pod released by its owner: the owner recounts
                if (Pods.controllerRef(o.getMetadata()).isPresent() && k.isEmpty()) {
                    owner(o).ifPresent(queue::add);
                }
            }

            @Override
            public void onDelete(Pod p) {
                owner(p).ifPresent(k -> {
                    expectations.deletionObserved(k, Pods.key(p));
                    queue.add(k);
                });
            }
        });
        // kube's addHistory/updateHistory/deleteHistory: a revision's change wakes the DaemonSet it belongs to
        revisionInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ControllerRevision r) {
                revisionOwner(r).ifPresent(queue::add);
            }

            @Override
            public void onUpdate(ControllerRevision o, ControllerRevision n) {
                revisionOwner(n).ifPresent(queue::add);
            }

            @Override
            public void onDelete(ControllerRevision r) {
                revisionOwner(r).ifPresent(queue::add);
            }
        });
        nodeInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                enqueueAll();
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!o.getMetadata().getLabelsMap().equals(n.getMetadata().getLabelsMap())
                        || !o.getSpec().getTaintsList().equals(n.getSpec().getTaintsList())) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(Node n) {
                enqueueAll();
            }
        });
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    @Override
    public String name() {
        return "daemonset";
    }

    @Override
    public void start() {
        queue.start(workers, this::sync);
    }

    @Override
    public void close() {
        queue.close();
    }

    private void enqueueAll() {
        for (DaemonSet ds : dsInformer.list()) {
            queue.add(key(ds.getMetadata()));
        }
    }

    /** The key of the cached DaemonSet a pod's controller reference names (with its uid). */
    private Optional<String> owner(Pod p) {
        String ns = p.getMetadata().getNamespace();
        return Pods.controllerRef(p.getMetadata())
                .filter(r -> r.getKind().equals("DaemonSet"))
                .flatMap(r -> dsInformer
                        .get(ns, r.getName())
                        .filter(ds -> ds.getMetadata().getUid().equals(r.getUid())))
                .map(ds -> key(ds.getMetadata()));
    }

    /** The key of the cached DaemonSet a revision's controller reference names (with its uid). */
    private Optional<String> revisionOwner(ControllerRevision r) {
        String ns = r.getMetadata().getNamespace();
        return Pods.controllerRef(r.getMetadata())
                .filter(ref -> ref.getKind().equals("DaemonSet"))
                .flatMap(ref -> dsInformer
                        .get(ns, ref.getName())
                        .filter(ds -> ds.getMetadata().getUid().equals(ref.getUid())))
                .map(ds -> key(ds.getMetadata()));
    }

    static ObjectReference ref(DaemonSet ds) {
        return EventRecorder.ref("apps/v1", "DaemonSet", ds.getMetadata());
    }

    static OwnerReference ownerRef(DaemonSet ds) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("DaemonSet")
                .setName(ds.getMetadata().getName())
                .setUid(ds.getMetadata().getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }

    /** The DaemonSet's pods in the cache (its controller reference), by target node. */
    private Map<String, List<Pod>> podsByNode(DaemonSet ds) {
        return byNode(controlledPods(ds));
    }

    /** The DaemonSet's pods in the cache (its controller reference), terminal and deleted ones included. */
    private List<Pod> controlledPods(DaemonSet ds) {
        String uid = ds.getMetadata().getUid();
        List<Pod> owned = new ArrayList<>();
        for (Pod p : podInformer.byNamespace(ds.getMetadata().getNamespace())) {
            if (Pods.controllerRef(p.getMetadata())
                    .map(r -> r.getUid().equals(uid))
                    .orElse(false)) {
                owned.add(p);
            }
        }
        return owned;
    }

    /** Pods by target node (pods both terminal and deleted left out), nodes in name order. */
    private static Map<String, List<Pod>> byNode(List<Pod> pods) {
        Map<String, List<Pod>> out = new TreeMap<>();
        for (Pod p : pods) {
            if (Pods.isTerminal(p) && Pods.isTerminating(p)) {
                continue;
            }
            out.computeIfAbsent(DaemonPods.targetNode(p), k -> new ArrayList<>())
                    .add(p);
        }
        return out;
    }

    /** An orphan pod's change wakes the DaemonSets whose selector matches it (they may adopt it). */
    private void enqueueMatching(Pod p) {
        for (DaemonSet ds : dsInformer.byNamespace(p.getMetadata().getNamespace())) {
            var sel = ds.getSpec().getSelector();
            if (!Selector.isEmpty(sel)
                    && Selector.of(sel).matches(p.getMetadata().getLabelsMap())) {
                queue.add(key(ds.getMetadata()));
            }
        }
    }

    // ------------------------------------------------------------------ sync

    /** One sync's decisions: pods to delete, nodes to create a pod on, and when to look again. */
    private static final class Plan {
        final List<Pod> delete = new ArrayList<>();
        final List<String> create = new ArrayList<>();
        Duration requeue;

        void requeueAfter(Duration d) {
            if (requeue == null || d.compareTo(requeue) < 0) {
                requeue = d;
            }
        }
    }

    /** kube's {@code syncDaemonSet}. */
    private Result sync(String key) throws Exception {
        DaemonSet ds = dsInformer.get(key).orElse(null);
        if (ds == null) {
            expectations.delete(key);
            return Result.done();
        }
        if (Selector.isEmpty(ds.getSpec().getSelector())) {
            recorder.warning(
                    ref(ds),
                    "SelectingAll",
                    "This daemon set is selecting all pods. A non-empty selector is required.");
            return Result.done();
        }
        if (ds.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        List<ControllerRevision> revisions = RevisionHistory.controlledBy(
                revisionInformer.byNamespace(ds.getMetadata().getNamespace()),
                ds.getMetadata().getUid());
        Optional<DaemonSetHistory.Constructed> constructed = history.construct(ds, revisions, controlledPods(ds));
        if (constructed.isEmpty()) {
            // a hash collision raised the collision count: hash again once the DaemonSet shows it
            return Result.requeue();
        }
        String hash = constructed.get().hash();
        long gen = DaemonSetKind.templateGeneration(ds);
        List<Node> nodes = nodeInformer.list();
        Plan plan = new Plan();
        boolean failed = false;
        if (expectations.satisfied(key)) {
            Map<String, List<Pod>> byNode = byNode(
                    claims.claim(ds, podInformer.byNamespace(ds.getMetadata().getNamespace())));
            manage(ds, nodes, byNode, hash, plan);
            failed = !syncNodes(key, ds, plan.delete, plan.create, hash);
            // kube checks the expectations again here; the informer can have shown this sync's own
            // creates already, so a sync that acted leaves the rolling update to the next one (whose
            // pod lists include what it made)
            boolean acted = !plan.delete.isEmpty() || !plan.create.isEmpty();
            if (!acted && expectations.satisfied(key) && RollingUpdate.isRollingUpdate(ds)) {
                Map<String, List<Pod>> eligible = new TreeMap<>();
                int desired = 0;
                for (Node n : nodes) {
                    if (NodeEligibility.of(n, ds).shouldRun()) {
                        desired++;
                        List<Pod> ps = byNode.get(n.getMetadata().getName());
                        if (ps != null) {
                            eligible.put(n.getMetadata().getName(), ps);
                        }
                    }
                }
                RollingUpdate.Step step = RollingUpdate.step(ds, eligible, desired, hash, gen, backoff.now());
                failed = !syncNodes(key, ds, step.delete(), step.create(), hash);
            }
            if (!failed) {
                history.cleanup(ds, constructed.get().old(), controlledPods(ds));
            }
        }
        backoff.gc(backoff.now());
        Duration statusRequeue = updateStatus(ds, nodes, hash, gen);
        if (failed) {
            // kube returns the sync's error after the status: the queue's back-off paces the retries
            // (one FailedCreate per failed sync), and a raised quota or a fixed LimitRange is picked up
            return Result.requeue();
        }
        if (statusRequeue != null) {
            plan.requeueAfter(statusRequeue);
        }
        return plan.requeue == null ? Result.done() : Result.requeueAfter(plan.requeue);
    }

    /** kube's {@code manage}: {@code podsShouldBeOnNode} for every node, and pods on nodes that are gone. */
    private void manage(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> byNode, String hash, Plan plan) {
        Set<String> known = new HashSet<>();
        Instant now = backoff.now();
        for (Node n : nodes) {
            String name = n.getMetadata().getName();
            known.add(name);
            NodeEligibility e = NodeEligibility.of(n, ds);
            List<Pod> daemonPods = byNode.getOrDefault(name, List.of());
            if (e.shouldRun() && daemonPods.isEmpty()) {
                plan.create.add(name);
            } else if (e.shouldContinueRunning()) {
                keepOne(ds, name, daemonPods, hash, now, plan);
            } else {
                for (Pod p : daemonPods) {
                    if (!Pods.isTerminating(p)) {
                        plan.delete.add(p);
                    }
                }
            }
        }
        // getUnscheduledPodsWithoutNode: pods aimed at a node that does not exist
        byNode.forEach((node, ps) -> {
            if (!known.contains(node)) {
                for (Pod p : ps) {
                    if (!Pods.isTerminating(p)) {
                        plan.delete.add(p);
                    }
                }
            }
        });
    }

    /** The {@code shouldContinueRunning} branch of {@code podsShouldBeOnNode}. */
    private void keepOne(DaemonSet ds, String node, List<Pod> daemonPods, String hash, Instant now, Plan plan) {
        List<Pod> running = new ArrayList<>();
        for (Pod p : daemonPods) {
            if (Pods.isTerminating(p)) {
                continue;
            }
            String phase = p.getStatus().getPhase();
            if (phase.equals("Failed")) {
                String bk = FailedPodBackoff.key(
                        ds.getMetadata().getUid(), ds.getStatus().getObservedGeneration(), node);
                if (backoff.inBackoff(bk, now)) {
                    plan.requeueAfter(backoff.delay(bk));
                    continue;
                }
                backoff.next(bk, now);
                recorder.warning(
                        ref(ds),
                        "FailedDaemonPod",
                        "Found failed daemon pod " + Pods.key(p) + " on node " + node + ", will try to kill it");
                plan.delete.add(p);
            } else if (phase.equals("Succeeded")) {
                plan.delete.add(p);
            } else {
                running.add(p);
            }
        }
        if (running.size() <= 1) {
            return;
        }
        running.sort(NodePods.OLDEST_FIRST);
        if (!RollingUpdate.allowsSurge(ds)) {
            plan.delete.addAll(running.subList(1, running.size()));
            return;
        }
        long gen = DaemonSetKind.templateGeneration(ds);
        Pod oldestNew = null;
        Pod oldestOld = null;
        for (Pod p : running) {
            if (DaemonPods.isUpdated(p, hash, gen)) {
                if (oldestNew == null) {
                    oldestNew = p;
                    continue;
                }
            } else if (oldestOld == null) {
                oldestOld = p;
                continue;
            }
            plan.delete.add(p);
        }
        if (oldestNew != null
                && oldestOld != null
                && Pods.isAvailable(oldestNew, ds.getSpec().getMinReadySeconds(), now)) {
            plan.delete.add(oldestOld);
        }
    }

    /**
     * kube's {@code syncNodes}: expectations first, then creates (admitted) in slow-start batches,
     * then deletes. Returns false when a create or a delete failed (its event already recorded).
     */
    private boolean syncNodes(String key, DaemonSet ds, List<Pod> delete, List<String> create, String hash) {
        if (delete.isEmpty() && create.isEmpty()) {
            return true;
        }
        List<Pod> victims = delete.stream().distinct().toList();
        expectations.expect(key, create.size(), victims.stream().map(Pods::key).toList());
        LOG.info(
                "DaemonSet {}: creating pods on {}, deleting {}",
                key,
                create,
                victims.stream().map(p -> p.getMetadata().getName()).toList());
        OwnerReference owner = ownerRef(ds);
        int done = 0;
        int batch = Math.min(1, create.size());
        boolean failed = false;
        boolean deleteFailed = false;
        while (batch > 0 && !failed) {
            List<CompletableFuture<Pod>> fs = new ArrayList<>();
            for (String node : create.subList(done, done + batch)) {
                fs.add(admission.create(DaemonPods.forNode(ds, node, hash, owner)));
            }
            for (CompletableFuture<Pod> f : fs) {
                try {
                    Pod p = f.get(30, TimeUnit.SECONDS);
                    recorder.normal(
                            ref(ds),
                            "SuccessfulCreate",
                            "Created pod: " + p.getMetadata().getName());
                } catch (Exception e) {
                    failed = true;
                    expectations.creationObserved(key);
                    recorder.warning(
                            ref(ds),
                            "FailedCreate",
                            "Error creating: " + Pods.wrap(e).getMessage());
                }
            }
            done += batch;
            batch = Math.min(2 * batch, create.size() - done);
        }
        for (int i = done; i < create.size(); i++) {
            expectations.creationObserved(key);
        }
        for (Pod p : victims) {
            try {
                Pods.delete(pods, p).get(30, TimeUnit.SECONDS);
                recorder.normal(
                        ref(ds),
                        "SuccessfulDelete",
                        "Deleted pod: " + p.getMetadata().getName());
            } catch (Exception e) {
                expectations.deletionObserved(key, Pods.key(p));
                deleteFailed = true;
                recorder.warning(
                        ref(ds),
                        "FailedDelete",
                        "Error deleting: " + Pods.wrap(e).getMessage());
            }
        }
        return !failed && !deleteFailed;
    }

    /**
     * Writes the status when it changed; returns when to look again for a pod becoming available
     * (minReadySeconds), or null.
     */
    private Duration updateStatus(DaemonSet ds, List<Node> nodes, String hash, long gen) throws Exception {
        Instant now = backoff.now();
        DaemonSetStatus want = DaemonSetStatuses.compute(ds, nodes, podsByNode(ds), hash, gen, now);
        if (!want.equals(ds.getStatus())) {
            try {
                daemonSets
                        .guaranteedUpdate(
                                ds.getMetadata().getNamespace(),
                                ds.getMetadata().getName(),
                                Preconditions.uid(ds.getMetadata().getUid()),
                                cur -> {
                                    DaemonSetStatus.Builder b = want.toBuilder()
                                            .setObservedGeneration(Math.min(
                                                    want.getObservedGeneration(),
                                                    cur.getMetadata().getGeneration()));
                                    // a collision count raised since the cache was read is kept
                                    if (cur.getStatus().getCollisionCount() > b.getCollisionCount()) {
                                        b.setCollisionCount(cur.getStatus().getCollisionCount());
                                    }
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
        int minReady = ds.getSpec().getMinReadySeconds();
        if (minReady > 0 && want.getNumberReady() != want.getNumberAvailable()) {
            return Duration.ofSeconds(minReady);
        }
        return null;
    }
}
