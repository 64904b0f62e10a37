package io.kubelite.kinds.apps.statefulset;

import io.kubelite.api.StatefulSet;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** StatefulSets ({@code apps/v1}, namespaced, short name {@code sts}), with the status and scale subresources. */
public final class StatefulSetKind {
    public static final Resource<StatefulSet> RESOURCE = new Resource<>(
            "apps", "v1", "StatefulSet", "statefulsets", true, StatefulSet.getDefaultInstance(), List.of("sts"));

    public static final Kind<StatefulSet> KIND = Kind.of(RESOURCE)
            .strategy(new StatefulSetStrategy())
            .columns(StatefulSetColumns.COLUMNS)
            .subresources(
                    Subresource.status(),
                    Subresource.of("scale", "get", "patch", "update").exchanging("autoscaling", "v1", "Scale"))
            .build();

    /** {@code spec.replicas}, 1 when unset. */
    public static int replicas(StatefulSet s) {
        return s.getSpec().hasReplicas() ? s.getSpec().getReplicas() : 1;
    }

    private StatefulSetKind() {}
}
