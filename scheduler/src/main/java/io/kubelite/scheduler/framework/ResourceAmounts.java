package io.kubelite.scheduler.framework;

import io.kubelite.api.Quantity;
import java.util.Map;

/**
 * The resources the scheduler accounts: CPU in millicores, memory in bytes, and pod
 * count. Mutable; a pod's are built once ({@link PodInfo}), a node's are handed out as copies
 * ({@link NodeInfo} keeps its sums as plain fields).
 */
public final class ResourceAmounts {
    public long milliCpu;
    public long memory;
    public long pods;

    public ResourceAmounts() {}

    public ResourceAmounts(long milliCpu, long memory, long pods) {
        this.milliCpu = milliCpu;
        this.memory = memory;
        this.pods = pods;
    }

    public void add(ResourceAmounts r) {
        milliCpu += r.milliCpu;
        memory += r.memory;
        pods += r.pods;
    }

    public void subtract(ResourceAmounts r) {
        milliCpu -= r.milliCpu;
        memory -= r.memory;
        pods -= r.pods;
    }

    public ResourceAmounts copy() {
        return new ResourceAmounts(milliCpu, memory, pods);
    }

    /**
     * Reads a resource list such as a node's allocatable; unparseable quantities count
     * as zero (a node advertising garbage gets nothing scheduled onto it).
     */
    public static ResourceAmounts fromMap(Map<String, String> list) {
        ResourceAmounts r = new ResourceAmounts();
        r.milliCpu = quantity(list.get("cpu"), true);
        r.memory = quantity(list.get("memory"), false);
        r.pods = quantity(list.get("pods"), false);
        return r;
    }

    static long quantity(String q, boolean cpu) {
        if (q == null) {
            return 0;
        }
        try {
            return cpu ? Quantity.cpuMillis(q) : Quantity.bytes(q);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "cpu=" + milliCpu + "m memory=" + memory + " pods=" + pods;
    }
}
