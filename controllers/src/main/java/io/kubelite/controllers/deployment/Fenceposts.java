package io.kubelite.controllers.deployment;

import com.google.protobuf.Value;
import io.kubelite.api.Deployment;

/**
 * kube's {@code MaxSurge}, {@code MaxUnavailable} and {@code ResolveFenceposts}: a rolling
 * Deployment's bounds in pods. Percentages are of {@code spec.replicas}, maxSurge rounded up and
 * maxUnavailable rounded down ({@code intstr.GetScaledValueFromIntOrPercent}); when both come to 0,
 * maxUnavailable is 1 so that the rollout can move at all. A Recreate Deployment has neither.
 */
record Fenceposts(int maxSurge, int maxUnavailable) {

    static boolean isRollingUpdate(Deployment d) {
        return d.getSpec().getStrategy().getType().equals("RollingUpdate");
    }

    static int replicas(Deployment d) {
        return d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1;
    }

    /** Both bounds of {@code d}; zero for a Recreate Deployment. maxUnavailable is capped at spec.replicas. */
    static Fenceposts of(Deployment d) {
        if (!isRollingUpdate(d)) {
            return new Fenceposts(0, 0);
        }
        int desired = replicas(d);
        var ru = d.getSpec().getStrategy().getRollingUpdate();
        Fenceposts f = resolve(ru.getMaxSurge(), ru.getMaxUnavailable(), desired);
        int unavailable = desired == 0 ? 0 : Math.min(f.maxUnavailable(), desired);
        return new Fenceposts(f.maxSurge(), unavailable);
    }

    static int maxSurge(Deployment d) {
        return of(d).maxSurge();
    }

    static int maxUnavailable(Deployment d) {
        return of(d).maxUnavailable();
    }

    /** kube's {@code ResolveFenceposts} (an unset value counts as 0). */
    static Fenceposts resolve(Value maxSurge, Value maxUnavailable, int desired) {
        int surge = scaled(maxSurge, desired, true);
        int unavailable = scaled(maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new Fenceposts(surge, unavailable);
    }

    /** kube's {@code GetScaledValueFromIntOrPercent}: a number as is, {@code N%} of {@code total} rounded as asked. */
    static int scaled(Value v, int total, boolean roundUp) {
        if (v == null || v.getKindCase() == Value.KindCase.KIND_NOT_SET) {
            return 0;
        }
        if (v.hasNumberValue()) {
            return (int) v.getNumberValue();
        }
        String s = v.getStringValue();
        if (!s.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid value \"" + s + "\"");
        }
        long pct = Long.parseLong(s.substring(0, s.length() - 1));
        long num = pct * total;
        return (int) (roundUp ? (num + 99) / 100 : num / 100);
    }
}
