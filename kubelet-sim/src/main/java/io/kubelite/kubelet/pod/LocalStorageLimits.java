package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.api.Quantity;
import io.kubelite.api.Volume;
import java.util.function.ToLongFunction;

/**
 * The kubelet eviction manager's local-storage checks of one pod ({@code localStorageEviction}),
 * in kube's order and words: a disk-backed emptyDir over its {@code sizeLimit}, then the pod's
 * use (its containers' writable layers and logs and its disk emptyDirs) over the sum of the
 * {@code ephemeral-storage} limits its containers set, then one container over its own limit. Memory-backed emptyDirs are tmpfs: their {@code sizeLimit} makes
 * writes fail ({@code ENOSPC}) rather than evicting.
 */
final class LocalStorageLimits {
    static final String REASON = "Evicted";

    private LocalStorageLimits() {}

    /** Whether {@code p} sets any limit {@link #violation} checks: else it needs no checking. */
    static boolean appliesTo(Pod p) {
        for (Volume v : p.getSpec().getVolumesList()) {
            if (v.hasEmptyDir()
                    && !v.getEmptyDir().getMedium().equals("Memory")
                    && !v.getEmptyDir().getSizeLimit().isEmpty()) {
                return true;
            }
        }
        for (Container c : p.getSpec().getContainersList()) {
            if (c.getResources().containsLimits("ephemeral-storage")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Null when {@code pod} is within its limits, else the eviction message.
     *
     * @param emptyDirBytes a disk-backed emptyDir's use, by volume name
     * @param containerBytes a container's writable layer and log use, by container name
     */
    static String violation(Pod pod, ToLongFunction<String> emptyDirBytes, ToLongFunction<String> containerBytes) {
        long emptyDirs = 0;
        for (Volume v : pod.getSpec().getVolumesList()) {
            if (!v.hasEmptyDir() || v.getEmptyDir().getMedium().equals("Memory")) {
                continue;
            }
            long used = emptyDirBytes.applyAsLong(v.getName());
            emptyDirs += used;
            String limit = v.getEmptyDir().getSizeLimit();
            if (!limit.isEmpty() && used > Quantity.bytes(limit)) {
                return "Usage of EmptyDir volume \"" + v.getName() + "\" exceeds the limit \"" + limit + "\". ";
            }
        }
        long podLimit = 0;
        long podUsed = emptyDirs;
        for (Container c : pod.getSpec().getContainersList()) {
            String limit = c.getResources().getLimitsMap().get("ephemeral-storage");
            if (limit != null) {
                podLimit += Quantity.bytes(limit);
            }
            podUsed += containerBytes.applyAsLong(c.getName());
        }
        if (podLimit > 0 && podUsed > podLimit) {
            return "Pod ephemeral local storage usage exceeds the total limit of containers "
                    + Quantity.formatBytes(podLimit) + ". ";
        }
        for (Container c : pod.getSpec().getContainersList()) {
            String limit = c.getResources().getLimitsMap().get("ephemeral-storage");
            if (limit != null && containerBytes.applyAsLong(c.getName()) > Quantity.bytes(limit)) {
                return "Container " + c.getName() + " exceeded its local ephemeral storage limit \"" + limit + "\". ";
            }
        }
        return null;
    }
}
