package io.kubelite.kubelet.usage;

import java.util.HashMap;
import java.util.Map;

/**
 * What one container instance's programs demand right now, beyond its idle usage: CPU cores
 * (a busy shell loop, {@code yes}, {@code stress --cpu}) and memory bytes ({@code stress --vm}).
 * A program sets each of its demands under its own key and a kind ({@link #BUSY},
 * {@link #HOGS}), clears one when it sleeps or finishes, and all of them when it ends or is
 * killed; the usage model reads the sums on its tick. Thread-safe.
 */
public final class ProgramLoad {
    /** A shell running without waiting: one core. */
    public static final String BUSY = "busy";
    /** A stress-style builtin's workers. */
    public static final String HOGS = "hogs";

    private record Key(Object program, String kind) {}

    private record Demand(double cores, long bytes) {}

    private final Map<Key, Demand> demands = new HashMap<>();

    /** {@code program} now demands {@code cores} and {@code bytes} for {@code kind} (replacing its previous demand of that kind). */
    public synchronized void demand(Object program, String kind, double cores, long bytes) {
        demands.put(new Key(program, kind), new Demand(cores, bytes));
    }

    /** {@code program} demands nothing for {@code kind} any more. */
    public synchronized void clear(Object program, String kind) {
        demands.remove(new Key(program, kind));
    }

    /** {@code program} ended: it demands nothing any more. */
    public synchronized void clearAll(Object program) {
        demands.keySet().removeIf(k -> k.program() == program);
    }

    /** CPU cores the programs would use now, if nothing capped them. */
    public synchronized double cores() {
        double n = 0;
        for (Demand d : demands.values()) {
            n += d.cores();
        }
        return n;
    }

    /** Memory bytes the programs hold now. */
    public synchronized long bytes() {
        long n = 0;
        for (Demand d : demands.values()) {
            n += d.bytes();
        }
        return n;
    }
}
