package io.kubelite.kubelet.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the node templates the flags describe. */
public final class NodeTemplates {
    private NodeTemplates() {}

    public static Map<String, String> standardLabels(String name, String zone) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("kubernetes.io/hostname", name);
        l.put("kubernetes.io/os", "linux");
        l.put("kubernetes.io/arch", "amd64");
        l.put("beta.kubernetes.io/os", "linux");
        l.put("beta.kubernetes.io/arch", "amd64");
        if (zone != null && !zone.isEmpty()) {
            l.put(NodeTemplate.ZONE_LABEL, zone);
        }
        l.put("type", "kubelite-sim");
        return l;
    }

    /** {@code count} identical nodes {@code prefix0..prefixN-1}, round-robin over {@code zones}. */
    public static List<NodeTemplate> generated(
            int count, String prefix, List<String> zones, Map<String, String> capacity) {
        List<NodeTemplate> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            String zone = zones.isEmpty() ? "" : zones.get(i % zones.size());
            out.add(new NodeTemplate(name, standardLabels(name, zone), Map.of(), List.of(), capacity, capacity));
        }
        return out;
    }
}
