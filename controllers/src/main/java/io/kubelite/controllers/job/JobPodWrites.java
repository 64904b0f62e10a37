package io.kubelite.controllers.job;

import io.kubelite.api.Job;
import io.kubelite.api.Pod;
import io.kubelite.controllers.replicaset.Expectations;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.events.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Job controller's pod creations and deletions, as kube's {@code manageJob},
 * {@code deleteJobPods} and {@code deleteActivePods} issue them: creations in slow-start
 * batches, each failure giving back its expectation; events per pod. Called from the sync of
 * one Job at a time (the work queue never syncs a key twice at once).
 */
final class JobPodWrites {
    private static final Logger LOG = LoggerFactory.getLogger(JobPodWrites.class);

    private final JobPodControl podControl;
    private final Expectations expectations;
    private final EventRecorder recorder;

    JobPodWrites(JobPodControl podControl, Expectations expectations, EventRecorder recorder) {
        this.podControl = podControl;
        this.expectations = expectations;
        this.recorder = recorder;
    }

    /** Slow-start batches (1, 2, 4, ...); a batch with a failure stops the rest. Returns the pods created. */
    int create(String key, Job job, int count, List<Integer> indexes, Map<Integer, Pod> replaced) throws Exception {
        int done = 0;
        int remaining = count;
        Exception firstErr = null;
        for (int batch = Math.min(remaining, 1); remaining > 0; batch = Math.min(2 * batch, remaining)) {
            List<CompletableFuture<Pod>> fs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                int ix = indexes.isEmpty() ? JobPods.UNKNOWN_INDEX : indexes.get(count - remaining + i);
                Map<String, String> extra = ix != JobPods.UNKNOWN_INDEX && IndexFailures.enabled(job)
                        ? IndexFailures.annotations(job, replaced.get(ix))
                        : Map.of();
                fs.add(podControl.create(JobPodTemplate.pod(job, ix, extra)));
            }
            boolean failed = false;
            for (CompletableFuture<Pod> f : fs) {
                try {
                    Pod p = f.get(30, TimeUnit.SECONDS);
                    done++;
                    recorder.normal(
                            JobController.ref(job),
                            "SuccessfulCreate",
                            "Created pod: " + p.getMetadata().getName());
                } catch (Exception e) {
                    expectations.creationObserved(key);
                    failed = true;
                    firstErr = firstErr != null ? firstErr : e;
                    recorder.warning(
                            JobController.ref(job),
                            "FailedCreate",
                            "Error creating: " + Pods.wrap(e).getMessage());
                }
            }
            remaining -= batch;
            if (failed) {
                for (int i = 0; i < remaining; i++) {
                    expectations.creationObserved(key);
                }
                break;
            }
        }
        if (firstErr != null) {
            throw Pods.wrap(firstErr);
        }
        return done;
    }

    /** kube's {@code deleteJobPods}: finalizer removed first (the pod is not counted), then deleted. */
    int deleteWithoutCounting(String key, Job job, List<Pod> victims) throws Exception {
        int removed = 0;
        Exception firstErr = null;
        for (Pod p : victims) {
            try {
                podControl.removeFinalizer(p).get(15, TimeUnit.SECONDS);
                podControl.delete(p).get(15, TimeUnit.SECONDS);
                removed++;
                recorder.normal(
                        JobController.ref(job),
                        "SuccessfulDelete",
                        "Deleted pod: " + p.getMetadata().getName());
            } catch (Exception e) {
                expectations.deletionObserved(key, Pods.key(p));
                firstErr = firstErr != null ? firstErr : e;
            }
        }
        if (firstErr != null) {
            throw Pods.wrap(firstErr);
        }
        return removed;
    }

    /** kube's {@code deleteActivePods}: deleted with their finalizers, which the status tracking removes. */
    int deleteActive(Job job, List<Pod> active) {
        int deleted = 0;
        for (Pod p : active) {
            try {
                podControl.delete(p).get(15, TimeUnit.SECONDS);
                deleted++;
            } catch (Exception e) {
                LOG.warn(
                        "Job {}: deleting pod {}: {}", JobController.key(job.getMetadata()), Pods.key(p), e.toString());
            }
        }
        return deleted;
    }
}
