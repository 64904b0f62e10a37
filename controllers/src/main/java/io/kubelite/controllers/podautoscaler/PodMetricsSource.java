package io.kubelite.controllers.podautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the HorizontalPodAutoscaler controller reads pods' resource usage: the {@code
 * metrics.k8s.io/v1beta1} PodMetrics of one namespace's pods matching a label selector, as kube's
 * resource metrics client lists them. Implementations must be thread-safe and must bound every call
 * with a deadline; a failure is a {@link MetricsUnavailableException} whose message says why (it
 * reaches the HPA's condition and Events).
 */
public interface PodMetricsSource {

    /** The PodMetrics of pods in {@code namespace} matching {@code labelSelector} (string form). */
    List<PodMetrics> list(String namespace, String labelSelector) throws MetricsUnavailableException;

    /** One pod's sample: when it was taken, over which window, each container's usage as Quantities. */
    record PodMetrics(String name, Instant timestamp, Duration window, List<ContainerMetrics> containers) {
        public PodMetrics {
            containers = List.copyOf(containers);
        }
    }

    /** One container's usage, by resource name ({@code cpu}, {@code memory}), as Quantity strings. */
    record ContainerMetrics(String name, Map<String, String> usage) {
        public ContainerMetrics {
            usage = Map.copyOf(usage);
        }
    }

    /** No metrics could be read; the message is what kube's HPA would report. */
    final class MetricsUnavailableException extends Exception {
        public MetricsUnavailableException(String message) {
            super(message);
        }

        public MetricsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
