package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.api.Quantity;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeMount;
import io.kubelite.api.VolumeProjection;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountTokenVolume;
import io.kubelite.kubelet.config.ClaimVolumes;
import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.ContainerConfigException;
import io.kubelite.kubelet.config.DownwardApi;
import io.kubelite.kubelet.config.EnvExpansion;
import io.kubelite.kubelet.config.ProjectedTokens;
import io.kubelite.kubelet.config.VolumeContents;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A pod's volumes in the simulated runtime, for as long as the pod lives on the node: an
 * emptyDir is one tree shared by the pod's containers and kept across their restarts; a
 * hostPath, and the volume a persistentVolumeClaim is bound to ({@link ClaimVolumes}), is a
 * directory of the node's tree ({@link PodHost#hostFilesystem}); configMap,
 * secret, downwardAPI and projected volumes hold the files {@link VolumeContents} makes, written
 * by {@link #sync} before the first container starts and again every sync period. Those are
 * mounted read-only, as the kubelet mounts them.
 *
 * <p>A pod that went through the ServiceAccount admission has its projected {@code
 * kube-api-access-*} volume and mounts in its spec, served as any projected volume (token signed
 * here, {@code ca.crt} from the {@code kube-root-ca.crt} ConfigMap, namespace). A pod written
 * without that admission (the plugin disabled, a pod put straight into etcd) gets no token, as on
 * a kubelet: the node does not second-guess the admission, whose view of the pod's
 * ServiceAccount is the one that counts (this node's may lag behind it).
 *
 * <p>Not thread-safe: used under the pod's lock.
 */
final class PodVolumes {
    // empty maps are the shared Map.of(): most pods have no volume here, and three empty
    // LinkedHashMaps were some 170 bytes of every pod
    private final Map<String, Volume> specs;
    private final Map<String, SimulatedFilesystem> trees;
    /** The node path of each persistentVolumeClaim volume, once its claim is bound (made on the first). */
    private Map<String, String> claimPaths = Map.of();
    /** Whether a volume's files are made here (configMap, secret, downwardAPI, projected): a running pod syncs them. */
    private final boolean anyProjected;

    private final SimulatedFilesystem host;
    // the objects volumes are made of, not the stateless VolumeContents and ClaimVolumes over
    // them: those are made per sync, so that no pod holds two objects of its own for them
    private final ConfigObjects objects;
    private final ProjectedTokens tokens;

    /**
     * {@code objects}: the ConfigMaps, Secrets and claims volumes are made of; {@code tokens}: of
     * service-account token projections.
     */
    PodVolumes(Pod pod, SimulatedFilesystem host, ConfigObjects objects, ProjectedTokens tokens) {
        this.host = host;
        this.objects = objects;
        this.tokens = tokens;
        Map<String, Volume> specs = new LinkedHashMap<>();
        Map<String, SimulatedFilesystem> trees = new LinkedHashMap<>();
        boolean projected = false;
        for (Volume v : pod.getSpec().getVolumesList()) {
            specs.put(v.getName(), served(v));
            projected |= VolumeContents.isProjected(v);
            if (!v.hasHostPath() && !v.hasPersistentVolumeClaim()) {
                SimulatedFilesystem tree = SimulatedFilesystem.empty();
                if (v.hasEmptyDir() && v.getEmptyDir().getMedium().equals("Memory")) {
                    tree.limitBytes(tmpfsBytes(v, pod));
                }
                trees.put(v.getName(), tree);
            }
        }
        this.specs = specs.isEmpty() ? Map.of() : specs;
        this.trees = trees.isEmpty() ? Map.of() : trees;
        this.anyProjected = projected;
    }

    /**
     * True when a periodic {@link #sync} can change something: the pod has a configMap, secret,
     * downwardAPI or projected volume (a claim's path is found before the pod starts).
     */
    boolean needsSync() {
        return anyProjected;
    }

    /**
     * The size of a memory-backed emptyDir's tmpfs, as the kubelet mounts it
     * (SizeMemoryBackedVolumes): its {@code sizeLimit}, at most the pod's memory limit (the sum of
     * its containers' limits, when each has one); 0 (unbounded) when neither is set. Its files
     * count against that memory: a write past it fails with ENOSPC.
     */
    private static long tmpfsBytes(Volume v, Pod pod) {
        long size = v.getEmptyDir().getSizeLimit().isEmpty()
                ? 0
                : Quantity.bytes(v.getEmptyDir().getSizeLimit());
        long podLimit = 0;
        for (Container c : pod.getSpec().getContainersList()) {
            String limit = c.getResources().getLimitsMap().get("memory");
            if (limit == null) {
                return size;
            }
            podLimit += Quantity.bytes(limit);
        }
        return size == 0 ? podLimit : podLimit == 0 ? size : Math.min(size, podLimit);
    }

    /**
     * The volume as this node serves it: an admission token volume's {@value
     * ServiceAccountTokenVolume#ROOT_CA_CONFIG_MAP} source counts as optional. kube's kubelet
     * holds the pod in ContainerCreating until the controller-manager's root-ca-cert-publisher has
     * made that ConfigMap; kubelite also runs pods with no controller-manager (kubelet-sim alone,
     * tests), so the pod starts without {@code ca.crt}, which appears at a later sync once the
     * ConfigMap exists.
     */
    private static Volume served(Volume v) {
        if (!ServiceAccountTokenVolume.isTokenVolume(v) || !v.hasProjected()) {
            return v;
        }
        Volume.Builder b = v.toBuilder();
        for (VolumeProjection.Builder p : b.getProjectedBuilder().getSourcesBuilderList()) {
            if (p.hasConfigMap() && p.getConfigMap().getName().equals(ServiceAccountTokenVolume.ROOT_CA_CONFIG_MAP)) {
                p.getConfigMapBuilder().setOptional(true);
            }
        }
        return b.build();
    }

    /**
     * The bytes {@code container} writes from now on into the memory-backed emptyDirs it mounts
     * writable: tmpfs pages are charged to the memory of the cgroup that writes them. Counted as
     * what the volumes hold beyond what they held when this instance started (an approximation:
     * a sibling's writes meanwhile count too).
     */
    LongSupplier tmpfsWrittenBy(Container container) {
        List<SimulatedFilesystem> tmpfs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (VolumeMount m : container.getVolumeMountsList()) {
            Volume v = specs.get(m.getName());
            if (v != null
                    && !m.getReadOnly()
                    && v.hasEmptyDir()
                    && v.getEmptyDir().getMedium().equals("Memory")
                    && seen.add(m.getName())
                    && trees.containsKey(m.getName())) {
                tmpfs.add(trees.get(m.getName()));
            }
        }
        if (tmpfs.isEmpty()) {
            return () -> 0;
        }
        long before = tmpfs.stream().mapToLong(SimulatedFilesystem::usedBytes).sum();
        return () -> Math.max(
                0, tmpfs.stream().mapToLong(SimulatedFilesystem::usedBytes).sum() - before);
    }

    /** The bytes a pod-level volume's files hold (0 for hostPath and claim volumes, which are the node's). */
    long usedBytes(String volume) {
        SimulatedFilesystem tree = trees.get(volume);
        return tree == null ? 0 : tree.usedBytes();
    }

    /**
     * Writes the current files of every configMap, secret, downwardAPI and projected volume (one
     * that cannot be made keeps its previous files), and finds the node directory of each
     * persistentVolumeClaim volume not found yet (a claim not bound yet fails).
     *
     * @return the FailedMount message of each volume that could not be made, in kube's words
     */
    List<String> sync(Pod pod, DownwardApi downward) {
        List<String> failures = new ArrayList<>();
        for (Volume v : specs.values()) {
            if (v.hasPersistentVolumeClaim() && !claimPaths.containsKey(v.getName())) {
                try {
                    String path = new ClaimVolumes(objects).hostPath(v, pod);
                    if (claimPaths.isEmpty()) {
                        claimPaths = new LinkedHashMap<>();
                    }
                    claimPaths.put(v.getName(), path);
                } catch (ContainerConfigException e) {
                    failures.add(e.getMessage());
                }
                continue;
            }
            if (!VolumeContents.isProjected(v)) {
                continue;
            }
            try {
                SimulatedFilesystem tree = trees.get(v.getName());
                tree.replaceAll(new VolumeContents(objects, tokens)
                        .files(v, pod, downward, path -> tree.read(SimulatedFilesystem.normalize("/", path))));
            } catch (ContainerConfigException e) {
                failures.add("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage());
            }
        }
        return failures;
    }

    /**
     * Mounts the volumes {@code c} asks for into a new instance's
     * filesystem; {@code env} is the instance's environment, which {@code subPathExpr} expands.
     */
    void mountInto(Container c, Map<String, String> env, SimulatedFilesystem fs) {
        for (VolumeMount m : c.getVolumeMountsList()) {
            Volume v = specs.get(m.getName());
            if (v == null) {
                continue; // validation refuses such a pod; nothing to mount
            }
            String mountPath = SimulatedFilesystem.normalize("/", m.getMountPath());
            String subPath =
                    m.getSubPathExpr().isEmpty() ? m.getSubPath() : EnvExpansion.expand(m.getSubPathExpr(), env::get);
            mount(v, fs, mountPath, subPath, m.getReadOnly());
        }
    }

    private void mount(Volume v, SimulatedFilesystem fs, String mountPath, String subPath, boolean readOnly) {
        String sub = subPath.isEmpty() ? "/" : SimulatedFilesystem.normalize("/", subPath);
        if (v.hasHostPath()) {
            String root = SimulatedFilesystem.normalize("/", v.getHostPath().getPath() + "/" + sub);
            String type = v.getHostPath().getType();
            if (!host.exists(root)) {
                if (type.equals("FileOrCreate")) {
                    host.touch(root);
                } else {
                    host.mkdir(root, true); // DirectoryOrCreate, and "" as containerd creates a missing bind source
                }
            }
            fs.mount(mountPath, host, root, readOnly);
            return;
        }
        if (v.hasPersistentVolumeClaim()) {
            // the volume's directory in the node's tree: it outlives the pod, as a disk does
            String root = SimulatedFilesystem.normalize("/", claimPaths.get(v.getName()) + "/" + sub);
            if (!host.exists(root)) {
                host.mkdir(root, true);
            }
            fs.mount(
                    mountPath,
                    host,
                    root,
                    readOnly || v.getPersistentVolumeClaim().getReadOnly());
            return;
        }
        SimulatedFilesystem tree = trees.get(v.getName());
        if (VolumeContents.isProjected(v)) {
            // the kubelet's projected volumes are read-only; a subPath is bound to what is there at
            // start and gets no later updates
            if (!sub.equals("/")) {
                tree = tree.snapshot();
                if (!tree.exists(sub)) {
                    tree.mkdir(sub, true);
                }
            }
            fs.mount(mountPath, tree, sub, true);
            return;
        }
        if (!tree.exists(sub)) {
            tree.mkdir(sub, true); // the kubelet creates a missing subPath directory
        }
        fs.mount(mountPath, tree, sub, readOnly);
    }
}
