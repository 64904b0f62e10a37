package io.kubelite.kinds.core.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ResourceQuotaStatus;
import io.kubelite.kinds.Resource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube's resourcequota controller's recomputation, as a pure function: {@code status.hard} is
 * the spec's, {@code status.used} the sum over the namespace's objects of each hard resource
 * ({@code 0} when nothing uses it).
 */
public final class QuotaStatuses {
    private QuotaStatuses() {}

    /** A namespace's objects of one resource. */
    public record Objects(Resource<?> resource, List<? extends Message> items) {}

    public static ResourceQuotaStatus compute(ResourceQuota q, List<Objects> namespaceObjects) {
        Map<String, String> hard = q.getSpec().getHardMap();
        Map<String, Amount> used = new TreeMap<>();
        for (String k : hard.keySet()) {
            used.put(k, Amount.ZERO);
        }
        boolean scoped = PodScopes.scoped(q.getSpec());
        for (Objects o : namespaceObjects) {
            for (Message m : o.items()) {
                if (scoped && !(m instanceof Pod p && PodScopes.matches(q.getSpec(), p))) {
                    continue;
                }
                Usage.of(o.resource(), m).forEach((k, v) -> {
                    if (used.containsKey(k)) {
                        used.merge(k, v, Amount::plus);
                    }
                });
            }
        }
        ResourceQuotaStatus.Builder b = ResourceQuotaStatus.newBuilder().putAllHard(hard);
        used.forEach((k, v) -> b.putUsed(k, v.toString()));
        return b.build();
    }
}
