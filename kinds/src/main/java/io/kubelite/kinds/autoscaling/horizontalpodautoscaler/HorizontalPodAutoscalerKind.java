package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/**
 * HorizontalPodAutoscalers at {@code autoscaling/v2}, their storage and preferred version
 * (namespaced, short name {@code hpa}, status subresource, category {@code all}), with kubectl's
 * columns ({@code printHorizontalPodAutoscaler}). {@code autoscaling/v1} serves the same objects
 * ({@link HorizontalPodAutoscalerV1Kind}). The controller-manager's {@code horizontalpodautoscaling}
 * controller writes their status and scales their targets.
 */
public final class HorizontalPodAutoscalerKind {
    public static final Resource<HorizontalPodAutoscaler> RESOURCE = new Resource<>(
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            true,
            HorizontalPodAutoscaler.getDefaultInstance(),
            List.of("hpa"));

    static final List<Column<HorizontalPodAutoscaler>> COLUMNS = List.of(
            Cells.name(HorizontalPodAutoscaler::getMetadata),
            Column.of(
                    "Reference",
                    "string",
                    "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics"
                            + " should be collected, as well as to actually change the replica count.",
                    (h, now) -> h.getSpec().getScaleTargetRef().getKind() + "/"
                            + h.getSpec().getScaleTargetRef().getName()),
            Column.of(
                    "Targets",
                    "string",
                    "metrics contains the specifications for which to use to calculate the desired replica count"
                            + " (the maximum replica count across all metrics will be used).",
                    (h, now) -> MetricsCell.format(
                            h.getSpec().getMetricsList(), h.getStatus().getCurrentMetricsList())),
            Column.of(
                    "MinPods",
                    "string",
                    "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale"
                            + " down.  It defaults to 1 pod.",
                    (h, now) -> h.getSpec().hasMinReplicas()
                            ? String.valueOf(h.getSpec().getMinReplicas())
                            : "<unset>"),
            Column.of(
                    "MaxPods",
                    "integer",
                    "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."
                            + " It cannot be less that minReplicas.",
                    (h, now) -> (long) h.getSpec().getMaxReplicas()),
            Column.of(
                    "Replicas",
                    "integer",
                    "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen"
                            + " by the autoscaler.",
                    (h, now) -> (long) h.getStatus().getCurrentReplicas()),
            Cells.age(HorizontalPodAutoscaler::getMetadata));

    public static final Kind<HorizontalPodAutoscaler> KIND = Kind.of(RESOURCE)
            .strategy(new HorizontalPodAutoscalerStrategy())
            .columns(COLUMNS)
            .subresources(Subresource.status())
            .categories("all")
            .build();

    private HorizontalPodAutoscalerKind() {}
}
