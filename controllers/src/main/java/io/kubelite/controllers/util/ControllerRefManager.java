package io.kubelite.controllers.util;

import com.google.protobuf.Message;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.labels.Selector;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's {@code PodControllerRefManager.ClaimPods} for a controller of kind {@code T} (ReplicaSet,
 * DaemonSet, StatefulSet): which candidate pods the controller owns. Its own pods whose labels still match its
 * selector are claimed; its own that stopped matching are released (unless it is being deleted);
 * matching orphans that are not terminating are adopted, after one fresh read of the controller
 * shows it is still the same object and not being deleted (so a deleted or replaced controller never
 * adopts). Adoption and release are uid-preconditioned updates of the pods' ownerReferences; one
 * that fails leaves the pod out (adopt) or as it was (release), for the next sync.
 */
public final class ControllerRefManager<T extends Message> {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRefManager.class);
    private static final long TIMEOUT_SECONDS = 15;

    private final String kind;
    private final ObjectStore<T> owners;
    private final ObjectStore<Pod> pods;
    private final Function<T, ObjectMeta> meta;
    private final Function<T, LabelSelector> selector;
    private final Function<T, OwnerReference> ownerRef;

    /**
     * @param kind the controller's kind, for the log
     * @param owners the controllers' store, for the fresh read before adopting
     * @param meta, selector, ownerRef how to read a controller's metadata and selector and make the
     *     controller reference its pods carry
     */
    public ControllerRefManager(
            String kind,
            ObjectStore<T> owners,
            ObjectStore<Pod> pods,
            Function<T, ObjectMeta> meta,
            Function<T, LabelSelector> selector,
            Function<T, OwnerReference> ownerRef) {
        this.kind = kind;
        this.owners = owners;
        this.pods = pods;
        this.meta = meta;
        this.selector = selector;
        this.ownerRef = ownerRef;
    }

    /** The candidates the controller owns after adopting and releasing (adopted pods as written). */
    public List<Pod> claim(T owner, List<Pod> candidates) {
        return claim(owner, candidates, p -> true);
    }

    /**
     * As {@link #claim(Message, List)}, with kube's {@code ClaimPods} filters: a pod that fails
     * {@code filter} counts as not matching (so is released if owned, never adopted).
     */
    public List<Pod> claim(T owner, List<Pod> candidates, Predicate<Pod> filter) {
        List<Pod> claimed = new ArrayList<>();
        ObjectMeta m = meta.apply(owner);
        String uid = m.getUid();
        Selector sel = Selector.of(selector.apply(owner));
        boolean deleting = m.hasDeletionTimestamp();
        Boolean canAdopt = null;
        for (Pod p : candidates) {
            Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
            boolean matches = sel.matches(p.getMetadata().getLabelsMap()) && filter.test(p);
            if (ref.isPresent()) {
                if (!ref.get().getUid().equals(uid)) {
                    continue;
                }
                if (matches) {
                    claimed.add(p);
                } else if (!deleting) {
                    release(owner, p);
                }
                continue;
            }
            if (deleting || !matches || Pods.isTerminating(p)) {
                continue;
            }
            if (canAdopt == null) {
                canAdopt = recheckCanAdopt(m);
            }
            if (canAdopt) {
                adopt(owner, sel, filter, p).ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    private boolean recheckCanAdopt(ObjectMeta m) {
        try {
            T fresh = owners.get(m.getNamespace(), m.getName()).get(10, TimeUnit.SECONDS);
            ObjectMeta fm = meta.apply(fresh);
            return fm.getUid().equals(m.getUid()) && !fm.hasDeletionTimestamp();
        } catch (Exception e) {
            return false;
        }
    }

    private Optional<Pod> adopt(T owner, Selector sel, Predicate<Pod> filter, Pod p) {
        OwnerReference ref = ownerRef.apply(owner);
        try {
            Pod adopted = pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                if (Pods.controllerRef(cur.getMetadata()).isPresent()
                                        || Pods.isTerminating(cur)
                                        || !sel.matches(cur.getMetadata().getLabelsMap())
                                        || !filter.test(cur)) {
                                    throw new IllegalStateException("pod changed; not adopting");
                                }
                                return cur.toBuilder()
                                        .setMetadata(
                                                cur.getMetadata().toBuilder().addOwnerReferences(ref))
                                        .build();
                            })
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("{} {} adopted pod {}", kind, key(owner), Pods.key(p));
            return Optional.of(adopted);
        } catch (Exception e) {
            LOG.debug("{} {} could not adopt pod {}: {}", kind, key(owner), Pods.key(p), e.toString());
            return Optional.empty();
        }
    }

    private void release(T owner, Pod p) {
        String uid = meta.apply(owner).getUid();
        try {
            pods.guaranteedUpdate(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getName(),
                            Preconditions.uid(p.getMetadata().getUid()),
                            cur -> {
                                ObjectMeta.Builder mb =
                                        cur.getMetadata().toBuilder().clearOwnerReferences();
                                for (OwnerReference r : cur.getMetadata().getOwnerReferencesList()) {
                                    if (!r.getUid().equals(uid)) {
                                        mb.addOwnerReferences(r);
                                    }
                                }
                                return cur.toBuilder().setMetadata(mb).build();
                            })
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("{} {} released pod {} (labels no longer match)", kind, key(owner), Pods.key(p));
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn("{} {} could not release pod {}: {}", kind, key(owner), Pods.key(p), e.toString());
            }
        }
    }

    private String key(T owner) {
        ObjectMeta m = meta.apply(owner);
        return m.getNamespace() + "/" + m.getName();
    }
}
