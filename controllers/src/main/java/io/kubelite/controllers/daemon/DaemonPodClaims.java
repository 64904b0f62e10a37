package io.kubelite.controllers.daemon;

import io.kubelite.api.DaemonSet;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
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
 * kube's {@code ClaimPods} for a DaemonSet ({@code getDaemonPods}): the DaemonSet's own pods whose
 * labels still match its selector, plus orphans it adopts (matching, not terminating, after
 * re-reading the DaemonSet to see that it is not being deleted); an owned pod whose labels stopped
 * matching is released. Adoption and release are uid-preconditioned updates of the pod's
 * ownerReferences.
 */
final class DaemonPodClaims {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonPodClaims.class);

    private final ObjectStore<DaemonSet> daemonSets;
    private final ObjectStore<Pod> pods;

    DaemonPodClaims(ObjectStore<DaemonSet> daemonSets, ObjectStore<Pod> pods) {
        this.daemonSets = daemonSets;
        this.pods = pods;
    }

    List<Pod> claim(DaemonSet ds, List<Pod> candidates) {
        List<Pod> claimed = new ArrayList<>();
        String uid = ds.getMetadata().getUid();
        Selector sel = Selector.of(ds.getSpec().getSelector());
        boolean deleting = ds.getMetadata().hasDeletionTimestamp();
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
                    release(ds, p);
                }
                continue;
            }
            if (deleting || !matches || Pods.isTerminating(p)) {
                continue;
            }
            if (canAdopt == null) {
                canAdopt = recheckCanAdopt(ds);
            }
            if (canAdopt) {
                adopt(ds, p).ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    private boolean recheckCanAdopt(DaemonSet ds) {
        try {
            DaemonSet fresh = daemonSets
                    .get(ds.getMetadata().getNamespace(), ds.getMetadata().getName())
                    .get(10, TimeUnit.SECONDS);
            return fresh.getMetadata().getUid().equals(ds.getMetadata().getUid())
                    && !fresh.getMetadata().hasDeletionTimestamp();
        } catch (Exception e) {
            return false;
        }
    }

    private Optional<Pod> adopt(DaemonSet ds, Pod p) {
        OwnerReference ref = DaemonSetController.ownerRef(ds);
        Selector sel = Selector.of(ds.getSpec().getSelector());
        try {
            Pod adopted = pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                if (Pods.controllerRef(cur.getMetadata()).isPresent()
                                        || Pods.isTerminating(cur)
                                        || !sel.matches(cur.getMetadata().getLabelsMap())) {
                                    throw new IllegalStateException("pod changed; not adopting");
                                }
                                return cur.toBuilder()
                                        .setMetadata(
                                                cur.getMetadata().toBuilder().addOwnerReferences(ref))
                                        .build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info("DaemonSet {} adopted pod {}", DaemonSetController.key(ds.getMetadata()), Pods.key(p));
            return Optional.of(adopted);
        } catch (Exception e) {
            LOG.debug("could not adopt pod {}: {}", Pods.key(p), e.toString());
            return Optional.empty();
        }
    }

    private void release(DaemonSet ds, Pod p) {
        try {
            pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                ObjectMeta.Builder mb =
                                        cur.getMetadata().toBuilder().clearOwnerReferences();
                                for (OwnerReference r : cur.getMetadata().getOwnerReferencesList()) {
                                    if (!r.getUid().equals(ds.getMetadata().getUid())) {
                                        mb.addOwnerReferences(r);
                                    }
                                }
                                return cur.toBuilder().setMetadata(mb).build();
                            })
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "DaemonSet {} released pod {} (labels no longer match)",
                    DaemonSetController.key(ds.getMetadata()),
                    Pods.key(p));
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn("could not release pod {}: {}", Pods.key(p), e.toString());
            }
        }
    }
}
