package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.ContainerMetrics;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.MetricsUnavailableException;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.PodMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's resource metrics client ({@code metrics/client.go} {@code GetResourceMetric}): one resource's
 * usage per pod in milli-units ({@code MilliValue}), summed over the pod's containers (or the one
 * named container). A pod with no containers, or a container lacking the resource, is left out: the
 * replica calculator then treats it as missing.
 */
final class PodResourceMetrics {
    /** One pod's value: kube's {@code PodMetric}. */
    record Sample(Instant timestamp, Duration window, long milliValue) {}

    /** The samples by pod name and the first item's timestamp (kube's returned timestamp). */
    record Result(Map<String, Sample> byPod, Instant timestamp) {}

    private PodResourceMetrics() {}

    static Result of(List<PodMetrics> items, String resource, String container) throws MetricsUnavailableException {
        if (items.isEmpty()) {
            throw new MetricsUnavailableException("no metrics returned from resource metrics API");
        }
        Map<String, Sample> out = new HashMap<>();
        for (PodMetrics m : items) {
            long sum = 0;
            boolean missing = m.containers().isEmpty();
            boolean matched = false;
            for (ContainerMetrics c : m.containers()) {
                if (container != null && !container.equals(c.name())) {
                    continue;
                }
                matched = true;
                String v = c.usage().get(resource);
                if (v == null) {
                    missing = true;
                    break;
                }
                sum += milliValue(v);
            }
            // kube's container metric: a pod without the named container has no sample
            if (container != null && !matched) {
                missing = true;
            }
            if (!missing) {
                out.put(m.name(), new Sample(m.timestamp(), m.window(), sum));
            }
        }
        return new Result(out, items.get(0).timestamp());
    }

    /** A Quantity's {@code MilliValue}: thousandths, rounded up as kube rounds. */
    static long milliValue(String quantity) throws MetricsUnavailableException {
        try {
            BigDecimal v = Quantity.parse(quantity).movePointRight(3).setScale(0, RoundingMode.CEILING);
            return v.longValueExact();
        } catch (QuantityFormatException | ArithmeticException e) {
            throw new MetricsUnavailableException(
                    "invalid quantity \"" + quantity + "\" in metrics: " + e.getMessage());
        }
    }
}
