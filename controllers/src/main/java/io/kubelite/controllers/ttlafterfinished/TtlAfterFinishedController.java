package io.kubelite.controllers.ttlafterfinished;

import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.ClockTimers;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's TTL-after-finished controller: a finished Job (Complete or Failed) with
 * {@code ttlSecondsAfterFinished} is deleted that many seconds after it finished (the terminal
 * condition's transition time), with background propagation — the Job goes at once and the
 * garbage collector deletes its pods. Before deleting, the Job is read again from etcd and the
 * delete compares on its uid and revision, so a Job whose TTL was just extended is kept.
 */
public final class TtlAfterFinishedController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(TtlAfterFinishedController.class);

    private final ObjectStore<Job> jobs;
    private final Informer<Job> informer;
    private final Clock clock;
    private final WorkQueue<String> queue;
    private final ClockTimers<String> timers;

    public TtlAfterFinishedController(ControllerContext ctx, Clock clock) {
        this.queue = ctx.newQueue("ttl-after-finished");
        this.jobs = ctx.store().of(JobKind.RESOURCE);
        this.informer = ctx.informers().get(JobKind.RESOURCE);
        this.clock = clock;
        this.timers = new ClockTimers<>(clock, queue);
        informer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                enqueue(j);
            }

            @Override
            public void onUpdate(Job o, Job j) {
                enqueue(j);
            }
        });
    }

    private void enqueue(Job j) {
        if (needsCleanup(j)) {
            queue.add(j.getMetadata().getNamespace() + "/" + j.getMetadata().getName());
        }
    }

    private static boolean needsCleanup(Job j) {
        return j.getSpec().hasTtlSecondsAfterFinished()
                && Jobs.isFinished(j)
                && !j.getMetadata().hasDeletionTimestamp();
    }

    @Override
    public String name() {
        return "ttl-after-finished";
    }

    @Override
    public void start() {
        queue.start(5, this::sync);
    }

    @Override
    public void close() {
        timers.close();
        queue.close();
    }

    /** When the Job finished: its Complete or Failed condition's transition, else null. */
    static Instant finishedAt(Job j) {
        for (JobCondition c : j.getStatus().getConditionsList()) {
            if ((c.getType().equals(Jobs.COMPLETE) || c.getType().equals(Jobs.FAILED))
                    && c.getStatus().equals("True")
                    && Times.isSet(c.getLastTransitionTime())) {
                return Times.instant(c.getLastTransitionTime());
            }
        }
        return null;
    }

    /** Time left before the Job expires; zero or negative when it has. Null when it never does. */
    private Duration timeLeft(Job j) {
        Instant finished = finishedAt(j);
        if (!needsCleanup(j) || finished == null) {
            return null;
        }
        Instant expireAt = finished.plusSeconds(j.getSpec().getTtlSecondsAfterFinished());
        return Duration.between(clock.instant(), expireAt);
    }

    private Result sync(String key) throws Exception {
        Job cached = informer.get(key).orElse(null);
        if (cached == null) {
            return Result.done();
        }
        Instant asOf = clock.instant();
        Duration left = timeLeft(cached);
        if (left == null) {
            return Result.done();
        }
        if (left.compareTo(Duration.ZERO) > 0) {
            timers.addAt(key, asOf.plus(left));
            return Result.done();
        }
        Job fresh;
        try {
            fresh = jobs.get(
                            cached.getMetadata().getNamespace(),
                            cached.getMetadata().getName())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (Pods.isGone(e)) {
                return Result.done();
            }
            throw e;
        }
        asOf = clock.instant();
        left = timeLeft(fresh);
        if (left == null) {
            return Result.done();
        }
        if (left.compareTo(Duration.ZERO) > 0) {
            timers.addAt(key, asOf.plus(left));
            return Result.done();
        }
        LOG.info(
                "Cleaning up Job {} (finished, ttlSecondsAfterFinished {})",
                key,
                fresh.getSpec().getTtlSecondsAfterFinished());
        try {
            jobs.delete(
                            fresh.getMetadata().getNamespace(),
                            fresh.getMetadata().getName(),
                            new Preconditions(
                                    fresh.getMetadata().getUid(),
                                    fresh.getMetadata().getResourceVersion()))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
        return Result.done();
    }
}
