package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.autoscaling.v2.HPAScalingPolicy;
import io.kubelite.api.autoscaling.v2.HPAScalingRules;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's normalization of a metric's proposal ({@code horizontal.go}): stabilization over the
 * recommendation history, then the rate limits: without {@code behavior}, the highest recommendation
 * of the downscale stabilization window and a scale-up of at most max(2×current, 4); with it, the
 * scale-up/scale-down windows and the policies' limits over the scale events of their periods. Both
 * histories live in memory per HPA key, as kube keeps them, and start afresh with each leadership
 * term. Thread-safe: each HPA's lists are touched under the lock of its own {@link History}.
 */
final class ScaleNormalizer {
    private record Recommendation(int replicas, Instant at) {}

    private static final class ScaleEvent {
        final int change;
        final Instant at;
        boolean outdated;

        ScaleEvent(int change, Instant at) {
            this.change = change;
            this.at = at;
        }
    }

    private static final class History {
        final List<Recommendation> recommendations = new ArrayList<>();
        final List<ScaleEvent> ups = new ArrayList<>();
        final List<ScaleEvent> downs = new ArrayList<>();
    }

    /** Stabilized recommendation and the AbleToScale reason; then the limited count and the ScalingLimited one. */
    record Normalized(int stabilized, Outcome ableToScale, Outcome limited) {}

    private final Map<String, History> histories = new ConcurrentHashMap<>();
    private final Duration downscaleStabilization;
    private final Clock clock;

    ScaleNormalizer(Duration downscaleStabilization, Clock clock) {
        this.downscaleStabilization = downscaleStabilization;
        this.clock = clock;
    }

    /** kube's {@code recordInitialRecommendation}: the first sync remembers the current count. */
    void recordInitial(String key, int current) {
        History h = histories.computeIfAbsent(key, k -> new History());
        synchronized (h) {
            if (h.recommendations.isEmpty()) {
                h.recommendations.add(new Recommendation(current, clock.instant()));
            }
        }
    }

    void forget(String key) {
        histories.remove(key);
    }

