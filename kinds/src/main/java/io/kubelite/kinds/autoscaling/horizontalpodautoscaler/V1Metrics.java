package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.autoscaling.v2.ContainerResourceMetricSource;
import io.kubelite.api.autoscaling.v2.ContainerResourceMetricStatus;
import io.kubelite.api.autoscaling.v2.CrossVersionObjectReference;
import io.kubelite.api.autoscaling.v2.ExternalMetricSource;
import io.kubelite.api.autoscaling.v2.ExternalMetricStatus;
import io.kubelite.api.autoscaling.v2.MetricIdentifier;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricStatus;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.MetricValueStatus;
import io.kubelite.api.autoscaling.v2.ObjectMetricSource;
import io.kubelite.api.autoscaling.v2.ObjectMetricStatus;
import io.kubelite.api.autoscaling.v2.PodsMetricSource;
import io.kubelite.api.autoscaling.v2.PodsMetricStatus;
import io.kubelite.api.autoscaling.v2.ResourceMetricSource;
import io.kubelite.api.autoscaling.v2.ResourceMetricStatus;

/**
 * autoscaling/v2 metrics in the JSON of autoscaling/v1's MetricSpec and MetricStatus, the form
 * the v1 round-trip annotations hold them in (kube's {@code Convert_autoscaling_MetricSpec_To_v1_MetricSpec}
 * and back): v1 flattens a target into {@code targetValue}, {@code targetAverageValue} and
 * {@code targetAverageUtilization} beside the metric's name and selector, and names an Object
 * metric's described object {@code target}. Reading back, the target type is inferred as kube
 * infers it. Stateless.
 */
final class V1Metrics {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private V1Metrics() {}

    static ObjectNode spec(MetricSpec m) {
        ObjectNode n = NODES.objectNode();
        n.put("type", m.getType());
        if (m.hasObject()) {
            ObjectMetricSource o = m.getObject();
            ObjectNode s = n.putObject("object");
            s.set("target", ApiJson.toTree(o.getDescribedObject()));
            s.put("metricName", o.getMetric().getName());
            put(s, "targetValue", o.getTarget().getValue());
            selector(s, "selector", o.getMetric());
            put(s, "averageValue", o.getTarget().getAverageValue());
        }
        if (m.hasPods()) {
            PodsMetricSource p = m.getPods();
            ObjectNode s = n.putObject("pods");
            s.put("metricName", p.getMetric().getName());
            put(s, "targetAverageValue", p.getTarget().getAverageValue());
            selector(s, "selector", p.getMetric());
        }
        if (m.hasResource()) {
            ResourceMetricSource r = m.getResource();
            ObjectNode s = n.putObject("resource");
            s.put("name", r.getName());
            if (r.getTarget().hasAverageUtilization()) {
                s.put("targetAverageUtilization", r.getTarget().getAverageUtilization());
            }
            put(s, "targetAverageValue", r.getTarget().getAverageValue());
        }
        if (m.hasContainerResource()) {
            ContainerResourceMetricSource r = m.getContainerResource();
            ObjectNode s = n.putObject("containerResource");
            s.put("name", r.getName());
            if (r.getTarget().hasAverageUtilization()) {
                s.put("targetAverageUtilization", r.getTarget().getAverageUtilization());
            }
            put(s, "targetAverageValue", r.getTarget().getAverageValue());
            s.put("container", r.getContainer());
        }
        if (m.hasExternal()) {
            ExternalMetricSource e = m.getExternal();
            ObjectNode s = n.putObject("external");
            s.put("metricName", e.getMetric().getName());
            selector(s, "metricSelector", e.getMetric());
            put(s, "targetValue", e.getTarget().getValue());
            put(s, "targetAverageValue", e.getTarget().getAverageValue());
        }
        return n;
    }

