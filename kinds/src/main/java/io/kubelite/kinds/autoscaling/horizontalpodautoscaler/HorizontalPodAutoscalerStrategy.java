package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.api.autoscaling.v2.CrossVersionObjectReference;
import io.kubelite.api.autoscaling.v2.HPAScalingPolicy;
import io.kubelite.api.autoscaling.v2.HPAScalingRules;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.kubelite.api.autoscaling.v2.MetricIdentifier;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.ResourceMetricSource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's HorizontalPodAutoscaler strategy at autoscaling/v2: the defaults
 * ({@code SetDefaults_HorizontalPodAutoscaler}: minReplicas 1; without metrics, 80% average CPU
 * utilization; a given behavior's unset rules filled from kube's scale-up and scale-down
 * defaults), the round-trip annotations of {@code autoscaling/v1} dropped (they never reach
 * storage), the status reset on create and kept on main-resource updates, and
 * {@code ValidateHorizontalPodAutoscalerSpec}: scaleTargetRef kind and name, minReplicas ≥ 1,
 * maxReplicas ≥ 1 and ≥ minReplicas, each metric's source matching its type with a valid
 * target, the behavior's policies.
 */
final class HorizontalPodAutoscalerStrategy implements Strategy<HorizontalPodAutoscaler> {
    static final int DEFAULT_CPU_UTILIZATION = 80;
    private static final List<String> SOURCE_TYPES =
            List.of("ContainerResource", "External", "Object", "Pods", "Resource");
    private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
    private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
    private static final int MAX_PERIOD_SECONDS = 1800;
    private static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;

    @Override
    public HorizontalPodAutoscaler defaults(HorizontalPodAutoscaler h) {
        HorizontalPodAutoscaler.Builder b = h.toBuilder();
        for (String a : HorizontalPodAutoscalerV1Conversion.ROUND_TRIP_ANNOTATIONS) {
            if (h.getMetadata().containsAnnotations(a)) {
                b.getMetadataBuilder().removeAnnotations(a);
            }
        }
        HorizontalPodAutoscalerSpec.Builder s = b.getSpecBuilder();
        if (!s.hasMinReplicas()) {
            s.setMinReplicas(1);
        }
        if (s.getMetricsCount() == 0) {
            s.addMetrics(cpuUtilization(DEFAULT_CPU_UTILIZATION));
        }
        if (s.hasBehavior()) {
            HorizontalPodAutoscalerBehavior.Builder bh = s.getBehaviorBuilder();
            bh.setScaleUp(rules(
                    bh.hasScaleUp() ? bh.getScaleUp() : null,
                    HPAScalingRules.newBuilder()
                            .setStabilizationWindowSeconds(0)
                            .setSelectPolicy("Max")
                            .addPolicies(policy("Pods", 4, 15))
                            .addPolicies(policy("Percent", 100, 15))
                            .build()));
            bh.setScaleDown(rules(
                    bh.hasScaleDown() ? bh.getScaleDown() : null,
                    HPAScalingRules.newBuilder()
                            .setSelectPolicy("Max")
                            .addPolicies(policy("Percent", 100, 15))
                            .build()));
        }
        return b.build();
    }

    /** The metric of {@code autoscaling/v1}'s targetCPUUtilizationPercentage: average CPU utilization. */
    static MetricSpec cpuUtilization(int percent) {
        return MetricSpec.newBuilder()
                .setType("Resource")
                .setResource(ResourceMetricSource.newBuilder()
                        .setName("cpu")
                        .setTarget(
                                MetricTarget.newBuilder().setType("Utilization").setAverageUtilization(percent)))
                .build();
    }

    private static HPAScalingPolicy policy(String type, int value, int period) {
        return HPAScalingPolicy.newBuilder()
                .setType(type)
                .setValue(value)
                .setPeriodSeconds(period)
                .build();
    }

    /** kube's {@code copyHPAScalingRules}: the defaults, overridden by what {@code given} sets. */
    private static HPAScalingRules rules(HPAScalingRules given, HPAScalingRules defaults) {
        if (given == null) {
            return defaults;
        }
        HPAScalingRules.Builder out = defaults.toBuilder();
        if (given.hasSelectPolicy()) {
            out.setSelectPolicy(given.getSelectPolicy());
        }
        if (given.hasStabilizationWindowSeconds()) {
            out.setStabilizationWindowSeconds(given.getStabilizationWindowSeconds());
        }
        if (given.getPoliciesCount() > 0) {
            out.clearPolicies().addAllPolicies(given.getPoliciesList());
        }
        return out.build();
    }

    @Override
    public HorizontalPodAutoscaler prepareForCreate(HorizontalPodAutoscaler h) {
        return h.toBuilder().clearStatus().build();
    }

