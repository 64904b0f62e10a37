package io.kubelite.kubelet.usage;

import io.kubelite.api.Container;
import io.kubelite.api.Quantity;

/**
 * A container's requests as kube's API server defaults them: a resource with a limit and no
 * request requests its limit (kubelite stores the spec as sent, so the defaulting is done
 * here). Pure functions; 0 for none.
 */
final class EffectiveRequests {
    private EffectiveRequests() {}

    static long cpuMillis(Container c) {
        String q = quantity(c, "cpu");
        return q == null ? 0 : Quantity.cpuMillis(q);
    }

    static long memoryBytes(Container c) {
        String q = quantity(c, "memory");
        return q == null ? 0 : Quantity.bytes(q);
    }

    private static String quantity(Container c, String resource) {
        String r = c.getResources().getRequestsMap().get(resource);
        return r != null ? r : c.getResources().getLimitsMap().get(resource);
    }
}
