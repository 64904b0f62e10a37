package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.kinds.autoscaling.scale.ScaleSelectors;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.store.events.EventRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one HPA, kube's {@code reconcileAutoscaler}: read the target's scale (AbleToScale),
 * compute every metric's proposal and take the largest (ScalingActive), normalize it (stabilization
 * and rate limits: AbleToScale's reason, ScalingLimited), write the new count through the scale, and
 * return the status to write with the Events kube records. Not thread-safe: one per sync.
 */
final class AutoscalerSync {
    private static final Logger LOG = LoggerFactory.getLogger(AutoscalerSync.class);

    private final HorizontalPodAutoscaler hpa;
    private final String key;
    private final ScaleTargets targets;
    private final MetricProposals metrics;
    private final ScaleNormalizer normalizer;
    private final Function<Selector, List<Pod>> podsOf;
    private final EventRecorder recorder;
    private final ObjectReference ref;
    private final Instant now;
    private final HpaConditions conditions;

    AutoscalerSync(
            HorizontalPodAutoscaler hpa,
            ScaleTargets targets,
            MetricProposals metrics,
            ScaleNormalizer normalizer,
            Function<Selector, List<Pod>> podsOf,
            EventRecorder recorder,
            Instant now) {
        this.hpa = hpa;
        this.key = hpa.getMetadata().getNamespace() + "/" + hpa.getMetadata().getName();
        this.targets = targets;
        this.metrics = metrics;
        this.normalizer = normalizer;
        this.podsOf = podsOf;
        this.recorder = recorder;
        this.ref = EventRecorder.ref(
                HorizontalPodAutoscalerKind.RESOURCE.apiVersion(),
                HorizontalPodAutoscalerKind.RESOURCE.kind(),
                hpa.getMetadata());
        this.now = now;
        this.conditions = new HpaConditions(hpa.getStatus().getConditionsList(), now);
    }

