package io.kubelite.scheduler.plugins;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.api.StorageClass;
import io.kubelite.api.Volume;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;
import io.kubelite.kinds.core.persistentvolume.VolumeNodeAffinity;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.PreFilterPlugin;
import io.kubelite.scheduler.framework.Status;
import io.kubelite.scheduler.framework.StorageView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube-scheduler's VolumeBinding plugin (filter half): a pod's {@code persistentVolumeClaim}
 * volumes must name existing claims that are not being deleted; an unbound claim of an
 * Immediate class rejects the pod everywhere ({@value #UNBOUND_IMMEDIATE}); a bound claim's
 * volume must be reachable from the node ({@value #NODE_CONFLICT}); an unbound
 * WaitForFirstConsumer claim needs, from the node, a matching available volume or a class with a
 * provisioner whose allowed topologies admit the node ({@value #NO_VOLUME}). Which claims the
 * binding step then marks with the chosen node is {@link #claimsToSelectNode}.
 */
public final class VolumeBindingFilter implements PreFilterPlugin, FilterPlugin {
    public static final String NAME = "VolumeBinding";
    public static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    public static final String NODE_CONFLICT = "node(s) had volume node affinity conflict";
    public static final String NO_VOLUME = "node(s) didn't find available persistent volumes to bind";
    /** kube's class provisioner for static local volumes: it never provisions. */
    static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

    private static final String STATE_KEY = NAME + "/claims";

    private final StorageView storage;

    public VolumeBindingFilter(StorageView storage) {
        this.storage = storage;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A pod's claims, as PreFilter sorted them. */
    record PodClaims(List<PersistentVolumeClaim> bound, List<PersistentVolumeClaim> delayed) {}

    @Override
    public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> allNodes) {
        List<PersistentVolumeClaim> bound = new ArrayList<>();
        List<PersistentVolumeClaim> delayed = new ArrayList<>();
        boolean any = false;
        for (Volume v : pod.pod().getSpec().getVolumesList()) {
            if (!v.hasPersistentVolumeClaim()) {
                continue;
            }
            any = true;
            String name = v.getPersistentVolumeClaim().getClaimName();
            Optional<PersistentVolumeClaim> c =
                    storage.claim(pod.pod().getMetadata().getNamespace(), name);
            if (c.isEmpty()) {
                return Status.unresolvable(NAME, "persistentvolumeclaim \"" + name + "\" not found");
            }
            if (c.get().getMetadata().hasDeletionTimestamp()) {
                return Status.unresolvable(NAME, "persistentvolumeclaim \"" + name + "\" is being deleted");
            }
            if (!c.get().getSpec().getVolumeName().isEmpty()) {
                bound.add(c.get());
                continue;
            }
            String className = VolumeBinding.claimClass(c.get());
            Optional<StorageClass> sc = className.isEmpty() ? Optional.empty() : storage.storageClass(className);
            if (!className.isEmpty() && sc.isEmpty()) {
                return Status.unresolvable(NAME, "storageclass.storage.k8s.io \"" + className + "\" not found");
            }
            if (sc.isPresent()
                    && StorageClassKind.WAIT_FOR_FIRST_CONSUMER.equals(StorageClassKind.bindingMode(sc.get()))) {
                delayed.add(c.get());
            } else {
                return Status.unresolvable(NAME, UNBOUND_IMMEDIATE);
            }
        }
        if (!any) {
            return Status.SKIP;
        }
        state.write(STATE_KEY, new PodClaims(bound, delayed));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        PodClaims claims = state.read(STATE_KEY, PodClaims.class);
        if (claims == null) {
            return Status.SUCCESS;
        }
        String nodeName = node.name();
        Map<String, String> labels =
                node.node() == null ? Map.of() : node.node().getMetadata().getLabelsMap();
        for (PersistentVolumeClaim c : claims.bound()) {
            Optional<PersistentVolume> pv = storage.volume(c.getSpec().getVolumeName());
            if (pv.isEmpty()) {
                return Status.unresolvable(
                        NAME, "persistentvolume \"" + c.getSpec().getVolumeName() + "\" not found");
            }
            if (!VolumeNodeAffinity.allows(pv.get(), nodeName, labels)) {
                return Status.unresolvable(NAME, NODE_CONFLICT);
            }
        }
        for (PersistentVolumeClaim c : claims.delayed()) {
            boolean staticMatch = VolumeBinding.findMatch(
                            c, storage.volumes(), pv -> VolumeNodeAffinity.allows(pv, nodeName, labels))
                    .filter(pv -> VolumeNodeAffinity.allows(pv, nodeName, labels))
                    .isPresent();
            if (!staticMatch && !provisionable(c, labels)) {
                return Status.unschedulable(NAME, NO_VOLUME);
            }
        }
        return Status.SUCCESS;
    }

    /** kube's {@code checkVolumeProvisions}: a class with a provisioner whose allowed topologies admit the node. */
    private boolean provisionable(PersistentVolumeClaim c, Map<String, String> labels) {
        StorageClass sc = storage.storageClass(VolumeBinding.claimClass(c)).orElse(null);
        if (sc == null || sc.getProvisioner().isEmpty() || NO_PROVISIONER.equals(sc.getProvisioner())) {
            return false;
        }
        if (sc.getAllowedTopologiesCount() == 0) {
            return true;
        }
        return sc.getAllowedTopologiesList().stream()
                .anyMatch(term -> term.getMatchLabelExpressionsList().stream()
                        .allMatch(r -> r.getValuesList().contains(labels.get(r.getKey()))));
    }

    /**
     * The claims of {@code pod} that the binding step annotates with the chosen node
     * ({@value VolumeBinding#SELECTED_NODE}), so that the PV controller binds or provisions
     * them there: its unbound WaitForFirstConsumer claims.
     */
    public List<PersistentVolumeClaim> claimsToSelectNode(Pod pod) {
        List<PersistentVolumeClaim> out = new ArrayList<>();
        for (Volume v : pod.getSpec().getVolumesList()) {
            if (!v.hasPersistentVolumeClaim()) {
                continue;
            }
            storage.claim(
                            pod.getMetadata().getNamespace(),
                            v.getPersistentVolumeClaim().getClaimName())
                    .filter(c -> c.getSpec().getVolumeName().isEmpty())
                    .filter(c -> storage.storageClass(VolumeBinding.claimClass(c))
                            .map(sc ->
                                    StorageClassKind.WAIT_FOR_FIRST_CONSUMER.equals(StorageClassKind.bindingMode(sc)))
                            .orElse(false))
                    .ifPresent(out::add);
        }
        return out;
    }
}
