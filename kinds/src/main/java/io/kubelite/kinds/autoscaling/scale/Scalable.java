package io.kubelite.kinds.autoscaling.scale;

import com.google.protobuf.Message;
import io.kubelite.api.CustomObject;
import io.kubelite.api.Deployment;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.StatefulSet;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the autoscaling/v1 {@code scale} subresource reads and writes of a kind that has one:
 * {@code spec.replicas} (unset = 1), {@code status.replicas} and the selector (in its string
 * form, {@link ScaleSelectors}); a custom resource's from its CRD's scale paths. Shared by the API
 * server's {@code /scale} handler and the HorizontalPodAutoscaler controller, so both read and
 * write the same fields.
 */
public record Scalable<T extends Message>(
        Resource<T> resource,
        Function<T, Integer> specReplicas,
        BiFunction<T, Integer, T> withReplicas,
        Function<T, Integer> statusReplicas,
        Function<T, String> selector) {

    private static final Scalable<ReplicaSet> REPLICA_SETS = new Scalable<>(
            ReplicaSetKind.RESOURCE,
            rs -> rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1,
            (rs, n) -> {
                ReplicaSet.Builder b = rs.toBuilder();
                b.getSpecBuilder().setReplicas(n);
                return b.build();
            },
            rs -> rs.getStatus().getReplicas(),
            rs -> ScaleSelectors.format(rs.getSpec().getSelector()));

    private static final Scalable<Deployment> DEPLOYMENTS = new Scalable<>(
            DeploymentKind.RESOURCE,
            d -> d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1,
            (d, n) -> {
                Deployment.Builder b = d.toBuilder();
                b.getSpecBuilder().setReplicas(n);
                return b.build();
            },
            d -> d.getStatus().getReplicas(),
            d -> ScaleSelectors.format(d.getSpec().getSelector()));

    private static final Scalable<StatefulSet> STATEFUL_SETS = new Scalable<>(
            StatefulSetKind.RESOURCE,
            StatefulSetKind::replicas,
            (s, n) -> {
                StatefulSet.Builder b = s.toBuilder();
                b.getSpecBuilder().setReplicas(n);
                return b.build();
            },
            s -> s.getStatus().getReplicas(),
            s -> ScaleSelectors.format(s.getSpec().getSelector()));

    /** The scale view of {@code r}, if it has one. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> Optional<Scalable<T>> of(Resource<T> r) {
        if (r == ReplicaSetKind.RESOURCE) {
            return Optional.of((Scalable<T>) REPLICA_SETS);
        }
        if (r == DeploymentKind.RESOURCE) {
            return Optional.of((Scalable<T>) DEPLOYMENTS);
        }
        if (r == StatefulSetKind.RESOURCE) {
            return Optional.of((Scalable<T>) STATEFUL_SETS);
        }
        if (r.custom()) {
            Resource<CustomObject> cr = (Resource<CustomObject>) r;
            return CustomResourceKinds.scale(Kinds.of(cr)).map(sc -> (Scalable<T>)
                    new Scalable<>(cr, sc::specReplicas, sc::withReplicas, sc::statusReplicas, sc::selector));
        }
        return Optional.empty();
    }
}
