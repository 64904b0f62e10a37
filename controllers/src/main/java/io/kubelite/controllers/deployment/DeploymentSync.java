package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentStatus;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of one Deployment and the writes it makes (kube's {@code sync.go}): finding or creating
 * the new ReplicaSet and keeping revisions in step, scaling a ReplicaSet with its event, deleting
 * old ReplicaSets beyond the history limit, and writing the Deployment's status.
 *
 * <p>As kube's controller writes with the resourceVersion it read from its cache, every write here
 * is preconditioned on the cached object's revision: a stale cache means a Conflict and a retry of
 * the whole sync from fresher caches, never a decision taken on old sizes. After each successful
 * write the object here carries the new revision, so one sync can write the same object twice.
 */
final class DeploymentSync {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentSync.class);
    private static final long TIMEOUT_SECONDS = 15;

    private final ObjectStore<Deployment> deployments;
    private final ObjectStore<ReplicaSet> replicaSets;
    private final EventRecorder recorder;
    /** The Deployment as this sync knows it: its status and revision annotation change as the sync goes. */
    Deployment d;
    /** When the Deployment must be looked at again for a progress check, or null. */
    Duration requeueAfter;
    /** ReplicaSets this sync wrote or created, by uid: newer than the cache's. */
    private final Map<String, ReplicaSet> written = new LinkedHashMap<>();

    DeploymentSync(
            Deployment d,
            ObjectStore<Deployment> deployments,
            ObjectStore<ReplicaSet> replicaSets,
            EventRecorder recorder) {
        this.d = d;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.recorder = recorder;
    }

    int replicas() {
        return Fenceposts.replicas(d);
    }

    /** The new ReplicaSet (null when there is none and {@code create} is false) and all the old ones. */
    record AllReplicaSets(ReplicaSet newRs, List<ReplicaSet> oldRss) {
        List<ReplicaSet> all() {
            return ReplicaSets.plus(oldRss, newRs);
        }
    }

    /** kube's {@code getAllReplicaSetsAndSyncRevision}. */
    AllReplicaSets allReplicaSetsAndSyncRevision(List<ReplicaSet> cached, boolean create) throws Exception {
        List<ReplicaSet> rsList = new ArrayList<>();
        for (ReplicaSet rs : cached) {
            rsList.add(written.getOrDefault(rs.getMetadata().getUid(), rs));
        }
        for (ReplicaSet rs : written.values()) {
            if (!rsList.stream()
                    .anyMatch(x ->
                            x.getMetadata().getUid().equals(rs.getMetadata().getUid()))) {
                rsList.add(rs);
            }
        }
        List<ReplicaSet> olds = ReplicaSets.findOld(d, rsList);
        ReplicaSet newRs = newReplicaSet(rsList, olds, create);
        return new AllReplicaSets(newRs, olds);
    }

    /**
     * kube's {@code getNewReplicaSet}: the ReplicaSet with the Deployment's template, its revision
     * raised above every old one and the Deployment's annotations copied to it; created (named
     * {@code <deployment>-<pod-template-hash>}, the hash label on its selector and template) when
     * missing and {@code create}. A name taken by a ReplicaSet that is not this one is a hash
     * collision: {@code status.collisionCount} goes up and the sync is retried with a new name.
     */
    private ReplicaSet newReplicaSet(List<ReplicaSet> rsList, List<ReplicaSet> olds, boolean create) throws Exception {
        ReplicaSet existing = ReplicaSets.findNew(d, rsList);
        long newRevision = ReplicaSetHistory.maxRevision(olds) + 1;
        if (existing != null) {
            ReplicaSet.Builder copy = existing.toBuilder();
            boolean annotations = ReplicaSetHistory.setNewReplicaSetAnnotations(d, copy, newRevision, true);
            boolean minReady =
                    existing.getSpec().getMinReadySeconds() != d.getSpec().getMinReadySeconds();
            if (annotations || minReady) {
                copy.getSpecBuilder().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                ReplicaSet wanted = copy.build();
                return updateReplicaSet(
                        existing,
                        rs -> rs.toBuilder()
                                .setMetadata(rs.getMetadata().toBuilder()
                                        .clearAnnotations()
                                        .putAllAnnotations(wanted.getMetadata().getAnnotationsMap()))
                                .setSpec(rs.getSpec().toBuilder()
                                        .setMinReadySeconds(wanted.getSpec().getMinReadySeconds()))
                                .build());
            }
            Deployment.Builder db = d.toBuilder();
            boolean needsUpdate = ReplicaSetHistory.setDeploymentRevision(
                    db, existing.getMetadata().getAnnotationsMap().get(ReplicaSetHistory.REVISION));
            DeploymentStatus.Builder st = db.getStatusBuilder();
            if (DeploymentProgress.hasProgressDeadline(d)
                    && DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING)
                            .isEmpty()) {
                DeploymentConditions.set(
                        st,
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                "True",
                                DeploymentConditions.FOUND_NEW_RS,
                                "Found new replica set \""
                                        + existing.getMetadata().getName() + "\""));
                needsUpdate = true;
            }
            if (needsUpdate) {
                writeStatus(db.build());
            }
            return existing;
        }
        if (!create) {
            return null;
        }
        Integer collisions = d.getStatus().hasCollisionCount() ? d.getStatus().getCollisionCount() : null;
        String hash = PodTemplateHash.compute(d.getSpec().getTemplate(), collisions);
        LabelSelector selector = d.getSpec().getSelector().toBuilder()
                .putMatchLabels(PodTemplateHash.LABEL, hash)
                .build();
        var template = Templates.withHash(d.getSpec().getTemplate(), hash);
        ReplicaSet.Builder nb = ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(d.getMetadata().getName() + "-" + hash)
                        .setNamespace(d.getMetadata().getNamespace())
                        .addOwnerReferences(ownerRef(d))
                        .putAllLabels(template.getMetadata().getLabelsMap()))
                .setSpec(ReplicaSetSpec.newBuilder()
                        .setReplicas(0)
                        .setMinReadySeconds(d.getSpec().getMinReadySeconds())
                        .setSelector(selector)
                        .setTemplate(template));
        int newReplicas = ReplicaSets.newRsNewReplicas(d, ReplicaSets.plus(olds, nb.build()), nb.build());
        nb.getSpecBuilder().setReplicas(newReplicas);
        ReplicaSetHistory.setNewReplicaSetAnnotations(d, nb, newRevision, false);
        ReplicaSet rs = nb.build();
        ReplicaSet created;
        boolean alreadyExists = false;
        try {
            created = join(replicaSets.create(rs));
            written.put(created.getMetadata().getUid(), created);
        } catch (AlreadyExistsException e) {
            alreadyExists = true;
            ReplicaSet found = join(replicaSets.get(
                    d.getMetadata().getNamespace(), rs.getMetadata().getName()));
            var ref = Pods.controllerRef(found.getMetadata());
            if (ref.isPresent()
                    && ref.get().getUid().equals(d.getMetadata().getUid())
                    && Templates.equalIgnoreHash(
                            d.getSpec().getTemplate(), found.getSpec().getTemplate())) {
                created = found;
            } else {
                Deployment.Builder db = d.toBuilder();
                db.getStatusBuilder().setCollisionCount(collisions == null ? 1 : collisions + 1);
                writeStatus(db.build());
                LOG.info(
                        "Deployment {}: hash collision on ReplicaSet {}; collisionCount now {}",
                        key(),
                        rs.getMetadata().getName(),
                        d.getStatus().getCollisionCount());
                throw e;
            }
        } catch (StoreException e) {
            String msg =
                    "Failed to create new replica set \"" + rs.getMetadata().getName() + "\": " + e.getMessage();
            if (DeploymentProgress.hasProgressDeadline(d)) {
                Deployment.Builder db = d.toBuilder();
                DeploymentConditions.set(
                        db.getStatusBuilder(),
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING, "False", DeploymentConditions.FAILED_RS_CREATE, msg));
                try {
                    writeStatus(db.build());
                } catch (Exception ignored) {
                    // the bigger problem is reported below
                }
            }
            recorder.warning(ref(), DeploymentConditions.FAILED_RS_CREATE, msg);
            throw e;
        }
        if (!alreadyExists && newReplicas > 0) {
            recorder.normal(
                    ref(),
                    "ScalingReplicaSet",
                    "Scaled up replica set " + created.getMetadata().getName() + " to " + newReplicas);
        }
        Deployment.Builder db = d.toBuilder();
        boolean needsUpdate = ReplicaSetHistory.setDeploymentRevision(db, Long.toString(newRevision));
        if (!alreadyExists && DeploymentProgress.hasProgressDeadline(d)) {
            DeploymentConditions.set(
                    db.getStatusBuilder(),
                    DeploymentConditions.of(
                            DeploymentConditions.PROGRESSING,
                            "True",
                            DeploymentConditions.NEW_REPLICA_SET,
                            "Created new replica set \"" + created.getMetadata().getName() + "\""));
            needsUpdate = true;
        }
        if (needsUpdate) {
            writeStatus(db.build());
        }
        return created;
    }

    /** kube's {@code scaleReplicaSetAndRecordEvent}: the ReplicaSet as written (or as it was when nothing changed). */
    ReplicaSet scaleAndRecordEvent(ReplicaSet rs, int newScale) throws Exception {
        if (ReplicaSets.replicas(rs) == newScale) {
            return rs;
        }
        return scale(rs, newScale, ReplicaSets.replicas(rs) < newScale ? "up" : "down");
    }

    /** Whether {@link #scaleAndRecordEvent} would change the size of {@code rs}. */
    static boolean changesSize(ReplicaSet before, ReplicaSet after) {
        return ReplicaSets.replicas(before) != ReplicaSets.replicas(after);
    }

    /**
     * kube's {@code scaleReplicaSet}: sets spec.replicas and the desired/max-replicas annotations
     * (which proportional scaling reads) in one write; a {@code ScalingReplicaSet} event when the size changed.
     */
    ReplicaSet scale(ReplicaSet rs, int newScale, String operation) throws Exception {
        int desired = replicas();
        int max = desired + Fenceposts.maxSurge(d);
        boolean sizeChanges = ReplicaSets.replicas(rs) != newScale;
        if (!sizeChanges && !ReplicaSetHistory.replicasAnnotationsNeedUpdate(rs, desired, max)) {
            return rs;
        }
        int oldScale = ReplicaSets.replicas(rs);
        ReplicaSet out = updateReplicaSet(rs, cur -> {
            ReplicaSet.Builder b = cur.toBuilder();
            b.getSpecBuilder().setReplicas(newScale);
            ReplicaSetHistory.setReplicasAnnotations(b, desired, max);
            return b.build();
        });
        if (sizeChanges) {
            recorder.normal(
                    ref(),
                    "ScalingReplicaSet",
                    "Scaled " + operation + " replica set " + rs.getMetadata().getName() + " to " + newScale + " from "
                            + oldScale);
        }
        return out;
    }

    /**
     * kube's {@code cleanupDeployment}: deletes the old ReplicaSets beyond
     * {@code revisionHistoryLimit} that are scaled down (their pods have no owner left to keep them).
     */
    void cleanup(List<ReplicaSet> oldRss) throws Exception {
        for (ReplicaSet rs : ReplicaSetHistory.toCleanUp(d, oldRss)) {
            LOG.info(
                    "Deployment {}: deleting old ReplicaSet {} (revisionHistoryLimit)",
                    key(),
                    rs.getMetadata().getName());
            try {
                join(replicaSets.delete(
                        rs.getMetadata().getNamespace(),
                        rs.getMetadata().getName(),
                        Preconditions.uid(rs.getMetadata().getUid())));
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw e;
                }
            }
        }
    }

    /** kube's {@code syncDeploymentStatus}: status from the ReplicaSets, no progress estimate. */
    void syncDeploymentStatus(List<ReplicaSet> all, ReplicaSet newRs) throws Exception {
        DeploymentStatus want = DeploymentProgress.calculateStatus(all, newRs, d);
        if (!want.equals(d.getStatus())) {
            writeStatus(d.toBuilder().setStatus(want).build());
        }
    }

    /**
     * Writes {@code next}'s status and revision annotation (what kube's UpdateStatus carries here)
     * over the cached Deployment, failing with a Conflict when the cache was stale.
     */
    void writeStatus(Deployment next) throws Exception {
        Deployment cur = d;
        String revision = next.getMetadata().getAnnotationsMap().get(ReplicaSetHistory.REVISION);
        Deployment written = join(deployments.guaranteedUpdate(
                cur.getMetadata().getNamespace(),
                cur.getMetadata().getName(),
                new Preconditions(cur.getMetadata().getUid(), cur.getMetadata().getResourceVersion()),
                x -> {
                    Deployment.Builder b = x.toBuilder().setStatus(next.getStatus());
                    if (revision != null) {
                        b.getMetadataBuilder().putAnnotations(ReplicaSetHistory.REVISION, revision);
                    }
                    return b.build();
                }));
        d = next.toBuilder().setMetadata(written.getMetadata()).build();
    }

    /** A write of {@code rs} from its cached revision (Conflict when the cache was stale). */
    private ReplicaSet updateReplicaSet(ReplicaSet rs, UnaryOperator<ReplicaSet> fn) throws Exception {
        ReplicaSet out = join(replicaSets.guaranteedUpdate(
                rs.getMetadata().getNamespace(),
                rs.getMetadata().getName(),
                new Preconditions(rs.getMetadata().getUid(), rs.getMetadata().getResourceVersion()),
                fn));
        written.put(out.getMetadata().getUid(), out);
        return out;
    }

    static OwnerReference ownerRef(Deployment d) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("Deployment")
                .setName(d.getMetadata().getName())
                .setUid(d.getMetadata().getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }

    io.kubelite.api.ObjectReference ref() {
        return EventRecorder.ref("apps/v1", "Deployment", d.getMetadata());
    }

    String key() {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    static <T> T join(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            StoreException se = StoreException.unwrap(e);
            if (se != null) {
                throw se;
            }
            throw e;
        }
    }

    /** The list with {@code replaced} in place of the element with the same uid. */
    static List<ReplicaSet> replacing(List<ReplicaSet> list, ReplicaSet replaced) {
        List<ReplicaSet> out = new ArrayList<>(list.size());
        for (ReplicaSet rs : list) {
            out.add(rs.getMetadata().getUid().equals(replaced.getMetadata().getUid()) ? replaced : rs);
        }
        return out;
    }
}
