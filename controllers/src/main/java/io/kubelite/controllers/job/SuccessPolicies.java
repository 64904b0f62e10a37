package io.kubelite.controllers.job;

import io.kubelite.api.SuccessPolicy;
import io.kubelite.api.SuccessPolicyRule;
import java.util.List;

/**
 * kube's {@code matchSuccessPolicy} (pkg/controller/job/success_policy.go): an Indexed Job's
 * success policy is met when, in order, a rule's {@code succeededIndexes} are all succeeded (or at
 * least {@code succeededCount} of them), or, for a rule with only {@code succeededCount}, that many
 * indexes succeeded. A rule whose index list does not parse is skipped.
 */
final class SuccessPolicies {
    static final String REASON = "SuccessPolicy";

    private SuccessPolicies() {}

    /** kube's message ({@code "Matched rules at index N"}) of the first rule met, else null. */
    static String match(SuccessPolicy policy, int completions, OrderedIntervals succeeded) {
        if (policy == null || succeeded.total() == 0) {
            return null;
        }
        for (int i = 0; i < policy.getRulesCount(); i++) {
            SuccessPolicyRule rule = policy.getRules(i);
            if (rule.hasSucceededIndexes()) {
                OrderedIntervals required = OrderedIntervals.parse(rule.getSucceededIndexes(), completions);
                if (required.total() == 0) {
                    continue;
                }
                if (matchIndexes(required, succeeded, rule.hasSucceededCount() ? rule.getSucceededCount() : null)) {
                    return "Matched rules at index " + i;
                }
            } else if (rule.hasSucceededCount() && succeeded.total() >= rule.getSucceededCount()) {
                return "Matched rules at index " + i;
            }
        }
        return null;
    }

    /** kube's {@code matchSucceededIndexesRule}: how many required indexes succeeded, by walking both interval lists. */
    static boolean matchIndexes(OrderedIntervals rule, OrderedIntervals succeeded, Integer succeededCount) {
        List<OrderedIntervals.Interval> r = rule.intervals();
        List<OrderedIntervals.Interval> s = succeeded.intervals();
        int contains = 0;
        int ri = 0;
        int si = 0;
        while (ri < r.size() && si < s.size()) {
            int overlap = Math.min(r.get(ri).last(), s.get(si).last())
                    - Math.max(r.get(ri).first(), s.get(si).first())
                    + 1;
            if (overlap > 0) {
                contains += overlap;
            }
            if (s.get(si).last() < r.get(ri).last()) {
                si++;
            } else if (s.get(si).last() > r.get(ri).last()) {
                ri++;
            } else {
                si++;
                ri++;
            }
        }
        return contains == rule.total() || (succeededCount != null && contains >= succeededCount);
    }
}
