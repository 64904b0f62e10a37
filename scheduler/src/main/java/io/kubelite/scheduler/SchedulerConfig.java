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
 */
public record SchedulerConfig(
        String schedulerName,
        String identity,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxInFlightBinds,
        int percentageOfNodesToScore) {
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
    }

    /** With kube's adaptive percentage of nodes to score (0). */
    public SchedulerConfig(
            String schedulerName, String identity, Duration initialBackoff, Duration maxBackoff, int maxInFlightBinds) {
        this(schedulerName, identity, initialBackoff, maxBackoff, maxInFlightBinds, 0);
    }

    /** kube-scheduler's defaults: 1 s → 10 s back-off; up to 512 binds in flight; adaptive node sampling. */
    public static SchedulerConfig defaults(String schedulerName, String identity) {
        return new SchedulerConfig(schedulerName, identity, Duration.ofSeconds(1), Duration.ofSeconds(10), 512, 0);
    }
}
