package io.kubelite.kinds.apps.daemonset;

import io.kubelite.api.DaemonSet;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** DaemonSets ({@code apps/v1}, namespaced, short name {@code ds}), with the status subresource. */
public final class DaemonSetKind {
    public static final Resource<DaemonSet> RESOURCE = new Resource<>(
            "apps", "v1", "DaemonSet", "daemonsets", true, DaemonSet.getDefaultInstance(), List.of("ds"));

    public static final Kind<DaemonSet> KIND = Kind.of(RESOURCE)
            .strategy(new DaemonSetStrategy())
            .columns(DaemonSetColumns.COLUMNS)
            .subresources(Subresource.status())
            .build();

    /**
     * apps/v1's spelling of kube's internal {@code spec.templateGeneration}: set to 1 on create and
     * bumped by the API server on every change of the pod template; the controller copies it to
     * its pods' {@code pod-template-generation} label.
     */
    public static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

    /** {@code metadata.annotations[deprecated.daemonset.template.generation]}, 0 when absent or garbled. */
    public static long templateGeneration(DaemonSet ds) {
        try {
            return Long.parseLong(ds.getMetadata().getAnnotationsOrDefault(TEMPLATE_GENERATION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private DaemonSetKind() {}
}
