package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ApiJsonException;
import io.kubelite.api.HorizontalPodAutoscalerSpec;
import io.kubelite.api.HorizontalPodAutoscalerStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricStatus;
import io.kubelite.api.autoscaling.v2.MetricValueStatus;
import io.kubelite.api.autoscaling.v2.ResourceMetricStatus;
import io.kubelite.kinds.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code autoscaling/v1} HorizontalPodAutoscaler ↔ the stored {@code autoscaling/v2} one, as kube's
 * {@code pkg/apis/autoscaling/v1/conversion.go} converts them. v1's targetCPUUtilizationPercentage
 * is v2's Resource metric {@code cpu} with a Utilization target (and currentCPUUtilizationPercentage
 * its status); what v1 cannot say travels in annotations, so a v1 client that reads, edits and
 * writes back an object keeps it: the other metrics ({@value #METRICS}, as v1 MetricSpecs), the
 * current metrics ({@value #CURRENT_METRICS}, all of them, as v1 MetricStatuses), the behavior
 * ({@value #BEHAVIOR}) and the conditions ({@value #CONDITIONS}). Going to v2 the annotations are
 * read back and removed; a malformed one is ignored, as kube ignores it. A v1 object with no
 * metric at all gets v1's implicit 80% CPU target.
 */
final class HorizontalPodAutoscalerV1Conversion
        implements Storage.Conversion<io.kubelite.api.HorizontalPodAutoscaler, HorizontalPodAutoscaler> {
    static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
    static final List<String> ROUND_TRIP_ANNOTATIONS = List.of(METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public io.kubelite.api.HorizontalPodAutoscaler fromStorage(HorizontalPodAutoscaler in) {
        var spec = in.getSpec();
        var status = in.getStatus();
        HorizontalPodAutoscalerSpec.Builder s = HorizontalPodAutoscalerSpec.newBuilder()
                .setMaxReplicas(spec.getMaxReplicas())
                .setScaleTargetRef(io.kubelite.api.CrossVersionObjectReference.newBuilder()
                        .setKind(spec.getScaleTargetRef().getKind())
                        .setName(spec.getScaleTargetRef().getName())
                        .setApiVersion(spec.getScaleTargetRef().getApiVersion()));
        if (spec.hasMinReplicas()) {
            s.setMinReplicas(spec.getMinReplicas());
        }
        ArrayNode other = JSON.createArrayNode();
        boolean cpuSeen = false;
        for (MetricSpec m : spec.getMetricsList()) {
            if (isCpuUtilization(m)) {
                // kube keeps the first CPU utilization target in the field and drops any other
                if (!cpuSeen) {
                    s.setTargetCpuUtilizationPercentage(
                            m.getResource().getTarget().getAverageUtilization());
                }
                cpuSeen = true;
                continue;
            }
            other.add(V1Metrics.spec(m));
        }
        HorizontalPodAutoscalerStatus.Builder st = HorizontalPodAutoscalerStatus.newBuilder()
                .setCurrentReplicas(status.getCurrentReplicas())
                .setDesiredReplicas(status.getDesiredReplicas());
        if (status.hasObservedGeneration()) {
            st.setObservedGeneration(status.getObservedGeneration());
        }
        if (status.hasLastScaleTime()) {
            st.setLastScaleTime(status.getLastScaleTime());
        }
        ArrayNode current = JSON.createArrayNode();
        for (MetricStatus m : status.getCurrentMetricsList()) {
            if (m.getType().equals("Resource")
                    && m.getResource().getName().equals("cpu")
                    && m.getResource().getCurrent().hasAverageUtilization()) {
                st.setCurrentCpuUtilizationPercentage(
                        m.getResource().getCurrent().getAverageUtilization());
            }
            current.add(V1Metrics.status(m));
        }
        ObjectMeta.Builder meta = in.getMetadata().toBuilder();
        ROUND_TRIP_ANNOTATIONS.forEach(meta::removeAnnotations);
        if (!other.isEmpty()) {
            meta.putAnnotations(METRICS, other.toString());
        }
        if (!current.isEmpty()) {
            meta.putAnnotations(CURRENT_METRICS, current.toString());
        }
        if (spec.hasBehavior()) {
            meta.putAnnotations(BEHAVIOR, ApiJson.toJson(spec.getBehavior()));
        }
        if (status.getConditionsCount() > 0) {
            ArrayNode conditions = JSON.createArrayNode();
            status.getConditionsList().forEach(c -> conditions.add(ApiJson.toTree(c)));
            meta.putAnnotations(CONDITIONS, conditions.toString());
        }
        io.kubelite.api.HorizontalPodAutoscaler.Builder out =
                io.kubelite.api.HorizontalPodAutoscaler.newBuilder().setSpec(s);
        if (in.hasMetadata()) {
            out.setMetadata(meta);
        }
        if (in.hasStatus()) {
            out.setStatus(st);
        }
        return out.build();
    }

    @Override
    public HorizontalPodAutoscaler toStorage(io.kubelite.api.HorizontalPodAutoscaler in) {
        var spec = in.getSpec();
        var status = in.getStatus();
        var meta = in.getMetadata();
        io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerSpec.Builder s =
                io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerSpec.newBuilder()
                        .setMaxReplicas(spec.getMaxReplicas())
                        .setScaleTargetRef(io.kubelite.api.autoscaling.v2.CrossVersionObjectReference.newBuilder()
                                .setKind(spec.getScaleTargetRef().getKind())
                                .setName(spec.getScaleTargetRef().getName())
                                .setApiVersion(spec.getScaleTargetRef().getApiVersion()));
        if (spec.hasMinReplicas()) {
            s.setMinReplicas(spec.getMinReplicas());
        }
        // the annotation's metrics first, then the CPU target, as kube orders them
        s.addAllMetrics(annotationList(meta, METRICS, V1Metrics::specFrom));
        if (spec.hasTargetCpuUtilizationPercentage()) {
            s.addMetrics(HorizontalPodAutoscalerStrategy.cpuUtilization(spec.getTargetCpuUtilizationPercentage()));
        }
        if (s.getMetricsCount() == 0) {
            // v1 had an implicit default applied in the controller; conversion makes it explicit
            s.addMetrics(HorizontalPodAutoscalerStrategy.cpuUtilization(
                    HorizontalPodAutoscalerStrategy.DEFAULT_CPU_UTILIZATION));
        }
        String behavior = meta.getAnnotationsOrDefault(BEHAVIOR, null);
        if (behavior != null) {
            try {
                HorizontalPodAutoscalerBehavior b = ApiJson.parse(
                                behavior, HorizontalPodAutoscalerBehavior.getDefaultInstance())
                        .message();
                if (!b.equals(HorizontalPodAutoscalerBehavior.getDefaultInstance())) {
                    s.setBehavior(b);
                }
            } catch (ApiJsonException e) {
                // kube moves only well-formed data from the annotation to the field
            }
        }
        io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerStatus.Builder st =
                io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerStatus.newBuilder()
                        .setCurrentReplicas(status.getCurrentReplicas())
                        .setDesiredReplicas(status.getDesiredReplicas());
        if (status.hasObservedGeneration()) {
            st.setObservedGeneration(status.getObservedGeneration());
        }
        if (status.hasLastScaleTime()) {
            st.setLastScaleTime(status.getLastScaleTime());
        }
        if (meta.containsAnnotations(CURRENT_METRICS)) {
            // the annotation has more than the percentage: it wins
            st.addAllCurrentMetrics(annotationList(meta, CURRENT_METRICS, V1Metrics::statusFrom));
        } else if (status.hasCurrentCpuUtilizationPercentage()) {
            st.addCurrentMetrics(MetricStatus.newBuilder()
                    .setType("Resource")
                    .setResource(ResourceMetricStatus.newBuilder()
                            .setName("cpu")
                            .setCurrent(MetricValueStatus.newBuilder()
                                    .setAverageUtilization(status.getCurrentCpuUtilizationPercentage()))));
        }
        st.addAllConditions(annotationList(
                meta,
                CONDITIONS,
                n -> ApiJson.parse(n, HorizontalPodAutoscalerCondition.getDefaultInstance())
                        .message()));
        ObjectMeta.Builder m = meta.toBuilder();
        ROUND_TRIP_ANNOTATIONS.forEach(m::removeAnnotations);
        HorizontalPodAutoscaler.Builder out =
                HorizontalPodAutoscaler.newBuilder().setSpec(s);
        if (in.hasMetadata()) {
            out.setMetadata(m);
        }
        if (in.hasStatus() || st.getCurrentMetricsCount() > 0 || st.getConditionsCount() > 0) {
            out.setStatus(st);
        }
        return out.build();
    }

    private static boolean isCpuUtilization(MetricSpec m) {
        return m.getType().equals("Resource")
                && m.hasResource()
                && m.getResource().getName().equals("cpu")
                && m.getResource().getTarget().hasAverageUtilization();
    }

    /** The JSON list in annotation {@code key}, each element read by {@code read}; empty when absent or malformed. */
    private static <M> List<M> annotationList(ObjectMeta meta, String key, Function<JsonNode, M> read) {
        String text = meta.getAnnotationsOrDefault(key, null);
        if (text == null) {
            return List.of();
        }
        try {
            JsonNode list = JSON.readTree(text);
            if (list == null || !list.isArray()) {
                return List.of();
            }
            List<M> out = new ArrayList<>();
            for (JsonNode n : list) {
                out.add(read.apply(n));
            }
            return out;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return List.of(); // malformed: ignored, as kube ignores it
        }
    }
}
