package io.kubelite.kubelet.node;

import io.kubelite.api.Taint;
import java.util.List;
import java.util.Map;

/**
 * What one simulated node is: its name, labels (hostname and zone included), the
 * taints it registers with, its capacity (cpu, memory, pods, ...) and allocatable.
 */
public record NodeTemplate(
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<Taint> taints,
        Map<String, String> capacity,
        Map<String, String> allocatable) {
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public NodeTemplate {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        taints = List.copyOf(taints);
        capacity = Map.copyOf(capacity);
        allocatable = Map.copyOf(allocatable);
    }
}
