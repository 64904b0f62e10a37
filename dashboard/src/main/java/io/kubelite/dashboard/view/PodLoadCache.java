package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * What each pod adds to the overview (its node, namespace, phase, and the requests it holds),
 * remembered per cached object: the cache replaces a pod's JSON tree on every change, so a tree
 * seen before (the same reference) has the same load, and a render of 20,000 pods parses the
 * quantities of only those that changed since the last render. Used by one rendering thread at a
 * time (the publisher's, or a one-shot request's; {@link #of} is synchronized for the latter).
 */
final class PodLoadCache {
    /** One pod's contribution; {@code source} is the tree it was computed from. */
    record PodLoad(JsonNode source, String namespace, String node, String phase, long cpuMillis, long memoryBytes) {}

    private Map<String, PodLoad> loads = new HashMap<>();
    private Map<String, PodLoad> next = new HashMap<>();

    /** The pod's load, computed again only when its tree is not the one seen last time. */
    synchronized PodLoad of(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        String key = meta.path("namespace").asText() + "/" + meta.path("name").asText();
        PodLoad l = loads.get(key);
        if (l == null || l.source() != pod) {
            boolean holds = PodRequests.holdsResources(pod);
            PodRequests r = holds ? PodRequests.of(pod) : new PodRequests(0, 0);
            l = new PodLoad(
                    pod,
                    meta.path("namespace").asText(),
                    pod.path("spec").path("nodeName").asText(""),
                    pod.path("status").path("phase").asText("Unknown"),
                    r.cpuMillis(),
                    r.memoryBytes());
        }
        next.put(key, l);
        return l;
    }

    /** Ends a render: forgets the pods it did not see (deleted ones). */
    synchronized void endRender() {
        Map<String, PodLoad> t = loads;
        loads = next;
        next = t;
        next.clear();
    }
}