    /** kube's {@code normalizeDesiredReplicas}: for an HPA without behavior. */
    Normalized withoutBehavior(String key, int current, int proposed, int min, int max) {
        History h = histories.computeIfAbsent(key, k -> new History());
        Instant now = clock.instant();
        int stabilized = proposed;
        synchronized (h) {
            Instant cutoff = now.minus(downscaleStabilization);
            int old = -1;
            for (int i = 0; i < h.recommendations.size(); i++) {
                Recommendation r = h.recommendations.get(i);
                if (r.at.isBefore(cutoff)) {
                    old = i;
                } else if (r.replicas > stabilized) {
                    stabilized = r.replicas;
                }
            }
            record(h, old, new Recommendation(proposed, now));
        }
        Outcome able = stabilized != proposed
                ? new Outcome(
                        stabilized,
                        "ScaleDownStabilized",
                        "recent recommendations were higher than current one, applying the highest recent recommendation")
                : new Outcome(stabilized, "ReadyForNewScale", "recommended size matches current size");
        int scaleUpLimit = Math.max(2 * current, 4);
        int maxAllowed;
        String reason;
        String message;
        if (max > scaleUpLimit) {
            maxAllowed = scaleUpLimit;
            reason = "ScaleUpLimit";
            message = "the desired replica count is increasing faster than the maximum scale rate";
        } else {
            maxAllowed = max;
            reason = "TooManyReplicas";
            message = "the desired replica count is more than the maximum replica count";
        }
        Outcome limited;
        if (stabilized < min) {
            limited = new Outcome(
                    min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        } else if (stabilized > maxAllowed) {
            limited = new Outcome(maxAllowed, reason, message);
        } else {
            limited = withinRange(stabilized);
        }
        return new Normalized(stabilized, able, limited);
    }

    /** kube's {@code normalizeDesiredReplicasWithBehaviors}; {@code b} has both rules defaulted. */
    Normalized withBehavior(
            String key, HorizontalPodAutoscalerBehavior b, int current, int proposed, int min, int max) {
        History h = histories.computeIfAbsent(key, k -> new History());
        Instant now = clock.instant();
        int upWindow = b.getScaleUp().getStabilizationWindowSeconds();
        // kube's maybeInitScaleDownStabilizationWindow: unset means the controller's flag
        long downWindow = b.getScaleDown().hasStabilizationWindowSeconds()
                ? b.getScaleDown().getStabilizationWindowSeconds()
                : downscaleStabilization.toSeconds();
        int stabilized;
        synchronized (h) {
            Instant upCutoff = now.minusSeconds(upWindow);
            Instant downCutoff = now.minusSeconds(downWindow);
            int up = proposed;
            int down = proposed;
            int old = -1;
            for (int i = 0; i < h.recommendations.size(); i++) {
                Recommendation r = h.recommendations.get(i);
                if (r.at.isAfter(upCutoff)) {
                    up = Math.min(r.replicas, up);
                }
                if (r.at.isAfter(downCutoff)) {
                    down = Math.max(r.replicas, down);
                }
                if (r.at.isBefore(upCutoff) && r.at.isBefore(downCutoff)) {
                    old = i;
                }
            }
            stabilized = Math.min(Math.max(current, up), down);
            record(h, old, new Recommendation(proposed, now));
        }
        Outcome able;
        if (stabilized == proposed) {
            able = new Outcome(stabilized, "ReadyForNewScale", "recommended size matches current size");
        } else if (proposed >= current) {
            able = new Outcome(
                    stabilized,
                    "ScaleUpStabilized",
                    "recent recommendations were lower than current one, applying the lowest recent recommendation");
        } else {
            able = new Outcome(
                    stabilized,
                    "ScaleDownStabilized",
                    "recent recommendations were higher than current one, applying the highest recent recommendation");
        }
        return new Normalized(stabilized, able, rateLimited(h, b, current, stabilized, min, max, now));
    }

    /** kube's {@code convertDesiredReplicasWithBehaviorRate}. */
    private Outcome rateLimited(
            History h, HorizontalPodAutoscalerBehavior b, int current, int desired, int min, int max, Instant now) {
        synchronized (h) {
            if (desired > current) {
                int limit = Math.max(current, upLimit(current, h, b.getScaleUp(), now));
                if (max > limit) {
                    if (desired > limit) {
                        return new Outcome(
                                limit,
                                "ScaleUpLimit",
                                "the desired replica count is increasing faster than the maximum scale rate");
                    }
                } else if (desired > max) {
                    return new Outcome(
                            max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
                }
            } else if (desired < current) {
                int limit = Math.min(current, downLimit(current, h, b.getScaleDown(), now));
                if (min < limit) {
                    if (desired < limit) {
                        return new Outcome(
                                limit,
                                "ScaleDownLimit",
                                "the desired replica count is decreasing faster than the maximum scale rate");
                    }
                } else if (desired < min) {
                    return new Outcome(
                            min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
                }
            }
        }
        return withinRange(desired);
    }

    private static Outcome withinRange(int n) {
        return new Outcome(n, "DesiredWithinRange", "the desired count is within the acceptable range");
    }

    /** kube's {@code calculateScaleUpLimitWithScalingRules}. */
    private static int upLimit(int current, History h, HPAScalingRules rules, Instant now) {
        String select = rules.getSelectPolicy();
        if (select.equals("Disabled")) {
            return current;
        }
        boolean minChange = select.equals("Min");
        long result = minChange ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (HPAScalingPolicy p : rules.getPoliciesList()) {
            int start =
                    current - changeIn(p.getPeriodSeconds(), h.ups, now) + changeIn(p.getPeriodSeconds(), h.downs, now);
            long proposed = p.getType().equals("Pods")
                    ? (long) start + p.getValue()
                    : (long) Math.ceil(start * (1 + p.getValue() / 100.0));
            result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
    }

    /** kube's {@code calculateScaleDownLimitWithBehaviors}. */
    private static int downLimit(int current, History h, HPAScalingRules rules, Instant now) {
        String select = rules.getSelectPolicy();
        if (select.equals("Disabled")) {
            return current;
        }
        boolean minChange = select.equals("Min");
        long result = minChange ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (HPAScalingPolicy p : rules.getPoliciesList()) {
            int start =
                    current - changeIn(p.getPeriodSeconds(), h.ups, now) + changeIn(p.getPeriodSeconds(), h.downs, now);
            long proposed = p.getType().equals("Pods")
                    ? (long) start - p.getValue()
                    : (long) (start * (1 - p.getValue() / 100.0));
            result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return (int) result;
    }

    /** kube's {@code getReplicasChangePerPeriod}. */
    private static int changeIn(int periodSeconds, List<ScaleEvent> events, Instant now) {
        Instant cutoff = now.minusSeconds(periodSeconds);
        int sum = 0;
        for (ScaleEvent e : events) {
            if (e.at.isAfter(cutoff)) {
                sum += e.change;
            }
        }
        return sum;
    }

    /** kube's {@code storeScaleEvent}: only HPAs with behavior keep scale events. */
    void recordScale(String key, HorizontalPodAutoscalerBehavior b, int from, int to) {
        if (b == null) {
            return;
        }
        History h = histories.computeIfAbsent(key, k -> new History());
        Instant now = clock.instant();
        synchronized (h) {
            boolean up = to > from;
            List<ScaleEvent> events = up ? h.ups : h.downs;
            HPAScalingRules rules = up ? b.getScaleUp() : b.getScaleDown();
            int longest = rules.getPoliciesList().stream()
                    .mapToInt(HPAScalingPolicy::getPeriodSeconds)
                    .max()
                    .orElse(0);
            Instant cutoff = now.minusSeconds(longest);
            for (ScaleEvent e : events) {
                if (e.at.isBefore(cutoff)) {
                    e.outdated = true;
                }
            }
            ScaleEvent next = new ScaleEvent(Math.abs(to - from), now);
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).outdated) {
                    events.set(i, next);
                    return;
                }
            }
            events.add(next);
        }
    }

    private static void record(History h, int oldIndex, Recommendation r) {
        if (oldIndex >= 0) {
            h.recommendations.set(oldIndex, r);
        } else {
            h.recommendations.add(r);
        }
    }
}
