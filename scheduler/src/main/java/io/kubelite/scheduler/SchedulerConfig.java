package io.kubelite.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * What a scheduler instance is told.
 *
 * @param schedulerName    pods whose {@code spec.schedulerName} is this (empty counts as
 *                         {@value #DEFAULT_SCHEDULER_NAME}) are scheduled here
 * @param identity         this process, for Events' reportingInstance and logs
 * @param initialBackoff   first back-off of an unschedulable pod (doubles per attempt)
 * @param maxBackoff       the back-off's ceiling
 * @param maxInFlightBinds bind txns outstanding at once; the loop waits for a slot
 * @param percentageOfNodesToScore kube's {@code percentageOfNodesToScore}: stop filtering
 *                         once this share of the nodes (at least 100) is found feasible;
 *                         0 = adaptive (50% minus 1% per 125 nodes, at least 5%), 100 = all
 * @param parallelism      kube's {@code parallelism}: threads that filter and score one pod's
 *                         nodes (the scheduling thread counts as one); 0 = {@link #defaultParallelism}
 */
public record SchedulerConfig(
        String schedulerName,
        String identity,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxInFlightBinds,
        int percentageOfNodesToScore,
        int parallelism) {
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    public SchedulerConfig {
        Objects.requireNonNull(schedulerName, "schedulerName");
        Objects.requireNonNull(identity, "identity");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
        }
        if (maxInFlightBinds < 1) {
            throw new IllegalArgumentException("maxInFlightBinds must be at least 1");
        }
        if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
            throw new IllegalArgumentException("percentageOfNodesToScore must be within 0..100");
        }
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be 0 (default) or more");
        }
    }

    /** With kube's adaptive percentage of nodes to score and this machine's default parallelism (both 0). */
    public SchedulerConfig(
            String schedulerName, String identity, Duration initialBackoff, Duration maxBackoff, int maxInFlightBinds) {
        this(schedulerName, identity, initialBackoff, maxBackoff, maxInFlightBinds, 0, 0);
    }

    /** The parallelism in effect: {@link #parallelism()}, or {@link #defaultParallelism} when that is 0. */
    public int effectiveParallelism() {
        return parallelism > 0
                ? parallelism
                : defaultParallelism(Runtime.getRuntime().availableProcessors());
    }

    /**
     * One thread per core from three cores up; on one or two cores, the scheduling thread alone.
     * On two cores a helper thread saved no time and cost CPU: the scheduler shares those
     * cores with its own binding pipeline (gRPC, the pod informer) and, in a small cluster,
     * etcd, so a cycle split in two waits for a core anyway, and handing out a few hundred
     * nodes per pod to a second thread cost a fifth of the scheduler's CPU per pod
     * (docs/benchmarks.md, scheduler fifth round). kube-scheduler defaults to 16 whatever the
     * machine; its scale tests run on many more cores.
     */
    static int defaultParallelism(int cores) {
        return cores <= 2 ? 1 : cores;
    }

    /**
     * kube-scheduler's defaults: 1 s → 10 s back-off; up to 512 binds in flight; adaptive node
     * sampling; this machine's default parallelism.
     */
    public static SchedulerConfig defaults(String schedulerName, String identity) {
        return new SchedulerConfig(schedulerName, identity, Duration.ofSeconds(1), Duration.ofSeconds(10), 512, 0, 0);
    }
}
