package io.kubelite.controllers.daemon;

import io.kubelite.api.Affinity;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.NodeAffinity;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodStatus;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.QosClass;
import io.kubelite.api.Toleration;
import io.kubelite.controllers.util.RevisionHistory;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import java.util.List;

/**
 * The pods a DaemonSet creates and how it recognises them (kube's {@code pkg/controller/daemon/util}):
 * the template plus the DaemonSet tolerations ({@code AddOrUpdateDaemonPodTolerations}), the
 * {@code pod-template-generation} and {@code controller-revision-hash} labels
 * ({@code CreatePodTemplate}), and a required node affinity {@code matchFields metadata.name In
 * [node]} that replaces the template's required terms ({@code ReplaceDaemonSetPodNodeNameNodeAffinity})
 * so that the scheduler binds the pod to its node.
 */
final class DaemonPods {
    static final String TEMPLATE_GENERATION_LABEL = "pod-template-generation";
    static final String REVISION_HASH_LABEL = "controller-revision-hash";

    private static final List<Toleration> DAEMON_TOLERATIONS = List.of(
            exists("node.kubernetes.io/not-ready", "NoExecute"),
            exists("node.kubernetes.io/unreachable", "NoExecute"),
            exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
            exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
            exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
            exists("node.kubernetes.io/unschedulable", "NoSchedule"));
    private static final Toleration NETWORK_UNAVAILABLE =
            exists("node.kubernetes.io/network-unavailable", "NoSchedule");

    private DaemonPods() {}

    private static Toleration exists(String key, String effect) {
        return Toleration.newBuilder()
                .setKey(key)
                .setOperator("Exists")
                .setEffect(effect)
                .build();
    }

    /** The spec with kube's DaemonSet tolerations added, each unless an equal one is there already. */
    static PodSpec withTolerations(PodSpec spec) {
        PodSpec.Builder b = spec.toBuilder();
        for (Toleration t : DAEMON_TOLERATIONS) {
            add(b, t);
        }
        if (spec.getHostNetwork()) {
            add(b, NETWORK_UNAVAILABLE);
        }
        return b.build();
    }

    private static void add(PodSpec.Builder b, Toleration t) {
        for (Toleration have : b.getTolerationsList()) {
            if (have.getKey().equals(t.getKey())
                    && have.getEffect().equals(t.getEffect())
                    && have.getOperator().equals(t.getOperator())
                    && have.getValue().equals(t.getValue())) {
                return;
            }
        }
        b.addTolerations(t);
    }

    /**
     * The hash a new ControllerRevision of the DaemonSet's template is named and labelled with (kube's
     * {@code ComputeHash(template, collisionCount)}). The pods carry the current revision's label
     * ({@link DaemonSetHistory}), which is this hash unless the revision was made under another
     * collision count.
     */
    static String hash(DaemonSet ds) {
        Integer collisions = ds.getStatus().hasCollisionCount() ? ds.getStatus().getCollisionCount() : null;
        return RevisionHistory.hash(ds.getSpec().getTemplate(), collisions);
    }

    /** kube's {@code IsPodUpdated}: the pod carries the current hash or the current template generation. */
    static boolean isUpdated(Pod p, String hash, long templateGeneration) {
        var labels = p.getMetadata().getLabelsMap();
        boolean generationMatches = templateGeneration > 0
                && Long.toString(templateGeneration).equals(labels.get(TEMPLATE_GENERATION_LABEL));
        return generationMatches || (!hash.isEmpty() && hash.equals(labels.get(REVISION_HASH_LABEL)));
    }

    /** kube's {@code GetTargetNodeName}: the bound node, else the node of the {@code metadata.name} affinity; "" if neither. */
    static String targetNode(Pod p) {
        if (!p.getSpec().getNodeName().isEmpty()) {
            return p.getSpec().getNodeName();
        }
        var spec = p.getSpec();
        if (!spec.hasAffinity()
                || !spec.getAffinity().hasNodeAffinity()
                || !spec.getAffinity().getNodeAffinity().hasRequiredDuringSchedulingIgnoredDuringExecution()) {
            return "";
        }
        for (NodeSelectorTerm t : spec.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTermsList()) {
            for (NodeSelectorRequirement r : t.getMatchFieldsList()) {
                if (r.getKey().equals("metadata.name") && r.getOperator().equals("In") && r.getValuesCount() == 1) {
                    return r.getValues(0);
                }
            }
        }
        return "";
    }

    /** The pod to create for {@code node}: written straight to etcd, so defaulted and admitted here as the API server would. */
    static Pod forNode(DaemonSet ds, String node, String hash, OwnerReference owner) {
        PodTemplateSpec t = ds.getSpec().getTemplate();
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setGenerateName(ds.getMetadata().getName() + "-")
                .setNamespace(ds.getMetadata().getNamespace())
                .putAllLabels(t.getMetadata().getLabelsMap())
                .putAllAnnotations(t.getMetadata().getAnnotationsMap())
                .addAllFinalizers(t.getMetadata().getFinalizersList())
                .addOwnerReferences(owner);
        long gen = DaemonSetKind.templateGeneration(ds);
        if (gen > 0) {
            m.putLabels(TEMPLATE_GENERATION_LABEL, Long.toString(gen));
        }
        m.putLabels(REVISION_HASH_LABEL, hash);
        PodSpec.Builder spec = withTolerations(t.getSpec()).toBuilder();
        spec.setAffinity(withNodeName(t.getSpec().getAffinity(), node));
        PodSpec admitted = PodSpecDefaults.admission(PodSpecDefaults.scheme(spec.build()));
        return Pod.newBuilder()
                .setMetadata(m)
                .setSpec(admitted)
                .setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(admitted)))
                .build();
    }

    /** kube's {@code ReplaceDaemonSetPodNodeNameNodeAffinity}. */
    static Affinity withNodeName(Affinity a, String node) {
        NodeSelector sel = NodeSelector.newBuilder()
                .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                        .addMatchFields(NodeSelectorRequirement.newBuilder()
                                .setKey("metadata.name")
                                .setOperator("In")
                                .addValues(node)))
                .build();
        Affinity.Builder b = a.toBuilder();
        NodeAffinity.Builder na = b.getNodeAffinityBuilder();
        na.setRequiredDuringSchedulingIgnoredDuringExecution(sel);
        return b.build();
    }
}
