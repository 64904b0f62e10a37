package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.Pod;
import io.kubelite.api.autoscaling.v2.ContainerResourceMetricStatus;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricStatus;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.MetricValueStatus;
import io.kubelite.api.autoscaling.v2.ResourceMetricStatus;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.MetricsUnavailableException;
import java.util.List;

/**
 * One metric's replica proposal, kube's {@code computeReplicasForMetric}: Resource and ContainerResource
 * metrics (Utilization or AverageValue targets) through the {@link PodMetricsSource} and the
 * {@link ReplicaCalculator}; Pods, Object and External metrics fail with kube's reasons, since kubelite
 * has no custom or external metrics API. A failure carries the condition reason, the message the
 * condition and Event show, and the wrapped one kube's FailedComputeMetricsReplicas Event quotes.
 */
final class MetricProposals {
    /** Why a metric gave no proposal. */
    record Failure(String reason, String error, String wrapped) {}

    /** A proposal, or a failure. */
    record Result(int replicas, String metricName, MetricStatus status, Failure failure) {
        static Result failed(String reason, String error, String wrapped) {
            return new Result(-1, "", null, new Failure(reason, error, wrapped));
        }
    }

    private static final String NO_CUSTOM_METRICS =
            "kubelite serves no custom or external metrics API (custom.metrics.k8s.io, external.metrics.k8s.io);"
                    + " only Resource and ContainerResource metrics are supported";

    private final PodMetricsSource source;
    private final ReplicaCalculator calculator;

    MetricProposals(PodMetricsSource source, ReplicaCalculator calculator) {
        this.source = source;
        this.calculator = calculator;
    }

    Result propose(MetricSpec m, int current, String namespace, String selector, List<Pod> pods) {
        switch (m.getType()) {
            case "Resource" -> {
                String name = m.getResource().getName();
                Result r = resource(m.getResource().getTarget(), name, null, current, namespace, selector, pods);
                if (r.failure() != null) {
                    return Result.failed(
                            "FailedGetResourceMetric",
                            r.failure().error(),
                            "failed to get " + name + " resource metric value: "
                                    + r.failure().error());
                }
                return new Result(
                        r.replicas(),
                        r.metricName(),
                        MetricStatus.newBuilder()
                                .setType("Resource")
                                .setResource(ResourceMetricStatus.newBuilder()
                                        .setName(name)
                                        .setCurrent(r.status().getResource().getCurrent()))
                                .build(),
                        null);
            }
            case "ContainerResource" -> {
                var src = m.getContainerResource();
                Result r = resource(
                        src.getTarget(), src.getName(), src.getContainer(), current, namespace, selector, pods);
                if (r.failure() != null) {
                    return Result.failed(
                            "FailedGetContainerResourceMetric",
                            r.failure().error(),
                            "failed to get " + src.getName() + " container metric value: "
                                    + r.failure().error());
                }
                return new Result(
                        r.replicas(),
                        r.metricName(),
                        MetricStatus.newBuilder()
                                .setType("ContainerResource")
                                .setContainerResource(ContainerResourceMetricStatus.newBuilder()
                                        .setName(src.getName())
                                        .setContainer(src.getContainer())
                                        .setCurrent(r.status().getResource().getCurrent()))
                                .build(),
                        null);
            }
            case "Pods" -> {
                String e = "unable to get metric " + m.getPods().getMetric().getName() + ": " + NO_CUSTOM_METRICS;
                return Result.failed("FailedGetPodsMetric", e, "failed to get pods metric value: " + e);
            }
            case "Object" -> {
                String e = "unable to get metric " + m.getObject().getMetric().getName() + ": " + NO_CUSTOM_METRICS;
                return Result.failed("FailedGetObjectMetric", e, "failed to get object metric value: " + e);
            }
            case "External" -> {
                String e = "unable to get external metric "
                        + m.getExternal().getMetric().getName() + ": " + NO_CUSTOM_METRICS;
                return Result.failed("FailedGetExternalMetric", e, "failed to get external metric value: " + e);
            }
            default -> {
                String e = "unknown metric source type \"" + m.getType() + "\"";
                return Result.failed("InvalidMetricSourceType", e, e);
            }
        }
    }

    /** kube's {@code computeStatusForResourceMetricGeneric}; the status is returned in a Resource wrapper. */
    private Result resource(
            MetricTarget target,
            String resource,
            String container,
            int current,
            String namespace,
            String selector,
            List<Pod> pods) {
        if (!target.getAverageValue().isEmpty()) {
            try {
                long targetMilli = PodResourceMetrics.milliValue(target.getAverageValue());
                PodResourceMetrics.Result fetched = fetch(resource, container, namespace, selector);
                ReplicaCalculator.Proposal p =
                        calculator.rawResourceReplicas(current, targetMilli, resource, fetched, pods);
                MetricValueStatus v = MetricValueStatus.newBuilder()
                        .setAverageValue(milliQuantity(p.rawAverage()))
                        .build();
                return new Result(p.replicas(), resource + " resource", wrap(v), null);
            } catch (MetricsUnavailableException | ReplicaCalculator.ComputeException e) {
                return Result.failed("", "failed to get " + resource + " usage: " + e.getMessage(), null);
            }
        }
        if (!target.hasAverageUtilization()) {
            return Result.failed(
                    "",
                    "invalid resource metric source: neither an average utilization target nor an average value"
                            + " (usage) target was set",
                    null);
        }
        try {
            PodResourceMetrics.Result fetched = fetch(resource, container, namespace, selector);
            ReplicaCalculator.Proposal p = calculator.resourceReplicas(
                    current, target.getAverageUtilization(), resource, container, fetched, pods);
            MetricValueStatus v = MetricValueStatus.newBuilder()
                    .setAverageUtilization(p.utilization())
                    .setAverageValue(milliQuantity(p.rawAverage()))
                    .build();
            String name = container == null
                    ? resource + " resource utilization (percentage of request)"
                    : resource + " container resource utilization (percentage of request)";
            return new Result(p.replicas(), name, wrap(v), null);
        } catch (MetricsUnavailableException | ReplicaCalculator.ComputeException e) {
            return Result.failed("", "failed to get " + resource + " utilization: " + e.getMessage(), null);
        }
    }

    private PodResourceMetrics.Result fetch(String resource, String container, String namespace, String selector)
            throws MetricsUnavailableException {
        try {
            return PodResourceMetrics.of(source.list(namespace, selector), resource, container);
        } catch (MetricsUnavailableException e) {
            String inner = e.getMessage().startsWith("no metrics returned")
                    ? e.getMessage()
                    : "unable to fetch metrics from resource metrics API: " + e.getMessage();
            throw new MetricsUnavailableException("unable to get metrics for resource " + resource + ": " + inner, e);
        }
    }

    private static MetricStatus wrap(MetricValueStatus v) {
        return MetricStatus.newBuilder()
                .setResource(ResourceMetricStatus.newBuilder().setCurrent(v))
                .build();
    }

    /** kube's {@code resource.NewMilliQuantity(v, DecimalSI).String()}: {@code 450m}, {@code 2}, {@code 128M}. */
    static String milliQuantity(long milli) {
        if (milli % 1000 != 0) {
            return milli + "m";
        }
        long v = milli / 1000;
        String[] suffixes = {"", "k", "M", "G", "T", "P", "E"};
        int i = 0;
        while (v != 0 && v % 1000 == 0 && i < suffixes.length - 1) {
            v /= 1000;
            i++;
        }
        return v + suffixes[i];
    }
}