    @Override
    public HorizontalPodAutoscaler prepareForUpdate(HorizontalPodAutoscaler h, HorizontalPodAutoscaler old) {
        HorizontalPodAutoscaler.Builder b = h.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(HorizontalPodAutoscaler h, FieldErrors errs) {
        HorizontalPodAutoscalerSpec s = h.getSpec();
        if (s.hasMinReplicas() && s.getMinReplicas() < 1) {
            errs.invalid("spec.minReplicas", (long) s.getMinReplicas(), "must be greater than or equal to 1");
        }
        if (s.getMaxReplicas() < 1) {
            errs.invalid("spec.maxReplicas", (long) s.getMaxReplicas(), "must be greater than 0");
        }
        if (s.hasMinReplicas() && s.getMaxReplicas() < s.getMinReplicas()) {
            errs.invalid(
                    "spec.maxReplicas", (long) s.getMaxReplicas(), "must be greater than or equal to `minReplicas`");
        }
        reference(s.getScaleTargetRef(), "spec.scaleTargetRef", errs);
        for (int i = 0; i < s.getMetricsCount(); i++) {
            metric(s.getMetrics(i), "spec.metrics[" + i + "]", errs);
        }
        if (s.hasBehavior()) {
            if (s.getBehavior().hasScaleUp()) {
                scalingRules(s.getBehavior().getScaleUp(), "spec.behavior.scaleUp", errs);
            }
            if (s.getBehavior().hasScaleDown()) {
                scalingRules(s.getBehavior().getScaleDown(), "spec.behavior.scaleDown", errs);
            }
        }
    }

    /** kube's {@code ValidateCrossVersionObjectReference}: kind and name present and valid path segments. */
    private static void reference(CrossVersionObjectReference ref, String path, FieldErrors errs) {
        if (ref.getKind().isEmpty()) {
            errs.required(path + ".kind");
        } else {
            pathSegment(ref.getKind(), path + ".kind", errs);
        }
        if (ref.getName().isEmpty()) {
            errs.required(path + ".name");
        } else {
            pathSegment(ref.getName(), path + ".name", errs);
        }
    }

    private static void pathSegment(String v, String path, FieldErrors errs) {
        if (v.equals(".") || v.equals("..")) {
            errs.invalid(path, v, "may not be '" + v + "'");
        } else if (v.contains("/") || v.contains("%")) {
            errs.invalid(path, v, "may not contain '" + (v.contains("/") ? "/" : "%") + "'");
        }
    }

    /** kube's {@code validateMetricSpec}: a known type, its source and only it, a valid target. */
    private static void metric(MetricSpec m, String path, FieldErrors errs) {
        if (m.getType().isEmpty()) {
            errs.required(path + ".type", "must specify a metric source type");
        }
        List<String> present = new ArrayList<>();
        if (m.hasObject()) {
            present.add("object");
        }
        if (m.hasPods()) {
            present.add("pods");
        }
        if (m.hasResource()) {
            present.add("resource");
        }
        if (m.hasExternal()) {
            present.add("external");
        }
        if (m.hasContainerResource()) {
            present.add("containerResource");
        }
        String expected;
        boolean has;
        switch (m.getType()) {
            case "Object" -> {
                expected = "object";
                has = m.hasObject();
                if (has) {
                    reference(m.getObject().getDescribedObject(), path + ".object.describedObject", errs);
                    identifier(m.getObject().getMetric(), path + ".object.metric", errs);
                    target(m.getObject().getTarget(), path + ".object.target", errs);
                    if (m.getObject().getTarget().getValue().isEmpty()
                            && m.getObject().getTarget().getAverageValue().isEmpty()) {
                        errs.required(
                                path + ".object.target.averageValue", "must set either a target value or averageValue");
                    }
                }
            }
            case "Pods" -> {
                expected = "pods";
                has = m.hasPods();
                if (has) {
                    identifier(m.getPods().getMetric(), path + ".pods.metric", errs);
                    target(m.getPods().getTarget(), path + ".pods.target", errs);
                    if (m.getPods().getTarget().getAverageValue().isEmpty()) {
                        errs.required(
                                path + ".pods.target.averageValue", "must specify a positive target averageValue");
                    }
                }
            }
            case "Resource" -> {
                expected = "resource";
                has = m.hasResource();
                if (has) {
                    resourceTarget(m.getResource().getName(), m.getResource().getTarget(), path + ".resource", errs);
                }
            }
            case "ContainerResource" -> {
                expected = "containerResource";
                has = m.hasContainerResource();
                if (has) {
                    resourceTarget(
                            m.getContainerResource().getName(),
                            m.getContainerResource().getTarget(),
                            path + ".containerResource",
                            errs);
                    if (m.getContainerResource().getContainer().isEmpty()) {
                        errs.required(path + ".containerResource.container", "must specify a container");
                    }
                }
            }
            case "External" -> {
                expected = "external";
                has = m.hasExternal();
                if (has) {
                    identifier(m.getExternal().getMetric(), path + ".external.metric", errs);
                    target(m.getExternal().getTarget(), path + ".external.target", errs);
                    if (m.getExternal().getTarget().getValue().isEmpty()
                            && m.getExternal().getTarget().getAverageValue().isEmpty()) {
                        errs.required(
                                path + ".external.target.averageValue",
                                "must set either a target value for metric or a per-pod target");
                    }
                }
            }
            default -> {
                if (!m.getType().isEmpty()) {
                    errs.notSupported(path + ".type", m.getType(), SOURCE_TYPES);
                }
                return;
            }
        }
        if (!has) {
            errs.required(path + "." + expected, "must populate information for the given metric source");
        }
        for (String p : present) {
            if (!p.equals(expected)) {
                errs.forbidden(path + "." + p, "must populate the given metric source only");
            }
        }
    }

    private static void identifier(MetricIdentifier id, String path, FieldErrors errs) {
        if (id.getName().isEmpty()) {
            errs.required(path + ".name", "must specify a metric name");
        }
    }

    private static void resourceTarget(String name, MetricTarget t, String path, FieldErrors errs) {
        if (name.isEmpty()) {
            errs.required(path + ".name", "must specify a resource name");
        }
        target(t, path + ".target", errs);
        if (!t.hasAverageUtilization() && t.getAverageValue().isEmpty()) {
            errs.required(
                    path + ".target.averageUtilization", "must set either a target raw value or a target utilization");
        }
        if (t.hasAverageUtilization() && !t.getAverageValue().isEmpty()) {
            errs.forbidden(
                    path + ".target.averageValue", "may not set both a target raw value and a target utilization");
        }
    }

    /** kube's {@code validateMetricTarget}. */
    private static void target(MetricTarget t, String path, FieldErrors errs) {
        if (t.getType().isEmpty()) {
            errs.required(path + ".type", "must specify a metric target type");
        } else if (!List.of("Utilization", "Value", "AverageValue").contains(t.getType())) {
            errs.invalid(path + ".type", t.getType(), "must be either Utilization, Value, or AverageValue");
        }
        positive(t.getValue(), path + ".value", errs);
        positive(t.getAverageValue(), path + ".averageValue", errs);
        if (t.hasAverageUtilization() && t.getAverageUtilization() < 1) {
            errs.invalid(path + ".averageUtilization", (long) t.getAverageUtilization(), "must be greater than 0");
        }
    }

    private static void positive(String quantity, String path, FieldErrors errs) {
        if (quantity.isEmpty()) {
            return;
        }
        try {
            if (Quantity.parse(quantity).signum() != 1) {
                errs.invalid(path, quantity, "must be positive");
            }
        } catch (QuantityFormatException e) {
            errs.invalid(
                    path,
                    quantity,
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
    }

    /** kube's {@code validateScalingRules} and {@code validateScalingPolicy}. */
    private static void scalingRules(HPAScalingRules r, String path, FieldErrors errs) {
        if (r.hasStabilizationWindowSeconds()) {
            int w = r.getStabilizationWindowSeconds();
            if (w < 0) {
                errs.invalid(path + ".stabilizationWindowSeconds", (long) w, "must be greater than or equal to zero");
            } else if (w > MAX_STABILIZATION_WINDOW_SECONDS) {
                errs.invalid(
                        path + ".stabilizationWindowSeconds",
                        (long) w,
                        "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS);
            }
        }
        if (r.hasSelectPolicy() && !SELECT_POLICIES.contains(r.getSelectPolicy())) {
            errs.notSupported(path + ".selectPolicy", r.getSelectPolicy(), SELECT_POLICIES);
        }
        if (r.getPoliciesCount() == 0) {
            errs.required(path + ".policies", "must specify at least one Policy");
        }
        for (int i = 0; i < r.getPoliciesCount(); i++) {
            HPAScalingPolicy p = r.getPolicies(i);
            String pp = path + ".policies[" + i + "]";
            if (!POLICY_TYPES.contains(p.getType())) {
                errs.notSupported(pp + ".type", p.getType(), POLICY_TYPES);
            }
            if (p.getValue() <= 0) {
                errs.invalid(pp + ".value", (long) p.getValue(), "must be greater than zero");
            }
            if (p.getPeriodSeconds() <= 0) {
                errs.invalid(pp + ".periodSeconds", (long) p.getPeriodSeconds(), "must be greater than zero");
            } else if (p.getPeriodSeconds() > MAX_PERIOD_SECONDS) {
                errs.invalid(
                        pp + ".periodSeconds",
                        (long) p.getPeriodSeconds(),
                        "must be less than or equal to " + MAX_PERIOD_SECONDS);
            }
        }
    }
}
