package io.kubelite.controllers.namespace;

import io.kubelite.api.Namespace;
import io.kubelite.api.NamespaceCondition;
import io.kubelite.api.NamespaceStatus;
import io.kubelite.controllers.util.Times;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * kube's conditions of a terminating namespace (pkg/controller/namespace/deletion/status_condition_utils.go),
 * with its types, reasons and messages, from what a pass over its content found; every type is
 * always set, True while its problem lasts.
 */
final class NamespaceConditions {
    private NamespaceConditions() {}

    static List<NamespaceCondition> of(NamespaceContent c) {
        return List.of(
                c.discoveryFailure == null
                        ? cond(
                                "NamespaceDeletionDiscoveryFailure",
                                false,
                                "ResourcesDiscovered",
                                "All resources successfully discovered")
                        : cond(
                                "NamespaceDeletionDiscoveryFailure",
                                true,
                                "DiscoveryFailed",
                                "Discovery failed for some groups, 1 failing: " + c.discoveryFailure),
                cond(
                        "NamespaceDeletionGroupVersionParsingFailure",
                        false,
                        "ParsedGroupVersions",
                        "All legacy kube types successfully parsed"),
                c.failures.isEmpty()
                        ? cond(
                                "NamespaceDeletionContentFailure",
                                false,
                                "ContentDeleted",
                                "All content successfully deleted, may be waiting on finalization")
                        : cond(
                                "NamespaceDeletionContentFailure",
                                true,
                                "ContentDeletionFailed",
                                "Failed to delete all resource types, " + c.failures.size() + " remaining: "
                                        + String.join(", ", c.failures.values())),
                c.remaining.isEmpty()
                        ? cond("NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed")
                        : cond(
                                "NamespaceContentRemaining",
                                true,
                                "SomeResourcesRemain",
                                "Some resources are remaining: " + join(c.remaining, "%s has %d resource instances")),
                c.finalizers.isEmpty()
                        ? cond(
                                "NamespaceFinalizersRemaining",
                                false,
                                "ContentHasNoFinalizers",
                                "All content-preserving finalizers finished")
                        : cond(
                                "NamespaceFinalizersRemaining",
                                true,
                                "SomeFinalizersRemain",
                                "Some content in the namespace has finalizers remaining: "
                                        + join(c.finalizers, "%s in %d resource instances")));
    }

    /** {@code ns} with {@code conds} set; a condition whose status is unchanged keeps its transition time. */
    static Namespace apply(Namespace ns, List<NamespaceCondition> conds) {
        NamespaceStatus.Builder st = ns.getStatus().toBuilder();
        for (NamespaceCondition c : conds) {
            boolean found = false;
            for (int i = 0; i < st.getConditionsCount(); i++) {
                NamespaceCondition old = st.getConditions(i);
                if (old.getType().equals(c.getType())) {
                    found = true;
                    if (!old.getStatus().equals(c.getStatus())
                            || !old.getReason().equals(c.getReason())
                            || !old.getMessage().equals(c.getMessage())) {
                        st.setConditions(
                                i,
                                c.toBuilder()
                                        .setLastTransitionTime(
                                                old.getStatus().equals(c.getStatus())
                                                        ? old.getLastTransitionTime()
                                                        : Times.nowSeconds()));
                    }
                }
            }
            if (!found) {
                st.addConditions(c.toBuilder().setLastTransitionTime(Times.nowSeconds()));
            }
        }
        return ns.toBuilder().setStatus(st).build();
    }

    private static String join(Map<String, Integer> counts, String format) {
        return counts.entrySet().stream()
                .map(e -> String.format(format, e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static NamespaceCondition cond(String type, boolean status, String reason, String message) {
        return NamespaceCondition.newBuilder()
                .setType(type)
                .setStatus(status ? "True" : "False")
                .setReason(reason)
                .setMessage(message)
                .build();
    }
}
