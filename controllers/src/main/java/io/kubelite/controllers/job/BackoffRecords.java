package io.kubelite.controllers.job;

import io.kubelite.api.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code backoffStore}: per Job, the failures since the last success and when the last one
 * finished, from which the delay before a replacement pod is created follows — the base delay
 * ({@link #BASE} unless {@code --job-pod-failure-backoff} compresses it, as kube's integration
 * tests override DefaultJobPodFailureBackOff) doubling per consecutive failure up to {@link #MAX}, counted from the last failure's finish on
 * the controller's clock. In memory, as kube's: a new leadership term starts with no delay.
 */
final class BackoffRecords {
    /** kube's DefaultJobPodFailureBackOff. */
    static final Duration BASE = Duration.ofSeconds(10);
    /**
     * The cap: six minutes, as kubernetes.io's Job page states (kube 1.31+'s controller caps at
     * ten: MaxJobPodFailureBackOff).
     */
    static final Duration MAX = Duration.ofMinutes(6);

    record Record(String key, int failuresAfterLastSuccess, Instant lastFailureTime, Duration base) {
        /** kube's {@code getRemainingTime}: zero when no failure is pending. */
        Duration remaining(Clock clock) {
            return remainingFor(failuresAfterLastSuccess, lastFailureTime, base, clock);
        }
    }

    /**
     * kube's {@code getRemainingTimeForFailuresCount}: {@code base} doubled per failure after the
     * first, capped at {@link #MAX}, less the time since the last failure; zero without failures.
     */
    static Duration remainingFor(int failures, Instant lastFailureTime, Duration base, Clock clock) {
        if (failures == 0 || lastFailureTime == null) {
            return Duration.ZERO;
        }
        Duration d = base;
        for (int i = 1; i < failures; i++) {
            d = d.multipliedBy(2);
            if (d.compareTo(MAX) >= 0) {
                d = MAX;
                break;
            }
        }
        Duration elapsed = Duration.between(lastFailureTime, clock.instant());
        return d.compareTo(elapsed) < 0 ? Duration.ZERO : d.minus(elapsed);
    }

    private final Map<String, Record> records = new ConcurrentHashMap<>();
    private final Duration base;

    BackoffRecords() {
        this(BASE);
    }

    /** With {@code base} as the first failure's delay; positive, else IllegalArgumentException. */
    BackoffRecords(Duration base) {
        if (base.isZero() || base.isNegative()) {
            throw new IllegalArgumentException("job pod failure back-off must be positive, got " + base);
        }
        this.base = base;
    }

    /** The first failure's delay; later ones double it. */
    Duration base() {
        return base;
    }

    /** kube's {@code newBackoffRecord}: the stored record updated with the pods that finished since. */
    Record next(String key, List<Pod> newSucceeded, List<Pod> newFailed) {
        Record old = records.getOrDefault(key, new Record(key, 0, null, base));
        Comparator<Pod> byFinish = Comparator.comparing(JobPods::finishedTime);
        List<Pod> ok = newSucceeded.stream().sorted(byFinish).toList();
        List<Pod> failed = newFailed.stream().sorted(byFinish).toList();
        if (ok.isEmpty()) {
            if (failed.isEmpty()) {
                return old;
            }
            return new Record(
                    key,
                    old.failuresAfterLastSuccess() + failed.size(),
                    JobPods.finishedTime(failed.get(failed.size() - 1)),
                    base);
        }
        Instant lastSuccess = JobPods.finishedTime(ok.get(ok.size() - 1));
        int count = 0;
        Instant lastFailure = null;
        for (int i = failed.size() - 1; i >= 0; i--) {
            Instant t = JobPods.finishedTime(failed.get(i));
            if (!t.isAfter(lastSuccess)) {
                break;
            }
            if (lastFailure == null) {
                lastFailure = t;
            }
            count++;
        }
        return new Record(key, count, lastFailure, base);
    }

    void update(Record r) {
        records.put(r.key(), r);
    }

    void remove(String key) {
        records.remove(key);
    }
}
