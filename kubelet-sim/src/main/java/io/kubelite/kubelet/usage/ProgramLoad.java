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

    /** Null while no program demands anything (most containers, always): nothing allocated, nothing locked to read it. */
    private Map<Key, Demand> demands;
    /** Whether {@link #demands} holds anything, read without the lock on every usage tick. */
    private volatile boolean any;

    /** {@code program} now demands {@code cores} and {@code bytes} for {@code kind} (replacing its previous demand of that kind). */
    public synchronized void demand(Object program, String kind, double cores, long bytes) {
        if (demands == null) {
            demands = new HashMap<>();
        }
        demands.put(new Key(program, kind), new Demand(cores, bytes));
        any = true;
    }

    /** {@code program} demands nothing for {@code kind} any more. */
    public synchronized void clear(Object program, String kind) {
        if (demands != null) {
            demands.remove(new Key(program, kind));
            any = !demands.isEmpty();
        }
    }

    /** {@code program} ended: it demands nothing any more. */
    public synchronized void clearAll(Object program) {
        if (demands != null) {
            demands.keySet().removeIf(k -> k.program() == program);
            any = !demands.isEmpty();
        }
    }

    /** CPU cores the programs would use now, if nothing capped them. */
    public double cores() {
        return any ? sumCores() : 0;
    }

    private synchronized double sumCores() {
        double n = 0;
        for (Demand d : demands.values()) {
            n += d.cores();
        }
        return n;
    }

    /** Memory bytes the programs hold now. */
    public long bytes() {
        return any ? sumBytes() : 0;
    }

    private synchronized long sumBytes() {
        long n = 0;
        for (Demand d : demands.values()) {
            n += d.bytes();
        }
        return n;
    }
}
