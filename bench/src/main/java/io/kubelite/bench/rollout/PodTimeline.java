package io.kubelite.bench.rollout;

import io.kubelite.api.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the write-counting watch saw each pod reach each stage of its life (create, bind, Ready,
 * delete mark, delete), so a rollout's time can be split between the components that move a pod
 * from one stage to the next: the scheduler (create → bind), kubelet-sim (bind → Ready, delete
 * mark → delete). Times are watch receipt times, the same lag for every stage.
 */
final class PodTimeline {
    enum Stage {
        CREATED,
        BOUND,
        READY,
        DELETE_MARKED,
        DELETED
    }

    /** Per pod key: receipt nanos by stage (0 = not seen) and the revision of each. */
    private record Entry(long[] nanos, long[] revisions) {
        Entry() {
            this(new long[Stage.values().length], new long[Stage.values().length]);
        }
    }

    private final Map<String, Entry> pods = new ConcurrentHashMap<>();

    void seen(String key, Stage stage, long revision) {
        Entry e = pods.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (e.nanos()[stage.ordinal()] == 0) {
                e.nanos()[stage.ordinal()] = System.nanoTime();
                e.revisions()[stage.ordinal()] = revision;
            }
        }
    }

    static boolean ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    /**
     * Latency from {@code from} to {@code to} of the pods that reached {@code from} at a revision
     * in {@code (after, upTo]}, as "n, p50, p90, p99, max" in milliseconds.
     */
    String latency(Stage from, Stage to, long after, long upTo) {
        List<Long> ms = new ArrayList<>();
        for (Entry e : pods.values()) {
            synchronized (e) {
                long rev = e.revisions()[from.ordinal()];
                long t0 = e.nanos()[from.ordinal()];
                long t1 = e.nanos()[to.ordinal()];
                if (rev > after && rev <= upTo && t0 != 0 && t1 != 0) {
                    ms.add((t1 - t0) / 1_000_000);
                }
            }
        }
        if (ms.isEmpty()) {
            return "n 0";
        }
        long[] a = ms.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return String.format(
                "n %5d  p50 %6d  p90 %6d  p99 %6d  max %6d ms",
                a.length, a[a.length / 2], a[(int) (a.length * 0.9)], a[(int) (a.length * 0.99)], a[a.length - 1]);
    }
}
