package io.kubelite.controllers.disruption;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.policy.poddisruptionbudget.DisruptionAllowedCondition;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * kube's disruption controller: keeps every PodDisruptionBudget's status — the selected pods'
 * expected count ({@link ExpectedPods}), how many must stay healthy, how many are healthy (Ready,
 * not deleting, not recently evicted), and so how many may be disrupted now, with the
 * {@code DisruptionAllowed} condition. The eviction subresource spends {@code disruptionsAllowed}
 * and records the pod in {@code disruptedPods}; an entry stays until the pod is deleting or
 * {@link #DELETION_TIMEOUT} has passed. A budget whose pods' controllers cannot be found fails
 * safe: nothing may be disrupted ({@code SyncFailed}). Status writes compare on the budget's
 * revision (and carry the leader's fence), so an eviction written in between is never lost: the
 * write fails and the budget is synced again from the newer value.
 */
public final class DisruptionController implements Controller {
    /** kube's {@code DeletionTimeout}: how long an evicted pod is not counted while its deletion shows up. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectStore<PodDisruptionBudget> store;
    private final Informer<PodDisruptionBudget> pdbs;
    private final Informer<Pod> pods;
    private final Informer<ReplicaSet> replicaSets;
    private final EventRecorder recorder;
    private final WorkQueue<String> queue;

    public DisruptionController(ControllerContext ctx) {
        this.queue = ctx.newQueue("disruption");
        this.store = ctx.store().of(PodDisruptionBudgetKind.RESOURCE);
        this.pdbs = ctx.informers().get(PodDisruptionBudgetKind.RESOURCE);
        this.pods = ctx.informers().get(PodKind.RESOURCE);
        this.replicaSets = ctx.informers().get(ReplicaSetKind.RESOURCE);
        this.recorder = ctx.recorder();
        pdbs.addHandler(ResourceEventHandler.onAnyChange(p -> queue.add(key(p.getMetadata()))));
        pods.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueFor(p, null);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                enqueueFor(p, old);
            }

            @Override
            public void onDelete(Pod p) {
                enqueueFor(p, null);
            }
        });
        // a scale change moves expected and desired counts of percentage budgets
        replicaSets.addHandler(ResourceEventHandler.onAnyChange(
                rs -> pdbs.byNamespace(rs.getMetadata().getNamespace()).forEach(p -> queue.add(key(p.getMetadata())))));
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private void enqueueFor(Pod p, Pod old) {
        for (PodDisruptionBudget pdb : pdbs.byNamespace(p.getMetadata().getNamespace())) {
            Selector sel = Selector.of(pdb.getSpec().getSelector());
            if (sel.matches(p.getMetadata().getLabelsMap())
                    || (old != null && sel.matches(old.getMetadata().getLabelsMap()))) {
                queue.add(key(pdb.getMetadata()));
            }
        }
    }

    @Override
    public String name() {
        return "disruption";
    }

    @Override
    public void start() {
        queue.start(1, this::sync);
    }

    private Result sync(String key) throws Exception {
        int slash = key.indexOf('/');
        PodDisruptionBudget pdb =
                pdbs.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
        if (pdb == null || pdb.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        Selector sel = Selector.of(pdb.getSpec().getSelector());
        List<Pod> selected = pods.byNamespace(pdb.getMetadata().getNamespace()).stream()
                .filter(p -> sel.matches(p.getMetadata().getLabelsMap()))
                .toList();
        var ref = EventRecorder.ref(
                PodDisruptionBudgetKind.RESOURCE.apiVersion(),
                PodDisruptionBudgetKind.RESOURCE.kind(),
                pdb.getMetadata());
        if (selected.isEmpty()) {
            recorder.normal(ref, "NoPods", "No matching pods found");
        }
        ExpectedPods expected;
        try {
            expected = ExpectedPods.of(pdb, selected, replicaSets::get);
        } catch (ExpectedPods.NoController e) {
            recorder.warning(
                    ref,
                    "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + e.getMessage());
            failSafe(pdb, e.getMessage());
            return Result.requeueAfter(Duration.ofSeconds(5));
        }
        if (!expected.unmanaged().isEmpty()) {
            recorder.warning(
                    ref,
                    "UnmanagedPods",
                    "Pods selected by this PodDisruptionBudget (selector: " + sel + ") were found to be unmanaged."
                            + " As a result, the status of the PDB cannot be calculated correctly, which may result"
                            + " in undefined behavior. To account for these pods please set \".spec.minAvailable\""
                            + " field of the PDB to an integer value.");
        }
        Instant now = Instant.now();
        Map<String, Timestamp> disrupted = new TreeMap<>();
        Instant recheck = null;
        for (Pod p : selected) {
            Timestamp t =
                    pdb.getStatus().getDisruptedPodsMap().get(p.getMetadata().getName());
            if (t == null || p.getMetadata().hasDeletionTimestamp()) {
                continue;
            }
            Instant expires = Times.instant(t).plus(DELETION_TIMEOUT);
            if (expires.isBefore(now)) {
                recorder.warning(
                        EventRecorder.ref("v1", "Pod", p.getMetadata()),
                        "NotDeleted",
                        "Pod was expected by PDB " + key + " to be deleted but it wasn't");
            } else {
                disrupted.put(p.getMetadata().getName(), t);
                recheck = recheck == null || expires.isBefore(recheck) ? expires : recheck;
            }
        }
        int healthy = 0;
        for (Pod p : selected) {
            if (!p.getMetadata().hasDeletionTimestamp()
                    && !disrupted.containsKey(p.getMetadata().getName())
                    && Pods.isReady(p)) {
                healthy++;
            }
        }
        writeStatus(pdb, healthy, expected, disrupted, now);
        return recheck == null
                ? Result.done()
                : Result.requeueAfter(Duration.between(now, recheck).plusSeconds(1));
    }

    /** kube's {@code updatePdbStatus}: nothing is written when nothing changed. */
    private void writeStatus(
            PodDisruptionBudget pdb, int healthy, ExpectedPods expected, Map<String, Timestamp> disrupted, Instant now)
            throws Exception {
        int allowed = healthy - expected.desiredHealthy();
        // a budget expecting no pods allows nothing, so pods that show up before the next sync are safe
        if (expected.expected() <= 0 || allowed <= 0) {
            allowed = 0;
        }
        PodDisruptionBudgetStatus cur = pdb.getStatus();
        long generation = pdb.getMetadata().getGeneration();
        if (cur.getCurrentHealthy() == healthy
                && cur.getDesiredHealthy() == expected.desiredHealthy()
                && cur.getExpectedPods() == expected.expected()
                && cur.getDisruptionsAllowed() == allowed
                && cur.getDisruptedPodsMap().equals(disrupted)
                && cur.getObservedGeneration() == generation
                && DisruptionAllowedCondition.upToDate(cur, generation)) {
            return;
        }
        PodDisruptionBudgetStatus.Builder st = PodDisruptionBudgetStatus.newBuilder()
                .setCurrentHealthy(healthy)
                .setDesiredHealthy(expected.desiredHealthy())
                .setExpectedPods(expected.expected())
                .setDisruptionsAllowed(allowed)
                .putAllDisruptedPods(disrupted)
                .setObservedGeneration(generation)
                .addAllConditions(cur.getConditionsList());
        DisruptionAllowedCondition.update(st, now);
        store.update(pdb.toBuilder().setStatus(st).build()).get(15, TimeUnit.SECONDS);
    }

    /** kube's {@code failSafe}: no disruption allowed, the condition saying why. */
    private void failSafe(PodDisruptionBudget pdb, String why) throws Exception {
        PodDisruptionBudgetStatus.Builder st = pdb.getStatus().toBuilder().setDisruptionsAllowed(0);
        DisruptionAllowedCondition.set(st, "False", "SyncFailed", why, Instant.now());
        PodDisruptionBudget next = pdb.toBuilder().setStatus(st).build();
        if (!next.equals(pdb)) {
            store.update(next).get(15, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