    static MetricSpec specFrom(JsonNode n) {
        MetricSpec.Builder b = MetricSpec.newBuilder().setType(n.path("type").asText());
        if (n.hasNonNull("object")) {
            JsonNode s = n.get("object");
            String avg = s.path("averageValue").asText();
            b.setObject(ObjectMetricSource.newBuilder()
                    .setDescribedObject(reference(s.path("target")))
                    .setMetric(identifier(s, "selector"))
                    .setTarget(MetricTarget.newBuilder()
                            .setType(avg.isEmpty() ? "Value" : "AverageValue")
                            .setValue(s.path("targetValue").asText())
                            .setAverageValue(avg)));
        }
        if (n.hasNonNull("pods")) {
            JsonNode s = n.get("pods");
            b.setPods(PodsMetricSource.newBuilder()
                    .setMetric(identifier(s, "selector"))
                    .setTarget(MetricTarget.newBuilder()
                            .setType("AverageValue")
                            .setAverageValue(s.path("targetAverageValue").asText())));
        }
        if (n.hasNonNull("resource")) {
            JsonNode s = n.get("resource");
            b.setResource(ResourceMetricSource.newBuilder()
                    .setName(s.path("name").asText())
                    .setTarget(averageTarget(s)));
        }
        if (n.hasNonNull("containerResource")) {
            JsonNode s = n.get("containerResource");
            b.setContainerResource(ContainerResourceMetricSource.newBuilder()
                    .setName(s.path("name").asText())
                    .setContainer(s.path("container").asText())
                    .setTarget(averageTarget(s)));
        }
        if (n.hasNonNull("external")) {
            JsonNode s = n.get("external");
            String value = s.path("targetValue").asText();
            b.setExternal(ExternalMetricSource.newBuilder()
                    .setMetric(identifier(s, "metricSelector"))
                    .setTarget(MetricTarget.newBuilder()
                            .setType(value.isEmpty() ? "AverageValue" : "Value")
                            .setValue(value)
                            .setAverageValue(s.path("targetAverageValue").asText())));
        }
        return b.build();
    }

    static ObjectNode status(MetricStatus m) {
        ObjectNode n = NODES.objectNode();
        n.put("type", m.getType());
        if (m.hasObject()) {
            ObjectMetricStatus o = m.getObject();
            ObjectNode s = n.putObject("object");
            s.set("target", ApiJson.toTree(o.getDescribedObject()));
            s.put("metricName", o.getMetric().getName());
            put(s, "currentValue", o.getCurrent().getValue());
            selector(s, "selector", o.getMetric());
            put(s, "averageValue", o.getCurrent().getAverageValue());
        }
        if (m.hasPods()) {
            PodsMetricStatus p = m.getPods();
            ObjectNode s = n.putObject("pods");
            s.put("metricName", p.getMetric().getName());
            put(s, "currentAverageValue", p.getCurrent().getAverageValue());
            selector(s, "selector", p.getMetric());
        }
        if (m.hasResource()) {
            ResourceMetricStatus r = m.getResource();
            ObjectNode s = n.putObject("resource");
            s.put("name", r.getName());
            if (r.getCurrent().hasAverageUtilization()) {
                s.put("currentAverageUtilization", r.getCurrent().getAverageUtilization());
            }
            put(s, "currentAverageValue", r.getCurrent().getAverageValue());
        }
        if (m.hasContainerResource()) {
            ContainerResourceMetricStatus r = m.getContainerResource();
            ObjectNode s = n.putObject("containerResource");
            s.put("name", r.getName());
            if (r.getCurrent().hasAverageUtilization()) {
                s.put("currentAverageUtilization", r.getCurrent().getAverageUtilization());
            }
            put(s, "currentAverageValue", r.getCurrent().getAverageValue());
            s.put("container", r.getContainer());
        }
        if (m.hasExternal()) {
            ExternalMetricStatus e = m.getExternal();
            ObjectNode s = n.putObject("external");
            s.put("metricName", e.getMetric().getName());
            selector(s, "metricSelector", e.getMetric());
            put(s, "currentValue", e.getCurrent().getValue());
            put(s, "currentAverageValue", e.getCurrent().getAverageValue());
        }
        return n;
    }

