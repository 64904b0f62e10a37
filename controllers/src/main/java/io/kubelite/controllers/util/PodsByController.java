package io.kubelite.controllers.util;

import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.store.informer.Informer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kube's {@code PodControllerUIDIndex} and {@code FilterPodsByOwner}: the pod informer indexed by
 * the uid of each pod's controller reference, orphans (no controller) filed per namespace. A
 * controller's sync then reads its own pods and its namespace's orphans (the only pods
 * {@link ControllerRefManager#claim} can keep or adopt) instead of every pod of the namespace, so a
 * sync costs what the controller owns, not what the namespace holds.
 */
public final class PodsByController {
    /** The index's name on the shared pod informer. */
    public static final String INDEX = "podControllerUID";

    private PodsByController() {}

    /** Adds the index to the shared pod informer; before it starts, idempotent across controllers. */
    public static void index(Informer<Pod> podInformer) {
        podInformer.addIndex(INDEX, p -> {
            Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
            return List.of(
                    ref.isPresent()
                            ? ref.get().getUid()
                            : orphanKey(p.getMetadata().getNamespace()));
        });
    }

    /**
     * The pods whose controller is {@code ownerUid}, then the orphans of {@code namespace}: a superset
     * of what a claim by that owner keeps or adopts. A uid is unique across namespaces, so the
     * owner's pods are all in its namespace.
     */
    public static List<Pod> candidates(Informer<Pod> podInformer, String ownerUid, String namespace) {
        List<Pod> owned = podInformer.byIndex(INDEX, ownerUid);
        List<Pod> orphans = podInformer.byIndex(INDEX, orphanKey(namespace));
        List<Pod> out = new ArrayList<>(owned.size() + orphans.size());
        out.addAll(owned);
        out.addAll(orphans);
        return out;
    }

    // a uid never contains '/', so this cannot collide with an owner's uid
    private static String orphanKey(String namespace) {
        return "orphan/" + namespace;
    }
}
