package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricStatus;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.MetricValueStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The TARGETS cell of a HorizontalPodAutoscaler, as kubectl's {@code formatHPAMetrics} writes it:
 * {@code current/target} per metric ({@code cpu: <unknown>/50%}, {@code 3/10 (avg)}), the current
 * value read from the status metric at the same index, at most two, then {@code + N more...}.
 */
final class MetricsCell {
    private static final int MAX = 2;
    private static final String UNKNOWN = "<unknown>";

    private MetricsCell() {}

    static String format(List<MetricSpec> specs, List<MetricStatus> statuses) {
        if (specs.isEmpty()) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            MetricStatus st = i < statuses.size() ? statuses.get(i) : null;
            list.add(one(specs.get(i), st));
        }
        if (list.size() <= MAX) {
            return String.join(", ", list);
        }
        return String.join(", ", list.subList(0, MAX)) + " + " + (list.size() - MAX) + " more...";
    }

    private static String one(MetricSpec s, MetricStatus st) {
        switch (s.getType()) {
            case "External":
                return valueOrAverage(
                        s.getExternal().getTarget(),
                        st != null && st.hasExternal() ? st.getExternal().getCurrent() : null);
            case "Object":
                return valueOrAverage(
                        s.getObject().getTarget(),
                        st != null && st.hasObject() ? st.getObject().getCurrent() : null);
            case "Pods": {
                String cur =
                        st != null && st.hasPods() ? q(st.getPods().getCurrent().getAverageValue()) : UNKNOWN;
                return cur + "/" + q(s.getPods().getTarget().getAverageValue());
            }
            case "Resource":
                return resource(
                        s.getResource().getName(),
                        s.getResource().getTarget(),
                        st != null && st.hasResource() ? st.getResource().getCurrent() : null);
            case "ContainerResource":
                return resource(
                        s.getContainerResource().getName(),
                        s.getContainerResource().getTarget(),
                        st != null && st.hasContainerResource()
                                ? st.getContainerResource().getCurrent()
                                : null);
            default:
                return "<unknown type>";
        }
    }

    private static String valueOrAverage(MetricTarget t, MetricValueStatus cur) {
        if (!t.getAverageValue().isEmpty()) {
            String c = cur != null && !cur.getAverageValue().isEmpty() ? cur.getAverageValue() : UNKNOWN;
            return c + "/" + t.getAverageValue() + " (avg)";
        }
        return (cur != null ? q(cur.getValue()) : UNKNOWN) + "/" + q(t.getValue());
    }

    private static String resource(String name, MetricTarget t, MetricValueStatus cur) {
        if (!t.getAverageValue().isEmpty()) {
            return name + ": " + (cur != null ? q(cur.getAverageValue()) : UNKNOWN) + "/" + t.getAverageValue();
        }
        String c = cur != null && cur.hasAverageUtilization() ? cur.getAverageUtilization() + "%" : UNKNOWN;
        String target = t.hasAverageUtilization() ? t.getAverageUtilization() + "%" : "<auto>";
        return name + ": " + c + "/" + target;
    }

    /** A quantity as Go prints an unset one: {@code 0}. */
    private static String q(String quantity) {
        return quantity.isEmpty() ? "0" : quantity;
    }
}
