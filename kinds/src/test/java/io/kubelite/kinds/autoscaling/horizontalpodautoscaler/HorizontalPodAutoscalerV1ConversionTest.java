package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.kinds.Storage;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerV1ConversionTest {
    private final Storage.Conversion<io.kubelite.api.HorizontalPodAutoscaler, HorizontalPodAutoscaler> conversion =
            new HorizontalPodAutoscalerV1Conversion();

    private static final String V2 = """
            {"metadata":{"name":"web","namespace":"ns","annotations":{"team":"a"}},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
              "minReplicas":2,"maxReplicas":7,
              "metrics":[
               {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}},
               {"type":"Pods","pods":{"metric":{"name":"qps","selector":{"matchLabels":{"a":"b"}}},
                 "target":{"type":"AverageValue","averageValue":"10"}}},
               {"type":"Object","object":{"describedObject":{"apiVersion":"v1","kind":"Service","name":"s"},
                 "metric":{"name":"hits"},"target":{"type":"Value","value":"5k"}}},
               {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}},
               {"type":"ContainerResource","containerResource":{"name":"memory","container":"app",
                 "target":{"type":"AverageValue","averageValue":"100Mi"}}}],
              "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Min",
                "policies":[{"type":"Pods","value":1,"periodSeconds":30}]}}},
             "status":{"observedGeneration":3,"currentReplicas":2,"desiredReplicas":3,
              "currentMetrics":[
               {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":75,"averageValue":"150m"}}},
               {"type":"Pods","pods":{"metric":{"name":"qps"},"current":{"averageValue":"12"}}}],
              "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-01-02T03:04:05Z",
               "reason":"ReadyForNewScale","message":"ok"}]}}
            """;

    @Test
    void v2ToV1AndBackIsLossless() {
        HorizontalPodAutoscaler v2 =
                ApiJson.parse(V2, HorizontalPodAutoscaler.getDefaultInstance()).message();

        io.kubelite.api.HorizontalPodAutoscaler v1 = conversion.fromStorage(v2);

        assertThat(v1.getSpec().getTargetCpuUtilizationPercentage()).isEqualTo(60);
        assertThat(v1.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(v1.getStatus().getCurrentCpuUtilizationPercentage()).isEqualTo(75);
        assertThat(v1.getMetadata().getAnnotationsMap())
                .containsEntry("team", "a")
                .containsKeys(
                        HorizontalPodAutoscalerV1Conversion.METRICS,
                        HorizontalPodAutoscalerV1Conversion.CURRENT_METRICS,
                        HorizontalPodAutoscalerV1Conversion.BEHAVIOR,
                        HorizontalPodAutoscalerV1Conversion.CONDITIONS);
        // v1's own MetricSpec shape, as kube writes the annotation
        assertThat(v1.getMetadata().getAnnotationsOrThrow(HorizontalPodAutoscalerV1Conversion.METRICS))
                .contains("{\"type\":\"Pods\",\"pods\":{\"metricName\":\"qps\",\"targetAverageValue\":\"10\","
                        + "\"selector\":{\"matchLabels\":{\"a\":\"b\"}}}}")
                .contains("\"object\":{\"target\":{\"kind\":\"Service\",\"name\":\"s\",\"apiVersion\":\"v1\"},"
                        + "\"metricName\":\"hits\",\"targetValue\":\"5k\"}")
                .doesNotContain("\"cpu\"");

        HorizontalPodAutoscaler back = conversion.toStorage(v1);

        // the CPU target comes back last, after the annotation's metrics, as kube orders them
        HorizontalPodAutoscaler expected = v2.toBuilder()
                .setSpec(v2.getSpec().toBuilder()
                        .clearMetrics()
                        .addAllMetrics(v2.getSpec().getMetricsList().subList(1, 5))
                        .addMetrics(v2.getSpec().getMetrics(0)))
                .build();
        assertThat(ApiJson.toPrettyJson(back)).isEqualTo(ApiJson.toPrettyJson(expected));
    }

    @Test
    void v1TargetCpuIsAResourceUtilizationMetricAndNoTargetIsEightyPercent() {
        io.kubelite.api.HorizontalPodAutoscaler v1 = ApiJson.parse(
                        """
                        {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},
                         "maxReplicas":5,"targetCPUUtilizationPercentage":50},
                         "status":{"currentReplicas":1,"desiredReplicas":1,"currentCPUUtilizationPercentage":20}}
                        """, io.kubelite.api.HorizontalPodAutoscaler.getDefaultInstance())
                .message();

        HorizontalPodAutoscaler v2 = conversion.toStorage(v1);

        assertThat(ApiJson.toJson(v2.getSpec().getMetricsList().get(0)))
                .isEqualTo("{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                        + "{\"type\":\"Utilization\",\"averageUtilization\":50}}}");
        assertThat(v2.getSpec().hasMinReplicas()).isFalse();
        assertThat(v2.getStatus()
                        .getCurrentMetrics(0)
                        .getResource()
                        .getCurrent()
                        .getAverageUtilization())
                .isEqualTo(20);
        io.kubelite.api.HorizontalPodAutoscaler again = conversion.fromStorage(v2);
        assertThat(again.getSpec()).isEqualTo(v1.getSpec());
        assertThat(again.getStatus()).isEqualTo(v1.getStatus());
        // kube keeps the current metrics even when they map to the percentage: the raw value rides along
        assertThat(again.getMetadata().getAnnotationsMap())
                .containsOnlyKeys(HorizontalPodAutoscalerV1Conversion.CURRENT_METRICS);

        HorizontalPodAutoscaler none = conversion.toStorage(v1.toBuilder()
                .setSpec(v1.getSpec().toBuilder().clearTargetCpuUtilizationPercentage())
                .build());
        assertThat(none.getSpec().getMetrics(0).getResource().getTarget().getAverageUtilization())
                .isEqualTo(80);
    }

    @Test
    void aMalformedAnnotationIsIgnoredAndNeverStored() {
        io.kubelite.api.HorizontalPodAutoscaler v1 = io.kubelite.api.HorizontalPodAutoscaler.newBuilder()
                .setMetadata(io.kubelite.api.ObjectMeta.newBuilder()
                        .setName("x")
                        .putAnnotations(HorizontalPodAutoscalerV1Conversion.METRICS, "not json")
                        .putAnnotations(HorizontalPodAutoscalerV1Conversion.BEHAVIOR, "[1]"))
                .build();

        HorizontalPodAutoscaler v2 = conversion.toStorage(v1);

        assertThat(v2.getMetadata().getAnnotationsMap()).isEmpty();
        assertThat(v2.getSpec().getMetricsCount()).isEqualTo(1);
        assertThat(v2.getSpec().hasBehavior()).isFalse();
    }
}
