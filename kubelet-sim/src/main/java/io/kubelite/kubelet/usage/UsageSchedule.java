package io.kubelite.kubelet.usage;

import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.store.runtime.DurationConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A usage set by annotation, optionally over time as {@code http-status} is: {@code 200Mi}, or
 * {@code 100Mi,300Mi@30s} (a value from an offset of simulated time since the container
 * started; before the first offset, the first value). Immutable.
 */
record UsageSchedule(List<Step> steps) {
    /** {@code value} from {@code fromMillis} (simulated) since the start. */
    record Step(long fromMillis, long value) {}

    /**
     * Parses {@code text}, each value with {@code quantity} (millicores or bytes).
     *
     * @throws IllegalArgumentException when a value or offset does not parse
     */
    static UsageSchedule parse(String text, ToLongFunction<String> quantity) {
        List<Step> steps = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int at = p.indexOf('@');
            long value = quantity.applyAsLong((at < 0 ? p : p.substring(0, at)).trim());
            long from = 0;
            if (at >= 0) {
                try {
                    from = DurationConverter.parse(p.substring(at + 1).trim()).toMillis();
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("bad offset in " + p, e);
                }
            }
            steps.add(new Step(from, value));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("empty " + Behaviour.PREFIX + " usage");
        }
        steps.sort(Comparator.comparingLong(Step::fromMillis));
        return new UsageSchedule(List.copyOf(steps));
    }

    /** The value {@code sinceStartMillis} (simulated) after the container started. */
    long at(long sinceStartMillis) {
        long v = steps.get(0).value();
        for (Step s : steps) {
            if (sinceStartMillis >= s.fromMillis()) {
                v = s.value();
            }
        }
        return v;
    }
}
