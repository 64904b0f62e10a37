package io.kubelite.kinds.apps.replicaset;

import io.kubelite.api.ReplicaSet;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** ReplicaSets ({@code apps/v1}, namespaced), with the status and scale subresources. */
public final class ReplicaSetKind {
    public static final Resource<ReplicaSet> RESOURCE = new Resource<>(
            "apps", "v1", "ReplicaSet", "replicasets", true, ReplicaSet.getDefaultInstance(), List.of("rs"));

    public static final Kind<ReplicaSet> KIND = Kind.of(RESOURCE)
            .strategy(new ReplicaSetStrategy())
            .columns(ReplicaSetColumns.COLUMNS)
            .subresources(
                    Subresource.status(),
                    Subresource.of("scale", "get", "patch", "update").exchanging("autoscaling", "v1", "Scale"))
            .build();

    private ReplicaSetKind() {}
}
