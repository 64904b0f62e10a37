package io.kubelite.scheduler;

import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;
import io.kubelite.scheduler.plugins.VolumeBindingFilter;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.informer.Informer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binding step's volume half (kube's VolumeBinding PreBind, without its wait): before a pod
 * is bound, each of its unbound WaitForFirstConsumer claims is annotated
 * {@value VolumeBinding#SELECTED_NODE} with the chosen node, for the PV controller to bind or
 * provision it there. The kubelet waits for the claims to be bound before it starts the pod.
 */
final class SelectedNodeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedNodeWriter.class);

    private final VolumeBindingFilter volumes;

    SelectedNodeWriter(VolumeBindingFilter volumes) {
        this.volumes = volumes;
    }

    /**
     * Annotates {@code pod}'s claims with {@code node} through {@code claims} (the fenced store).
     *
     * @return false when a claim could not be written (the pod is to be retried, not bound)
     */
    boolean write(Pod pod, String node, ObjectStore<PersistentVolumeClaim> claims) {
        for (PersistentVolumeClaim c : volumes.claimsToSelectNode(pod)) {
            if (node.equals(c.getMetadata().getAnnotationsOrDefault(VolumeBinding.SELECTED_NODE, ""))) {
                continue;
            }
            try {
                claims.guaranteedUpdate(
                                c.getMetadata().getNamespace(), c.getMetadata().getName(), cur -> {
                                    if (!cur.getSpec().getVolumeName().isEmpty()) {
                                        return cur; // bound meanwhile: where it is bound decides
                                    }
                                    PersistentVolumeClaim.Builder b = cur.toBuilder();
                                    b.getMetadataBuilder().putAnnotations(VolumeBinding.SELECTED_NODE, node);
                                    return b.build();
                                })
                        .get(15, TimeUnit.SECONDS);
                LOG.info(
                        "claim {} of pod {}: selected node {}",
                        Informer.keyOf(c.getMetadata()),
                        Informer.keyOf(pod.getMetadata()),
                        node);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn(
                        "could not mark claim {} with selected node {}: {}",
                        Informer.keyOf(c.getMetadata()),
                        node,
                        e.toString());
                return false;
            }
        }
        return true;
    }
}
