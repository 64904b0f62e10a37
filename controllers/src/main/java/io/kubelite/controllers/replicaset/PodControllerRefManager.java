package io.kubelite.controllers.replicaset;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
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
 * kube's {@code PodControllerRefManager} for ReplicaSets: which pods a ReplicaSet owns —
 * it adopts matching orphans (after re-reading the ReplicaSet, so a deleted or replaced one
 * never adopts) and releases owned pods whose labels no longer match. Writes are
 * uid-preconditioned updates of the pods' ownerReferences.
 */
final class PodControllerRefManager {
    private static final Logger LOG = LoggerFactory.getLogger(PodControllerRefManager.class);

    private final ObjectStore<ReplicaSet> replicaSets;
    private final ObjectStore<Pod> pods;

    PodControllerRefManager(ObjectStore<ReplicaSet> replicaSets, ObjectStore<Pod> pods) {
        this.replicaSets = replicaSets;
        this.pods = pods;
    }

    /** Kubernetes' PodControllerRefManager.ClaimPods: adopt matching orphans, release non-matching owned pods. */
    List<Pod> claimPods(ReplicaSet rs, List<Pod> candidates) throws Exception {
        List<Pod> claimed = new ArrayList<>();
        String uid = rs.getMetadata().getUid();
        Selector sel = Selector.of(rs.getSpec().getSelector());
        boolean deleting = rs.getMetadata().hasDeletionTimestamp();
        Boolean canAdopt = null;
        for (Pod p : candidates) {
            Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
            boolean matches = sel.matches(p.getMetadata().getLabelsMap());
            if (ref.isPresent()) {
                if (!ref.get().getUid().equals(uid)) {
                    continue;
                }
                if (matches) {
                    claimed.add(p);
                } else if (!deleting) {
                    release(rs, p);
                }
                continue;
            }
            if (deleting || !matches || Pods.isTerminating(p)) {
                continue;
            }
            if (canAdopt == null) {
                canAdopt = recheckCanAdopt(rs);
            }
            if (canAdopt && adopt(rs, p)) {
                claimed.add(p);
            }
        }
        return claimed;
    }

    private boolean recheckCanAdopt(ReplicaSet rs) {
        try {
            ReplicaSet fresh = replicaSets
                    .get(rs.getMetadata().getNamespace(), rs.getMetadata().getName())
                    .get(10, TimeUnit.SECONDS);
            return fresh.getMetadata().getUid().equals(rs.getMetadata().getUid())
                    && !fresh.getMetadata().hasDeletionTimestamp();
        } catch (Exception e) {
            return false;
        }
    }

    private boolean adopt(ReplicaSet rs, Pod p) {
        OwnerReference ref = ownerRef(rs);
        try {
            pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                if (Pods.controllerRef(cur.getMetadata()).isPresent()
                                        || Pods.isTerminating(cur)
                                        || !Selector.of(rs.getSpec().getSelector())
                                                .matches(cur.getMetadata().getLabelsMap())) {
                                    throw new IllegalStateException("pod changed; not adopting");
                                }
                                return cur.toBuilder()
                                        .setMetadata(
                                                cur.getMetadata().toBuilder().addOwnerReferences(ref))
                                        .build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info("ReplicaSet {} adopted pod {}", ReplicaSetController.key(rs.getMetadata()), Pods.key(p));
            return true;
        } catch (Exception e) {
            LOG.debug("could not adopt pod {}: {}", Pods.key(p), e.toString());
            return false;
        }
    }

    private void release(ReplicaSet rs, Pod p) {
        try {
            pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                ObjectMeta.Builder mb =
                                        cur.getMetadata().toBuilder().clearOwnerReferences();
                                for (OwnerReference r : cur.getMetadata().getOwnerReferencesList()) {
                                    if (!r.getUid().equals(rs.getMetadata().getUid())) {
                                        mb.addOwnerReferences(r);
                                    }
                                }
                                return cur.toBuilder().setMetadata(mb).build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "ReplicaSet {} released pod {} (labels no longer match)",
                    ReplicaSetController.key(rs.getMetadata()),
                    Pods.key(p));
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn("could not release pod {}: {}", Pods.key(p), e.toString());
            }
        }
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
