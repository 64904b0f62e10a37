package io.kubelite.controllers.job;

import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.api.JobStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.UncountedTerminatedPods;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.replicaset.Expectations;
import io.kubelite.controllers.util.ClockTimers;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's Job controller ({@code pkg/controller/job}): runs a Job's pods to completion.
 *
 * <ul>
 *   <li>Pods are created from the template ({@link JobPodTemplate}) up to {@code parallelism},
 *       never more than the completions left, with the {@code batch.kubernetes.io/job-tracking}
 *       finalizer; failed pods are replaced after a back-off ({@link BackoffRecords}).</li>
 *   <li>Finished pods are counted as kube does with finalizers: their uids go to
 *       {@code status.uncountedTerminatedPods}, then the finalizer is removed, then they move to
 *       {@code succeeded}/{@code failed}, so a pod is counted exactly once across restarts.
 *       Indexed Jobs count indexes in {@code completedIndexes} instead; with
 *       {@code backoffLimitPerIndex} each index has its own failure count and back-off, and a
 *       failed index is not retried ({@link IndexFailures}).</li>
 *   <li>Failure: more failures than {@code backoffLimit}, {@code activeDeadlineSeconds} passed,
 *       or a FailJob rule of the pod failure policy sets the interim {@code FailureTarget}
 *       condition, active pods are deleted, and once none is left {@code Failed}; so do too
 *       many failed indexes, or all indexes finished with some failed. Success (all completions,
 *       or a rule of the success policy: {@link SuccessPolicies}) sets {@code SuccessCriteriaMet},
 *       deletes what still runs, then {@code Complete} with {@code completionTime}.</li>
 *   <li>A Job whose {@code spec.managedBy} names another controller is left alone.</li>
 *   <li>{@code suspend} deletes the active pods (their finalizers removed first, so they are not
 *       counted) and sets {@code Suspended}; resuming resets {@code startTime}.</li>
 * </ul>
 * Time is read from the controller's {@link Clock}; delays (back-off, deadline) are scheduled on it.
 */
