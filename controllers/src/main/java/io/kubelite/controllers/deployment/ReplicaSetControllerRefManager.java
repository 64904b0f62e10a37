package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's {@code ReplicaSetControllerRefManager}: which ReplicaSets a Deployment owns. It adopts
 * orphans its selector matches (after re-reading the Deployment from etcd, so a deleted or
 * replaced one never adopts) and releases owned ReplicaSets whose labels stopped matching. Writes
 * are uid-preconditioned updates of the ReplicaSets' ownerReferences.
 */
final class ReplicaSetControllerRefManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetControllerRefManager.class);

    private final ObjectStore<Deployment> deployments;
    private final ObjectStore<ReplicaSet> replicaSets;

    ReplicaSetControllerRefManager(ObjectStore<Deployment> deployments, ObjectStore<ReplicaSet> replicaSets) {
        this.deployments = deployments;
        this.replicaSets = replicaSets;
    }

    /** kube's {@code ClaimReplicaSets} over {@code candidates} (the namespace's ReplicaSets). */
    List<ReplicaSet> claim(Deployment d, List<ReplicaSet> candidates) {
        List<ReplicaSet> claimed = new ArrayList<>();
        String uid = d.getMetadata().getUid();
        Selector sel = Selector.of(d.getSpec().getSelector());
        boolean deleting = d.getMetadata().hasDeletionTimestamp();
        Boolean canAdopt = null;
        for (ReplicaSet rs : candidates) {
            Optional<OwnerReference> ref = Pods.controllerRef(rs.getMetadata());
            boolean matches = sel.matches(rs.getMetadata().getLabelsMap());
            if (ref.isPresent()) {
                if (!ref.get().getUid().equals(uid)) {
                    continue;
                }
                if (matches) {
                    claimed.add(rs);
                } else if (!deleting) {
                    release(d, rs);
                }
                continue;
            }
            if (deleting || !matches || rs.getMetadata().hasDeletionTimestamp()) {
                continue;
            }
            if (canAdopt == null) {
                canAdopt = recheckCanAdopt(d);
            }
            if (canAdopt) {
                adopt(d, rs).ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    private boolean recheckCanAdopt(Deployment d) {
        try {
            Deployment fresh = deployments
                    .get(d.getMetadata().getNamespace(), d.getMetadata().getName())
                    .get(10, TimeUnit.SECONDS);
            return fresh.getMetadata().getUid().equals(d.getMetadata().getUid())
                    && !fresh.getMetadata().hasDeletionTimestamp();
        } catch (Exception e) {
            return false;
        }
    }

    private Optional<ReplicaSet> adopt(Deployment d, ReplicaSet rs) {
        OwnerReference ref = DeploymentSync.ownerRef(d);
        Selector sel = Selector.of(d.getSpec().getSelector());
        try {
            ReplicaSet out = replicaSets
                    .guaranteedUpdate(
                            rs.getMetadata().getNamespace(),
                            rs.getMetadata().getName(),
                            Preconditions.uid(rs.getMetadata().getUid()),
                            cur -> {
                                if (Pods.controllerRef(cur.getMetadata()).isPresent()
                                        || cur.getMetadata().hasDeletionTimestamp()
                                        || !sel.matches(cur.getMetadata().getLabelsMap())) {
                                    throw new IllegalStateException("replica set changed; not adopting");
                                }
                                return cur.toBuilder()
                                        .setMetadata(
                                                cur.getMetadata().toBuilder().addOwnerReferences(ref))
                                        .build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "Deployment {} adopted ReplicaSet {}",
                    key(d.getMetadata()),
                    rs.getMetadata().getName());
            return Optional.of(out);
        } catch (Exception e) {
            LOG.debug("could not adopt ReplicaSet {}: {}", rs.getMetadata().getName(), e.toString());
            return Optional.empty();
        }
    }

    private void release(Deployment d, ReplicaSet rs) {
        try {
            replicaSets
                    .guaranteedUpdate(
                            rs.getMetadata().getNamespace(),
                            rs.getMetadata().getName(),
                            Preconditions.uid(rs.getMetadata().getUid()),
                            cur -> {
                                ObjectMeta.Builder mb =
                                        cur.getMetadata().toBuilder().clearOwnerReferences();
                                for (OwnerReference r : cur.getMetadata().getOwnerReferencesList()) {
                                    if (!r.getUid().equals(d.getMetadata().getUid())) {
                                        mb.addOwnerReferences(r);
                                    }
                                }
                                return cur.toBuilder().setMetadata(mb).build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "Deployment {} released ReplicaSet {} (labels no longer match)",
                    key(d.getMetadata()),
                    rs.getMetadata().getName());
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn("could not release ReplicaSet {}: {}", rs.getMetadata().getName(), e.toString());
            }
        }
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }
}