    HorizontalPodAutoscalerStatus run() {
        // the API server never stores an invalid HPA, but etcd may hold anything: act on none of it
        FieldErrors errs = new FieldErrors();
        HorizontalPodAutoscalerKind.KIND.strategy().validate(hpa, errs);
        if (hpa.getSpec().getMetricsCount() == 0) {
            errs.required("spec.metrics");
        }
        if (!errs.isEmpty()) {
            String msg = "the HPA's spec is invalid: "
                    + errs.list().stream()
                            .map(e -> e.field() + ": " + e.message())
                            .collect(java.util.stream.Collectors.joining("; "));
            recorder.warning(ref, "InvalidSpec", msg);
            conditions.set("ScalingActive", "False", "InvalidSpec", msg);
            LOG.info("hpa {}: not acted on: {}", key, msg);
            return keepStatus();
        }
        var spec = hpa.getSpec();
        var targetRef = spec.getScaleTargetRef();
        ScaleTargets.Scale scale;
        try {
            scale = targets.get(hpa.getMetadata().getNamespace(), targetRef);
        } catch (ScaleTargets.ScaleException e) {
            recorder.warning(ref, "FailedGetScale", e.getMessage());
            conditions.set(
                    "AbleToScale",
                    "False",
                    "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + e.getMessage());
            LOG.info(
                    "hpa {}: cannot get the scale of {}/{}: {}",
                    key,
                    targetRef.getKind(),
                    targetRef.getName(),
                    e.getMessage());
            return keepStatus();
        }
        conditions.set(
                "AbleToScale",
                "True",
                "SucceededGetScale",
                "the HPA controller was able to get the target's current scale");
        int current = scale.specReplicas();
        normalizer.recordInitial(key, current);
        int min = spec.hasMinReplicas() ? spec.getMinReplicas() : 1;
        int max = spec.getMaxReplicas();

        int desired = 0;
        String reason = "";
        boolean rescale = true;
        List<MetricStatus> statuses = List.of();
        if (current == 0 && min != 0) {
            rescale = false;
            conditions.set(
                    "ScalingActive",
                    "False",
                    "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero");
        } else if (current > max) {
            reason = "Current number of replicas above Spec.MaxReplicas";
            desired = max;
        } else if (current < min) {
            reason = "Current number of replicas below Spec.MinReplicas";
            desired = min;
        } else {
            Computed c = compute(scale);
            statuses = c.statuses;
            if (c.replicas < 0) {
                recorder.warning(ref, "FailedComputeMetricsReplicas", c.error);
                LOG.info("hpa {}: failed to compute replicas: {}", key, c.error);
                return status(current, hpa.getStatus().getDesiredReplicas(), statuses, false);
            }
            desired = c.replicas;
            if (desired > current) {
                reason = c.metric + " above target";
            } else if (desired < current) {
                reason = "All metrics below target";
            }
            ScaleNormalizer.Normalized n = spec.hasBehavior()
                    ? normalizer.withBehavior(key, spec.getBehavior(), current, desired, min, max)
                    : normalizer.withoutBehavior(key, current, desired, min, max);
            conditions.set(
                    "AbleToScale",
                    "True",
                    n.ableToScale().reason(),
                    n.ableToScale().message());
            conditions.set(
                    "ScalingLimited",
                    n.limited().replicas() == n.stabilized() ? "False" : "True",
                    n.limited().reason(),
                    n.limited().message());
            desired = n.limited().replicas();
            rescale = desired != current;
        }

        if (rescale) {
            try {
                scale.update(desired);
            } catch (Exception e) {
                String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                recorder.warning(
                        ref, "FailedRescale", "New size: " + desired + "; reason: " + reason + "; error: " + msg);
                conditions.set(
                        "AbleToScale",
                        "False",
                        "FailedUpdateScale",
                        "the HPA controller was unable to update the target scale: " + msg);
                LOG.warn("hpa {}: failed to rescale {} to {}: {}", key, targetRef.getName(), desired, msg);
                return status(current, hpa.getStatus().getDesiredReplicas(), statuses, false);
            }
            conditions.set(
                    "AbleToScale",
                    "True",
                    "SucceededRescale",
                    "the HPA controller was able to update the target scale to " + desired);
            recorder.normal(ref, "SuccessfulRescale", "New size: " + desired + "; reason: " + reason);
            normalizer.recordScale(key, spec.hasBehavior() ? spec.getBehavior() : null, current, desired);
            LOG.info("hpa {}: rescaled {} from {} to {} ({})", key, targetRef.getName(), current, desired, reason);
        } else {
            desired = current;
        }
        return status(current, desired, statuses, rescale);
    }

    private record Computed(int replicas, String metric, List<MetricStatus> statuses, String error) {}

    /** kube's {@code computeReplicasForMetrics}: the largest valid proposal, or -1 with the first error. */
    private Computed compute(ScaleTargets.Scale scale) {
        String selectorText = scale.selector();
        if (selectorText.isEmpty()) {
            recorder.warning(ref, "SelectorRequired", "selector is required");
            conditions.set("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
            return new Computed(-1, "", List.of(), "selector is required");
        }
        Selector selector;
        try {
            selector = ScaleSelectors.parse(selectorText);
        } catch (IllegalArgumentException e) {
            String msg = "couldn't convert selector into a corresponding internal selector object: " + e.getMessage();
            recorder.warning(ref, "InvalidSelector", msg);
            conditions.set("ScalingActive", "False", "InvalidSelector", msg);
            return new Computed(-1, "", List.of(), msg);
        }
        List<Pod> pods = podsOf.apply(selector);
        List<MetricSpec> specs = hpa.getSpec().getMetricsList();
        List<MetricStatus> statuses = new ArrayList<>();
        int replicas = 0;
        String metric = "";
        int invalid = 0;
        MetricProposals.Failure first = null;
        for (MetricSpec m : specs) {
            MetricProposals.Result r =
                    metrics.propose(m, scale.specReplicas(), hpa.getMetadata().getNamespace(), selectorText, pods);
            if (r.failure() != null) {
                recorder.warning(ref, r.failure().reason(), r.failure().error());
                statuses.add(MetricStatus.getDefaultInstance());
                if (first == null) {
                    first = r.failure();
                }
                invalid++;
                continue;
            }
            statuses.add(r.status());
            if (replicas == 0 || r.replicas() > replicas) {
                replicas = r.replicas();
                metric = r.metricName();
            }
        }
        String error = first == null
                ? null
                : "invalid metrics (" + invalid + " invalid out of " + specs.size() + "), first error is: "
                        + first.wrapped();
        if (invalid >= specs.size() || (invalid > 0 && replicas < scale.specReplicas())) {
            conditions.set(
                    "ScalingActive",
                    "False",
                    first.reason(),
                    "the HPA was unable to compute the replica count: " + first.error());
            return new Computed(-1, "", statuses, error);
        }
        conditions.set(
                "ScalingActive",
                "True",
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from " + metric);
        return new Computed(replicas, metric, statuses, error);
    }

    /** kube's {@code setStatus}: {@code lastScaleTime} moves on a rescale only. */
    private HorizontalPodAutoscalerStatus status(
            int current, int desired, List<MetricStatus> statuses, boolean rescaled) {
        HorizontalPodAutoscalerStatus.Builder b = HorizontalPodAutoscalerStatus.newBuilder()
                .setCurrentReplicas(current)
                .setDesiredReplicas(desired)
                .addAllCurrentMetrics(statuses)
                .addAllConditions(conditions.list())
                .setObservedGeneration(hpa.getMetadata().getGeneration());
        if (rescaled) {
            b.setLastScaleTime(Times.ts(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        } else if (hpa.getStatus().hasLastScaleTime()) {
            b.setLastScaleTime(hpa.getStatus().getLastScaleTime());
        }
        return b.build();
    }

    /** The stored status with the new conditions (kube writes only the condition when the scale is unreadable). */
    private HorizontalPodAutoscalerStatus keepStatus() {
        return hpa.getStatus().toBuilder()
                .clearConditions()
                .addAllConditions(conditions.list())
                .setObservedGeneration(hpa.getMetadata().getGeneration())
                .build();
    }
}