public final class JobController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
    static final int MAX_UNCOUNTED = 500;
    static final int MAX_PODS_PER_SYNC = 500;
    static final int WORKERS = 5;

    private final ObjectStore<Job> jobs;
    private final JobPodControl podControl;
    private final Informer<Job> jobInformer;
    private final Informer<Pod> podInformer;
    private final EventRecorder recorder;
    private final Clock clock;
    private final WorkQueue<String> queue;
    private final WorkQueue<String> orphans;
    private final ClockTimers<String> timers;
    private final Expectations expectations = new Expectations();
    private final FinalizerExpectations finalizerExpectations = new FinalizerExpectations();
    private final BackoffRecords backoff;
    private final JobPodWrites podWrites;
    private final JobPodClaims claims;

    public JobController(ControllerContext ctx, Clock clock) {
        this.queue = ctx.newQueue("job");
        this.orphans = ctx.newQueue("job-orphan-pod");
        this.jobs = ctx.store().of(JobKind.RESOURCE);
        this.podControl =
                new JobPodControl(ctx.store().of(PodKind.RESOURCE), new PodAdmission(ctx.store(), ctx.informers()));
        this.jobInformer = ctx.informers().get(JobKind.RESOURCE);
        this.podInformer = ctx.informers().get(PodKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.clock = clock;
        this.backoff = new BackoffRecords(ctx.options().jobPodFailureBackoff);
        this.timers = new ClockTimers<>(clock, queue);
        this.podWrites = new JobPodWrites(podControl, expectations, recorder);
        this.claims = new JobPodClaims(podInformer, podControl, jobs);
        jobInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                queue.add(key(j.getMetadata()));
            }

            @Override
            public void onUpdate(Job o, Job j) {
                updateJob(o, j);
            }

            @Override
            public void onDelete(Job j) {
                queue.add(key(j.getMetadata()));
                cleanupPodFinalizers(j);
            }
        });
        podInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                addPod(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                updatePod(o, p);
            }

            @Override
            public void onDelete(Pod p) {
                deletePod(p, true);
            }
        });
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    @Override
    public String name() {
        return "job";
    }

    @Override
    public void start() {
        queue.start(WORKERS, this::sync);
        orphans.start(1, this::syncOrphanPod);
    }

    @Override
    public void close() {
        timers.close();
        queue.close();
        orphans.close();
    }

    // ------------------------------------------------------------------ events

    private void updateJob(Job old, Job cur) {
        String k = key(cur.getMetadata());
        queue.add(k);
        if (Jobs.isFinished(cur)) {
            cleanupPodFinalizers(cur);
        }
        var s = cur.getSpec();
        if (cur.getStatus().hasStartTime()
                && s.hasActiveDeadlineSeconds()
                && (!old.getSpec().hasActiveDeadlineSeconds()
                        || old.getSpec().getActiveDeadlineSeconds() != s.getActiveDeadlineSeconds())) {
            timers.addAt(k, Times.instant(cur.getStatus().getStartTime()).plusSeconds(s.getActiveDeadlineSeconds()));
        }
    }

    private Optional<Job> resolve(String ns, OwnerReference ref) {
        if (!ref.getKind().equals("Job")) {
            return Optional.empty();
        }
        return jobInformer
                .get(ns, ref.getName())
                .filter(j -> j.getMetadata().getUid().equals(ref.getUid()));
    }

    private void addPod(Pod p) {
        if (Pods.isTerminating(p)) {
            deletePod(p, false);
            return;
        }
        Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
        if (ref.isPresent()) {
            resolve(p.getMetadata().getNamespace(), ref.get()).ifPresent(j -> {
                expectations.creationObserved(key(j.getMetadata()));
                queue.add(key(j.getMetadata()));
            });
            return;
        }
        if (JobPods.hasFinalizer(p)) {
            orphans.add(Pods.key(p));
        }
        matchingJobs(p).forEach(j -> queue.add(key(j.getMetadata())));
    }

    private void updatePod(Pod old, Pod cur) {
        if (old.getMetadata().getResourceVersion().equals(cur.getMetadata().getResourceVersion())) {
            return;
        }
        if (Pods.isTerminating(cur)) {
            deletePod(cur, false);
            return;
        }
        boolean finalizerRemoved = !JobPods.hasFinalizer(cur);
        Optional<OwnerReference> oldRef = Pods.controllerRef(old.getMetadata());
        Optional<OwnerReference> curRef = Pods.controllerRef(cur.getMetadata());
        if (!oldRef.equals(curRef) && oldRef.isPresent()) {
            resolve(old.getMetadata().getNamespace(), oldRef.get()).ifPresent(j -> {
                if (finalizerRemoved) {
                    finalizerExpectations.observed(
                            key(j.getMetadata()), cur.getMetadata().getUid());
                }
                queue.add(key(j.getMetadata()));
            });
        }
        if (curRef.isPresent()) {
            resolve(cur.getMetadata().getNamespace(), curRef.get()).ifPresent(j -> {
                if (finalizerRemoved) {
                    finalizerExpectations.observed(
                            key(j.getMetadata()), cur.getMetadata().getUid());
                }
                queue.add(key(j.getMetadata()));
            });
            return;
        }
        if (JobPods.hasFinalizer(cur)) {
            orphans.add(Pods.key(cur));
        }
        if (!old.getMetadata().getLabelsMap().equals(cur.getMetadata().getLabelsMap()) || !oldRef.equals(curRef)) {
            matchingJobs(cur).forEach(j -> queue.add(key(j.getMetadata())));
        }
    }

    private void deletePod(Pod p, boolean gone) {
        Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
        if (ref.isEmpty()) {
            if (JobPods.hasFinalizer(p) && !gone) {
                orphans.add(Pods.key(p));
            }
            return;
        }
        Optional<Job> job = resolve(p.getMetadata().getNamespace(), ref.get());
        if (job.isEmpty() || Jobs.isFinished(job.get())) {
            if (JobPods.hasFinalizer(p) && !gone) {
                orphans.add(Pods.key(p));
            }
            return;
        }
        String k = key(job.get().getMetadata());
        expectations.deletionObserved(k, Pods.key(p));
        if (gone || !JobPods.hasFinalizer(p)) {
            finalizerExpectations.observed(k, p.getMetadata().getUid());
        }
        queue.add(k);
    }

    private List<Job> matchingJobs(Pod p) {
        List<Job> out = new ArrayList<>();
        if (MirrorPods.isMirror(p)) {
            return out;
        }
        for (Job j : jobInformer.byNamespace(p.getMetadata().getNamespace())) {
            if (j.getSpec().hasSelector()
                    && Selector.of(j.getSpec().getSelector())
                            .matches(p.getMetadata().getLabelsMap())) {
                out.add(j);
            }
        }
        return out;
    }

    /** The pods of a finished or deleted Job still carrying the tracking finalizer go to the orphan queue. */
    private void cleanupPodFinalizers(Job j) {
        for (Pod p : podInformer.byNamespace(j.getMetadata().getNamespace())) {
            if (JobPods.hasFinalizer(p)
                    && Pods.controllerRef(p.getMetadata())
                            .map(r -> r.getUid().equals(j.getMetadata().getUid()))
                            .orElse(false)) {
                orphans.add(Pods.key(p));
            }
        }
    }

    /** kube's {@code syncOrphanPod}: the finalizer of a pod no unfinished Job controls is removed. */
    private Result syncOrphanPod(String podKey) throws Exception {
        Pod p = podInformer.get(podKey).orElse(null);
        if (p == null || !JobPods.hasFinalizer(p)) {
            return Result.done();
        }
        Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
        if (ref.isPresent()) {
            if (!ref.get().getKind().equals("Job") || !ref.get().getApiVersion().equals("batch/v1")) {
                return Result.done();
            }
            Optional<Job> job = resolve(p.getMetadata().getNamespace(), ref.get());
            if (job.isPresent() && Jobs.managedByExternalController(job.get()).isPresent()) {
                return Result.done(); // its controller owns the finalizer
            }
            if (job.isPresent() && !Jobs.isFinished(job.get())) {
                return Result.done(); // adopted: the Job's sync counts it
            }
        }
        podControl.removeFinalizer(p).get(15, TimeUnit.SECONDS);
        return Result.done();
    }

    // ------------------------------------------------------------------ sync

    private Result sync(String key) throws Exception {
        Job cached = jobInformer.get(key).orElse(null);
        if (cached == null) {
            expectations.delete(key);
            finalizerExpectations.delete(key);
            backoff.remove(key);
            return Result.done();
        }
        Optional<String> external = Jobs.managedByExternalController(cached);
        if (external.isPresent()) {
            // kube checks here too, not only when queueing: a queued key may now name a Job
            // recreated with managedBy set
            LOG.debug("Job {}: skipped, managed by {}", key, external.get());
            return Result.done();
        }
        if (Jobs.isFinished(cached)) {
            backoff.remove(key);
            return Result.done();
        }
        String mode = cached.getSpec().getCompletionMode();
        if (!mode.isEmpty() && !mode.equals(Jobs.NON_INDEXED) && !mode.equals(Jobs.INDEXED)) {
            recorder.warning(
                    ref(cached), "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return Result.done();
        }
        boolean satisfied = expectations.satisfied(key);
        List<Pod> pods = claims.claim(cached);
        JobSyncState st = new JobSyncState(cached, pods, finalizerExpectations.get(key), clock.instant());
        JobStatus.Builder status = st.status;
        Instant now = st.now;

        if (!status.hasStartTime() && !Jobs.isSuspended(cached)) {
            status.setStartTime(Times.ts(now.truncatedTo(ChronoUnit.SECONDS)));
        }
        BackoffRecords.Record backoffRecord = backoff.next(key, st.newSucceeded, st.newFailed);
        JobCondition finished = st.finishedConditionBeforeManage(this::pastActiveDeadline);
        if (finished == null
                && cached.getSpec().hasActiveDeadlineSeconds()
                && !Jobs.isSuspended(cached)
                && status.hasStartTime()) {
            timers.addAt(
                    key,
                    Times.instant(status.getStartTime())
                            .plusSeconds(cached.getSpec().getActiveDeadlineSeconds()));
        }
        Exception manageErr = null;
        boolean suspendChanged = false;
        if (finished != null) {
            int deleted = podWrites.deleteActive(cached, st.active);
            if (deleted != st.active.size() || !satisfied) {
                finished = null; // finalizers or pods the informer has not shown yet
            }
            st.activeCount -= deleted;
            st.terminating += deleted;
            st.ready -= (int) st.active.stream().filter(Pods::isReady).count();
        } else {
            boolean managed = false;
            if (satisfied && !cached.getMetadata().hasDeletionTimestamp()) {
                try {
                    manageJob(key, cached, st, backoffRecord);
                } catch (Exception e) {
                    manageErr = e;
                }
                managed = true;
            }
            boolean complete = cached.getSpec().hasCompletions()
                    ? st.succeeded >= cached.getSpec().getCompletions() && st.activeCount == 0
                    : st.succeeded > 0 && st.activeCount == 0;
            if (complete) {
                finished = JobConditions.of(
                        Jobs.SUCCESS_CRITERIA_MET,
                        "True",
                        JobConditions.REASON_COMPLETIONS_REACHED,
                        JobConditions.MSG_COMPLETIONS_REACHED,
                        now);
            } else if (managed) {
                suspendChanged = updateSuspended(cached, status, now);
            }
        }
        st.finished = finished;
        boolean needsFlush = suspendChanged
                || st.activeCount != cached.getStatus().getActive()
                || !cached.getStatus().hasReady()
                || st.ready != cached.getStatus().getReady()
                || !cached.getStatus().hasTerminating()
                || st.terminating != cached.getStatus().getTerminating()
                || !cached.getStatus().hasStartTime() && status.hasStartTime();
        status.setActive(st.activeCount).setReady(Math.max(0, st.ready)).setTerminating(st.terminating);
        trackStatusAndRemoveFinalizers(key, cached, st, backoffRecord, needsFlush);
        if (manageErr != null) {
            throw manageErr;
        }
        return Result.done();
    }

    private boolean pastActiveDeadline(Job job, JobStatus.Builder status, Instant now) {
        if (!job.getSpec().hasActiveDeadlineSeconds() || !status.hasStartTime() || Jobs.isSuspended(job)) {
            return false;
        }
        Duration ran = Duration.between(Times.instant(status.getStartTime()), now);
        return ran.compareTo(Duration.ofSeconds(job.getSpec().getActiveDeadlineSeconds())) >= 0;
    }

    /** Suspended=True (JobSuspended) or, once it was, False (JobResumed, startTime reset). True when changed. */
    private boolean updateSuspended(Job job, JobStatus.Builder status, Instant now) {
        if (Jobs.isSuspended(job)) {
            if (JobConditions.ensure(status, Jobs.SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
                recorder.normal(ref(job), "Suspended", "Job suspended");
                return true;
            }
            return false;
        }
        if (JobConditions.ensure(status, Jobs.SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
            recorder.normal(ref(job), "Resumed", "Job resumed");
            status.setStartTime(Times.ts(now.truncatedTo(ChronoUnit.SECONDS)));
            return true;
        }
        return false;
    }

    /** kube's {@code manageJob}: deletes extra active pods (or all, when suspended), else creates missing ones. */
    private void manageJob(String key, Job job, JobSyncState st, BackoffRecords.Record backoffRecord) throws Exception {
        int active = st.activeCount;
        if (Jobs.isSuspended(job)) {
            List<Pod> victims = JobPods.forRemoval(job, st.active, active);
            expectations.expectDeletions(key, victims.stream().map(Pods::key).toList());
            int removed = podWrites.deleteWithoutCounting(key, job, victims);
            st.activeCount -= removed;
            st.terminating += removed;
            st.ready -= (int) victims.stream().filter(Pods::isReady).count();
            return;
        }
        int parallelism = job.getSpec().getParallelism();
        int wantActive;
        if (!job.getSpec().hasCompletions()) {
            wantActive = st.succeeded > 0 ? active : parallelism;
        } else {
            wantActive = Math.max(0, Math.min(job.getSpec().getCompletions() - st.succeeded, parallelism));
        }
        List<Pod> victims = JobPods.forRemoval(job, st.active, Math.max(0, active - wantActive));
        if (victims.size() > MAX_PODS_PER_SYNC) {
            victims = victims.subList(0, MAX_PODS_PER_SYNC);
        }
        if (!victims.isEmpty()) {
            expectations.expectDeletions(key, victims.stream().map(Pods::key).toList());
            int removed = podWrites.deleteWithoutCounting(key, job, victims);
            st.activeCount -= removed;
            st.terminating += removed;
            st.ready -= (int) victims.stream().filter(Pods::isReady).count();
            return;
        }
        int terminating = JobPods.onlyReplaceFailedPods(job) ? st.terminating : 0;
        int diff = Math.min(wantActive - terminating - active, MAX_PODS_PER_SYNC);
        if (diff <= 0) {
            return;
        }
        boolean perIndex = IndexFailures.enabled(job);
        if (!perIndex) {
            // with backoffLimitPerIndex each index waits its own back-off instead
            Duration wait = backoffRecord.remaining(clock);
            if (wait.compareTo(Duration.ZERO) > 0) {
                syncAfter(key, wait);
                return;
            }
        }
        List<Integer> indexes = new ArrayList<>();
        if (Jobs.isIndexed(job)) {
            List<Pod> terminatingPods = JobPods.onlyReplaceFailedPods(job)
                    ? st.pods.stream().filter(JobPods::isTerminating).toList()
                    : List.of();
            indexes = JobPods.firstPendingIndexes(
                    st.active,
                    terminatingPods,
                    st.succeededIndexes,
                    st.failedIndexes == null ? OrderedIntervals.EMPTY : st.failedIndexes,
                    diff,
                    job.getSpec().getCompletions());
            if (perIndex) {
                IndexFailures.Creatable c = IndexFailures.creatable(indexes, st.delayedDeletion, backoff.base(), clock);
                if (!c.delay().isZero()) {
                    syncAfter(key, c.delay());
                    return;
                }
                indexes = c.indexes();
            }
            diff = indexes.size();
            if (diff == 0) {
                return;
            }
        }
        expectations.expectCreations(key, diff);
        int created = podWrites.create(key, job, diff, indexes, st.delayedDeletion);
        st.activeCount += created;
    }

    /** kube's {@code enqueueSyncJobWithDelay}: never sooner than the one-second batching period. */
    private void syncAfter(String key, Duration wait) {
        timers.addAt(
                key, clock.instant().plus(wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait));
    }

    /**
     * kube's {@code trackJobStatusAndRemoveFinalizers}: finished pods still carrying the finalizer
     * go to {@code uncountedTerminatedPods} (or, Indexed, {@code completedIndexes}), the status is
     * written, the finalizers removed, the counters moved, and the Job finished when nothing is
     * left to count or terminate.
     */
    private void trackStatusAndRemoveFinalizers(
            String key, Job cached, JobSyncState st, BackoffRecords.Record backoffRecord, boolean needsFlush)
            throws Exception {
        JobStatus.Builder status = st.status;
        UncountedTerminatedPods.Builder uncounted = status.getUncountedTerminatedPodsBuilder();
        Set<String> withFinalizer = new HashSet<>();
        for (Pod p : st.pods) {
            if (JobPods.hasFinalizer(p)
                    && !st.expectedRemovals.contains(p.getMetadata().getUid())) {
                withFinalizer.add(p.getMetadata().getUid());
            }
        }
        needsFlush |= st.cleanUncounted(withFinalizer);
        List<Pod> toRemove = new ArrayList<>();
        List<Integer> newSucceededIndexes = new ArrayList<>();
        boolean reachedMax = false;
        List<Pod> ordered = new ArrayList<>(st.pods);
        if (Jobs.isIndexed(cached)) {
            ordered.sort(java.util.Comparator.comparingInt(JobPods::completionIndex));
        }
        for (Pod p : ordered) {
            String uid = p.getMetadata().getUid();
            if (!JobPods.hasFinalizer(p) || st.expectedRemovals.contains(uid)) {
                continue;
            }
            boolean failed = JobPods.isFailed(p, cached);
            if (!canRemoveFinalizer(cached, st, p, failed)) {
                continue;
            }
            toRemove.add(p);
            if (p.getStatus().getPhase().equals("Succeeded")
                    && !uncounted.getFailedList().contains(uid)) {
                if (Jobs.isIndexed(cached)) {
                    int ix = JobPods.completionIndex(p);
                    if (ix != JobPods.UNKNOWN_INDEX
                            && ix < cached.getSpec().getCompletions()
                            && !st.prevSucceededIndexes.has(ix)) {
                        newSucceededIndexes.add(ix);
                        needsFlush = true;
                    }
                } else if (!uncounted.getSucceededList().contains(uid)) {
                    uncounted.addSucceeded(uid);
                    needsFlush = true;
                }
            } else if (failed || (st.finished != null && !st.finished.getType().equals(Jobs.SUCCESS_CRITERIA_MET))) {
                int ix = JobPods.completionIndex(p);
                boolean validIndex = !Jobs.isIndexed(cached)
                        || (ix != JobPods.UNKNOWN_INDEX && ix < cached.getSpec().getCompletions());
                if (!uncounted.getFailedList().contains(uid) && validIndex) {
                    if (PodFailurePolicies.match(podFailurePolicy(cached), p).countFailed()) {
                        uncounted.addFailed(uid);
                        needsFlush = true;
                    }
                }
            }
            if (newSucceededIndexes.size() + uncounted.getSucceededCount() + uncounted.getFailedCount()
                    >= MAX_UNCOUNTED) {
                reachedMax = true;
                break;
            }
        }
        if (Jobs.isIndexed(cached)) {
            st.succeededIndexes = st.succeededIndexes.withOrderedIndexes(
                    newSucceededIndexes.stream().sorted().distinct().toList());
            String s = st.succeededIndexes.toString();
            if (!s.equals(cached.getStatus().getCompletedIndexes())) {
                needsFlush = true;
            }
            status.setSucceeded(st.succeededIndexes.total()).setCompletedIndexes(s);
            if (st.failedIndexes != null) {
                String f = st.failedIndexes.toString();
                if (!status.hasFailedIndexes() || !f.equals(status.getFailedIndexes())) {
                    status.setFailedIndexes(f);
                    needsFlush = true;
                }
            } else if (status.hasFailedIndexes()) {
                status.clearFailedIndexes();
                needsFlush = true;
            }
        }
        JobCondition finished = st.finished;
        if (finished != null && finished.getType().equals(Jobs.FAILURE_TARGET)) {
            status.addConditions(finished);
            needsFlush = true;
            finished = JobConditions.of(Jobs.FAILED, "True", finished.getReason(), finished.getMessage(), st.now);
        }
        if (finished != null && finished.getType().equals(Jobs.SUCCESS_CRITERIA_MET)) {
            if (JobConditions.find(status, Jobs.SUCCESS_CRITERIA_MET) == null) {
                status.addConditions(finished);
                needsFlush = true;
            }
            finished = JobConditions.of(Jobs.COMPLETE, "True", finished.getReason(), finished.getMessage(), st.now);
        }
        Job current = cached;
        if (needsFlush) {
            current = writeStatus(current, status);
            backoff.update(backoffRecord);
            needsFlush = false;
        }
        if (!toRemove.isEmpty()) {
            finalizerExpectations.expectRemoved(
                    key, toRemove.stream().map(p -> p.getMetadata().getUid()).toList());
            Exception rmErr = null;
            for (Pod p : toRemove) {
                try {
                    podControl.removeFinalizer(p).get(15, TimeUnit.SECONDS);
                    withFinalizer.remove(p.getMetadata().getUid());
                } catch (Exception e) {
                    finalizerExpectations.observed(key, p.getMetadata().getUid());
                    rmErr = rmErr != null ? rmErr : e;
                }
            }
            needsFlush = st.cleanUncounted(withFinalizer);
            if (rmErr != null) {
                if (needsFlush) {
                    writeStatus(current, status);
                }
                throw Pods.wrap(rmErr);
            }
        }
        boolean jobFinished = !reachedMax && finished != null && enactFinished(status, finished, st);
        if (jobFinished) {
            needsFlush = true;
        }
        if (needsFlush) {
            writeStatus(current, status);
            if (jobFinished) {
                recordFinished(cached, status, finished);
            }
        }
    }

    /**
     * kube's {@code canRemoveFinalizer}: once the Job is deleted or finishing, or the pod
     * succeeded or failed — but not the failed pod whose counts its index's replacement still
     * has to copy (backoffLimitPerIndex).
     */
    private static boolean canRemoveFinalizer(Job job, JobSyncState st, Pod p, boolean failed) {
        if (job.getMetadata().hasDeletionTimestamp()
                || st.finished != null
                || p.getStatus().getPhase().equals("Succeeded")) {
            return true;
        }
        if (!failed) {
            return false;
        }
        Pod delayed = st.delayedDeletion.get(JobPods.completionIndex(p));
        return delayed == null
                || !delayed.getMetadata().getUid().equals(p.getMetadata().getUid());
    }

    /** kube's {@code enactJobFinished}: the terminal condition, once nothing is uncounted or terminating. */
    private boolean enactFinished(JobStatus.Builder status, JobCondition finished, JobSyncState st) {
        UncountedTerminatedPods u = status.getUncountedTerminatedPods();
        if (u.getSucceededCount() + u.getFailedCount() > 0 || st.terminating > 0) {
            return false;
        }
        JobConditions.ensure(
                status, finished.getType(), finished.getStatus(), finished.getReason(), finished.getMessage(), st.now);
        if (finished.getType().equals(Jobs.COMPLETE)) {
            status.setCompletionTime(finished.getLastTransitionTime());
        }
        return true;
    }

    private void recordFinished(Job job, JobStatus.Builder status, JobCondition finished) {
        if (finished.getType().equals(Jobs.COMPLETE)) {
            if (job.getSpec().hasCompletions()
                    && status.getSucceeded() > job.getSpec().getCompletions()) {
                recorder.warning(
                        ref(job),
                        "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached");
            }
            recorder.normal(ref(job), "Completed", "Job completed");
        } else {
            recorder.warning(ref(job), finished.getReason(), finished.getMessage());
        }
    }

    /** Writes the status with a compare on the revision the sync read (kube's UpdateStatus); returns the stored Job. */
    private Job writeStatus(Job current, JobStatus.Builder status) throws Exception {
        Job next = current.toBuilder().setStatus(status.build()).build();
        if (next.equals(current)) {
            return current;
        }
        return jobs.update(next).get(15, TimeUnit.SECONDS);
    }

    private static io.kubelite.api.PodFailurePolicy podFailurePolicy(Job job) {
        return job.getSpec().hasPodFailurePolicy() ? job.getSpec().getPodFailurePolicy() : null;
    }

    static ObjectReference ref(Job job) {
        return EventRecorder.ref("batch/v1", "Job", job.getMetadata());
    }

    /** For diagnostics in tests: pending expectations of a Job. */
    public String describe(String key) {
        return "expectations " + expectations.describe(key) + ", finalizer removals pending "
                + finalizerExpectations.get(key) + ", queue " + queue.len() + " ready/" + queue.delayed() + " delayed";
    }
}
