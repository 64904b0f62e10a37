package io.kubelite.controllers.disruption;

import com.google.protobuf.Value;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.controllers.util.Pods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * kube's {@code getExpectedPodCount}: how many pods a budget expects and how many of them must
 * be healthy. An integer minAvailable counts the selected pods; a percentage or a maxUnavailable
 * needs the scale of the pods' controllers — for pods owned by ReplicaSets the ReplicaSet's
 * {@code spec.replicas} (kubelite has no Deployments, StatefulSets or ReplicationControllers to
 * look through). Percentages are rounded up, as {@code GetScaledValueFromIntOrPercent(.., true)}.
 *
 * @param expected the expected pod count
 * @param desiredHealthy the pods that must stay healthy
 * @param unmanaged the selected pods with no controller (kube warns about them and goes on)
 */
record ExpectedPods(int expected, int desiredHealthy, List<String> unmanaged) {

    /** Thrown when a selected pod's controller cannot be found or read: the budget fails safe. */
    static final class NoController extends Exception {
        NoController(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code replicaSets} answers the ReplicaSet of a namespace and name, if known. */
    static ExpectedPods of(
            PodDisruptionBudget pdb, List<Pod> pods, BiFunction<String, String, Optional<ReplicaSet>> replicaSets)
            throws NoController {
        PodDisruptionBudgetSpec spec = pdb.getSpec();
        List<String> unmanaged = new ArrayList<>();
        if (spec.hasMaxUnavailable()) {
            int expected = scale(pods, replicaSets, unmanaged);
            int desired = Math.max(0, expected - scaled(spec.getMaxUnavailable(), expected));
            return new ExpectedPods(expected, desired, unmanaged);
        }
        if (spec.hasMinAvailable()) {
            Value min = spec.getMinAvailable();
            if (min.hasNumberValue()) {
                return new ExpectedPods(pods.size(), (int) min.getNumberValue(), unmanaged);
            }
            int expected = scale(pods, replicaSets, unmanaged);
            return new ExpectedPods(expected, scaled(min, expected), unmanaged);
        }
        return new ExpectedPods(0, 0, unmanaged);
    }

    /** kube's {@code getExpectedScale}: the sum of the scales of the pods' distinct controllers. */
    private static int scale(
            List<Pod> pods, BiFunction<String, String, Optional<ReplicaSet>> replicaSets, List<String> unmanaged)
            throws NoController {
        Map<String, Integer> byController = new LinkedHashMap<>();
        for (Pod p : pods) {
            Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
            if (ref.isEmpty()) {
                unmanaged.add(p.getMetadata().getName());
                continue;
            }
            OwnerReference o = ref.get();
            if (byController.containsKey(o.getUid())) {
                continue;
            }
            Optional<ReplicaSet> rs = o.getKind().equals("ReplicaSet")
                    ? replicaSets
                            .apply(p.getMetadata().getNamespace(), o.getName())
                            .filter(r -> r.getMetadata().getUid().equals(o.getUid()))
                    : Optional.empty();
            if (rs.isEmpty()) {
                throw new NoController(
                        "found no controllers for pod \"" + p.getMetadata().getName() + "\"");
            }
            byController.put(
                    o.getUid(),
                    rs.get().getSpec().hasReplicas() ? rs.get().getSpec().getReplicas() : 1);
        }
        return byController.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** An int as is, a percentage of {@code total} rounded up. */
    private static int scaled(Value v, int total) throws NoController {
        if (v.hasNumberValue()) {
            return (int) v.getNumberValue();
        }
        String s = v.getStringValue();
        if (!s.endsWith("%")) {
            throw new NoController("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        try {
            int pct = Integer.parseInt(s.substring(0, s.length() - 1));
            return (int) Math.ceil(pct * total / 100.0);
        } catch (NumberFormatException e) {
            throw new NoController("invalid value \"" + s + "\": " + e.getMessage());
        }
    }
}
