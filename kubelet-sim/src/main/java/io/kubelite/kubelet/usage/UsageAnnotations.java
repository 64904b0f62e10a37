package io.kubelite.kubelet.usage;

import io.kubelite.api.Quantity;
import io.kubelite.kubelet.runtime.Behaviour;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage annotations, named as the other behaviour annotations are ({@link Behaviour}):
 * {@code sim.kubelite.io/cpu-usage} and {@code sim.kubelite.io/memory-usage} for every
 * container, with a {@code .<container>} suffix for one (it wins). Values are quantities
 * ({@code 500m}, {@code 200Mi}), optionally over time ({@link UsageSchedule}). They replace the
 * container's idle usage; its programs' demand comes on top. A malformed value is logged and
 * ignored.
 */
final class UsageAnnotations {
    static final String CPU = "cpu-usage";
    static final String MEMORY = "memory-usage";
    private static final Logger LOG = LoggerFactory.getLogger(UsageAnnotations.class);

    private UsageAnnotations() {}

    /** The CPU usage in millicores set for {@code container}, or null. */
    static UsageSchedule cpu(Map<String, String> annotations, String container) {
        return parse(annotations, CPU, container, Quantity::cpuMillis);
    }

    /** The memory working set in bytes set for {@code container}, or null. */
    static UsageSchedule memory(Map<String, String> annotations, String container) {
        return parse(annotations, MEMORY, container, Quantity::bytes);
    }

    private static UsageSchedule parse(
            Map<String, String> a, String name, String container, java.util.function.ToLongFunction<String> q) {
        String v = a.get(Behaviour.PREFIX + name + "." + container);
        if (v == null) {
            v = a.get(Behaviour.PREFIX + name);
        }
        if (v == null) {
            return null;
        }
        try {
            return UsageSchedule.parse(v, q);
        } catch (RuntimeException e) {
            LOG.warn("ignoring annotation {}{}: cannot parse \"{}\"", Behaviour.PREFIX, name, v);
            return null;
        }
    }
}
