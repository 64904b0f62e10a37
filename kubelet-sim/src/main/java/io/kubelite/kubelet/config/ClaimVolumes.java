package io.kubelite.kubelet.config;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.api.Volume;

/**
 * Where a pod's {@code persistentVolumeClaim} volume lives on the simulated node: the directory
 * of the volume its claim is bound to ({@code hostPath} or {@code local} path; a CSI volume's
 * directory under {@value #CSI_ROOT}), in the node's own filesystem, so that what one pod writes
 * the next pod on that node using the claim reads. A claim that is missing, unbound, or bound to
 * a volume that is gone fails the mount with the kubelet's FailedMount words, and the pod waits.
 */
public final class ClaimVolumes {
    /** Where the simulated node keeps CSI volumes, by volume handle. */
    public static final String CSI_ROOT = "/var/lib/kubelet/plugins/kubernetes.io/csi";

    private final ConfigObjects objects;

    public ClaimVolumes(ConfigObjects objects) {
        this.objects = objects;
    }

    /** The node path of {@code v} (a persistentVolumeClaim volume of {@code pod}). */
    public String hostPath(Volume v, Pod pod) throws ContainerConfigException {
        String ns = pod.getMetadata().getNamespace();
        String name = v.getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim c = objects.claim(ns, name)
                .orElseThrow(() -> failed(
                        v,
                        ns,
                        name,
                        "failed to fetch PVC from API server: persistentvolumeclaims \"" + name + "\" not found"));
        if (c.getSpec().getVolumeName().isEmpty()
                || !"Bound".equals(c.getStatus().getPhase())) {
            throw failed(v, ns, name, "PVC is not bound");
        }
        PersistentVolume pv = objects.volume(c.getSpec().getVolumeName())
                .orElseThrow(() -> failed(
                        v,
                        ns,
                        name,
                        "failed to fetch PV " + c.getSpec().getVolumeName() + " from API server: persistentvolumes \""
                                + c.getSpec().getVolumeName() + "\" not found"));
        if (pv.getSpec().hasHostPath()) {
            return pv.getSpec().getHostPath().getPath();
        }
        if (pv.getSpec().hasLocal()) {
            return pv.getSpec().getLocal().getPath();
        }
        if (pv.getSpec().hasCsi()) {
            return CSI_ROOT + "/" + pv.getSpec().getCsi().getVolumeHandle();
        }
        throw new ContainerConfigException(
                "MountVolume.SetUp failed for volume \"" + pv.getMetadata().getName()
                        + "\" : kubelite's simulated node mounts hostPath, local and csi volumes only");
    }

    private static ContainerConfigException failed(Volume v, String ns, String claim, String why) {
        return new ContainerConfigException("Unable to attach or mount volumes: unmounted volumes=[" + v.getName()
                + "], unattached volumes=[" + v.getName() + "], failed to process volumes=[" + v.getName()
                + "]: error processing PVC " + ns + "/" + claim + ": " + why);
    }
}
