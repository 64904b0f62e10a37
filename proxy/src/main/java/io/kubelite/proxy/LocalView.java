package io.kubelite.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the cluster a node's rules depend on beyond what every node shares: for each
 * service port that uses local endpoints (a Local internal or external traffic policy), the
 * endpoints running on that node, with the port's index. {@link IptablesRules#forNode} reads
 * the node name only to pick those endpoints, so nodes with equal views get byte-identical
 * rules and one rendering can serve them all. Without Local policies every node's view is
 * empty, and a sync renders once however many nodes it serves.
 *
 * @param localEndpoints alternating port index and {@link EndpointInfo}, in port then endpoint order
 */
public record LocalView(List<Object> localEndpoints) {
    private static final LocalView NONE = new LocalView(List.of());

    public LocalView {
        localEndpoints = List.copyOf(localEndpoints);
    }

    /** The view of every node in {@code nodes} for {@code ports} (the list a sync renders from). */
    public static Map<String, LocalView> of(Set<String> nodes, List<ServicePortInfo> ports) {
        Map<String, List<Object>> parts = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePortInfo p = ports.get(i);
            if (!p.usesLocalEndpoints()) {
                continue;
            }
            for (EndpointInfo e : p.endpoints()) {
                if (nodes.contains(e.nodeName())) {
                    List<Object> l = parts.computeIfAbsent(e.nodeName(), k -> new ArrayList<>());
                    l.add(i);
                    l.add(e);
                }
            }
        }
        Map<String, LocalView> out = new HashMap<>();
        for (String n : nodes) {
            List<Object> l = parts.get(n);
            out.put(n, l == null ? NONE : new LocalView(l));
        }
        return out;
    }
}