    static MetricStatus statusFrom(JsonNode n) {
        MetricStatus.Builder b =
                MetricStatus.newBuilder().setType(n.path("type").asText());
        if (n.hasNonNull("object")) {
            JsonNode s = n.get("object");
            b.setObject(ObjectMetricStatus.newBuilder()
                    .setDescribedObject(reference(s.path("target")))
                    .setMetric(identifier(s, "selector"))
                    .setCurrent(MetricValueStatus.newBuilder()
                            .setValue(s.path("currentValue").asText())
                            .setAverageValue(s.path("averageValue").asText())));
        }
        if (n.hasNonNull("pods")) {
            JsonNode s = n.get("pods");
            b.setPods(PodsMetricStatus.newBuilder()
                    .setMetric(identifier(s, "selector"))
                    .setCurrent(MetricValueStatus.newBuilder()
                            .setAverageValue(s.path("currentAverageValue").asText())));
        }
        if (n.hasNonNull("resource")) {
            JsonNode s = n.get("resource");
            b.setResource(ResourceMetricStatus.newBuilder()
                    .setName(s.path("name").asText())
                    .setCurrent(currentAverage(s)));
        }
        if (n.hasNonNull("containerResource")) {
            JsonNode s = n.get("containerResource");
            b.setContainerResource(ContainerResourceMetricStatus.newBuilder()
                    .setName(s.path("name").asText())
                    .setContainer(s.path("container").asText())
                    .setCurrent(currentAverage(s)));
        }
        if (n.hasNonNull("external")) {
            JsonNode s = n.get("external");
            b.setExternal(ExternalMetricStatus.newBuilder()
                    .setMetric(identifier(s, "metricSelector"))
                    .setCurrent(MetricValueStatus.newBuilder()
                            .setValue(s.path("currentValue").asText())
                            .setAverageValue(s.path("currentAverageValue").asText())));
        }
        return b.build();
    }

    /** v1's Resource target: Utilization when a utilization is given, else AverageValue. */
    private static MetricTarget averageTarget(JsonNode s) {
        MetricTarget.Builder t = MetricTarget.newBuilder()
                .setAverageValue(s.path("targetAverageValue").asText());
        if (s.hasNonNull("targetAverageUtilization")) {
            t.setType("Utilization")
                    .setAverageUtilization(s.get("targetAverageUtilization").asInt());
        } else {
            t.setType("AverageValue");
        }
        return t.build();
    }

    private static MetricValueStatus currentAverage(JsonNode s) {
        MetricValueStatus.Builder c = MetricValueStatus.newBuilder()
                .setAverageValue(s.path("currentAverageValue").asText());
        if (s.hasNonNull("currentAverageUtilization")) {
            c.setAverageUtilization(s.get("currentAverageUtilization").asInt());
        }
        return c.build();
    }

    private static MetricIdentifier identifier(JsonNode s, String selectorField) {
        MetricIdentifier.Builder id =
                MetricIdentifier.newBuilder().setName(s.path("metricName").asText());
        if (s.hasNonNull(selectorField)) {
            id.setSelector(ApiJson.parse(s.get(selectorField), LabelSelector.getDefaultInstance())
                    .message());
        }
        return id.build();
    }

    private static CrossVersionObjectReference reference(JsonNode n) {
        return n.isObject()
                ? ApiJson.parse(n, CrossVersionObjectReference.getDefaultInstance())
                        .message()
                : CrossVersionObjectReference.getDefaultInstance();
    }

    private static void selector(ObjectNode s, String field, MetricIdentifier id) {
        if (id.hasSelector()) {
            s.set(field, ApiJson.toTree(id.getSelector()));
        }
    }

    private static void put(ObjectNode s, String field, String quantity) {
        if (!quantity.isEmpty()) {
            s.put(field, quantity);
        }
    }
}
