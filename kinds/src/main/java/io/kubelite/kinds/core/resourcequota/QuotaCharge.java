package io.kubelite.kinds.core.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.ResourceQuota;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube's quota admission check of one quota, as a pure function: which of the quota's hard
 * limits an object uses, whether its usage fits under them, and the quota with the object
 * charged to {@code status.used}. The limits enforced are {@code status.hard}, as kube's
 * admission reads them (the controller copies them from the spec), else the spec's.
 */
public final class QuotaCharge {
    private QuotaCharge() {}

    /** The limits the quota enforces, by resource name. */
    public static Map<String, String> hard(ResourceQuota q) {
        return q.getStatus().getHardCount() > 0
                ? q.getStatus().getHardMap()
                : q.getSpec().getHardMap();
    }

    /** The hard names {@code obj} may use of {@code q}; empty when the quota does not concern it. */
    public static Set<String> interesting(ResourceQuota q, io.kubelite.kinds.Resource<?> r, Message obj) {
        Set<String> out = new TreeSet<>();
        if (PodScopes.scoped(q.getSpec()) && !(obj instanceof Pod p && PodScopes.matches(q.getSpec(), p))) {
            return out;
        }
        Map<String, Amount> usage = Usage.of(r, obj);
        for (String name : hard(q).keySet()) {
            if (usage.containsKey(name) || (obj instanceof Pod && ResourceNames.CONTAINER_REQUIRED.contains(name))) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * {@code q} with {@code delta} (the object's usage, or the growth of an updated one) added
     * to {@code status.used}; {@code q} itself when the object uses none of it.
     *
     * @throws QuotaRefusal with kube's message when a limit would be exceeded, a tracked
     *     request or limit is missing, or the quota's usage is not known yet
     */
    public static ResourceQuota charge(
            ResourceQuota q, io.kubelite.kinds.Resource<?> r, Message obj, Map<String, Amount> delta) {
        Set<String> names = interesting(q, r, obj);
        if (names.isEmpty()) {
            return q;
        }
        String name = q.getMetadata().getName();
        if (obj instanceof Pod p) {
            String missing = Usage.podConstraintError(p, names);
            if (missing != null) {
                throw new QuotaRefusal("failed quota: " + name + ": " + missing);
            }
        }
        Map<String, Amount> requested = new TreeMap<>();
        for (String n : names) {
            Amount d = delta.get(n);
            if (d != null && !d.isZero()) {
                requested.put(n, d);
            }
        }
        if (requested.isEmpty()) {
            return q;
        }
        Map<String, String> used = q.getStatus().getUsedMap();
        List<String> unknown = new ArrayList<>();
        for (String n : requested.keySet()) {
            if (!used.containsKey(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            throw new QuotaRefusal("status unknown for quota: " + name + ", resources: " + String.join(",", unknown));
        }
        Map<String, String> hard = hard(q);
        Map<String, Amount> newUsed = new TreeMap<>();
        List<String> exceeded = new ArrayList<>();
        for (Map.Entry<String, Amount> e : requested.entrySet()) {
            Amount now = parseOrZero(used.get(e.getKey()));
            Amount next = now.plus(e.getValue());
            newUsed.put(e.getKey(), next);
            if (next.compareTo(parseOrZero(hard.get(e.getKey()))) > 0) {
                exceeded.add(e.getKey());
            }
        }
        if (!exceeded.isEmpty()) {
            throw new QuotaRefusal("exceeded quota: " + name
                    + ", requested: " + pretty(exceeded, k -> requested.get(k).toString())
                    + ", used: "
                    + pretty(exceeded, k -> parseOrZero(used.get(k)).toString())
                    + ", limited: "
                    + pretty(exceeded, k -> parseOrZero(hard.get(k)).toString()));
        }
        ResourceQuota.Builder b = q.toBuilder();
        newUsed.forEach((k, v) -> b.getStatusBuilder().putUsed(k, v.toString()));
        return b.build();
    }

    /** {@code q} with {@code delta} taken back from the used amounts it tracks (never below zero). */
    public static ResourceQuota release(ResourceQuota q, Map<String, Amount> delta) {
        ResourceQuota.Builder b = q.toBuilder();
        Map<String, String> used = q.getStatus().getUsedMap();
        delta.forEach((k, d) -> {
            if (used.containsKey(k)) {
                Amount next = parseOrZero(used.get(k)).minus(d);
                b.getStatusBuilder().putUsed(k, (next.value().signum() < 0 ? Amount.ZERO : next).toString());
            }
        });
        return b.build();
    }

    private static String pretty(List<String> keys, java.util.function.Function<String, String> value) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + "=" + value.apply(k));
        }
        return String.join(",", parts);
    }

    static Amount parseOrZero(String q) {
        if (q == null) {
            return Amount.ZERO;
        }
        try {
            return Amount.parse(q);
        } catch (IllegalArgumentException e) {
            return Amount.ZERO;
        }
    }
}
