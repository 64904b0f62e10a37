package io.kubelite.controllers.job;

import io.kubelite.api.Job;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.informer.Informer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which pods a Job controls (kube's {@code getPodsForJob} with its {@code PodControllerRefManager}):
 * the controlled pods that match, matching orphans adopted, non-matching controlled pods
 * released. Reads the pod informer; writes through {@link JobPodControl}.
 */
final class JobPodClaims {
    private static final Logger LOG = LoggerFactory.getLogger(JobPodClaims.class);

    private final Informer<Pod> podInformer;
    private final JobPodControl podControl;
    private final ObjectStore<Job> jobs;

    JobPodClaims(Informer<Pod> podInformer, JobPodControl podControl, ObjectStore<Job> jobs) {
        this.podInformer = podInformer;
        this.podControl = podControl;
        this.jobs = jobs;
    }

    /**
     * kube's {@code getPodsForJob}: the namespace's pods this Job controls, adopting matching
     * orphans (after a fresh read of the Job proves it is still there and not being deleted) and
     * releasing controlled pods whose labels stopped matching.
     */
    List<Pod> claim(Job job) throws Exception {
        String uid = job.getMetadata().getUid();
        Selector sel = Selector.of(job.getSpec().getSelector());
        boolean deleting = job.getMetadata().hasDeletionTimestamp();
        List<Pod> claimed = new ArrayList<>();
        Boolean canAdopt = null;
        for (Pod p : podInformer.byNamespace(job.getMetadata().getNamespace())) {
            if (MirrorPods.isMirror(p)) {
                continue;
            }
            Optional<OwnerReference> ref = Pods.controllerRef(p.getMetadata());
            boolean matches = sel.matches(p.getMetadata().getLabelsMap());
            if (ref.isPresent()) {
                if (!ref.get().getUid().equals(uid)) {
                    continue;
                }
                if (matches) {
                    claimed.add(p);
                } else if (!deleting) {
                    podControl.release(job, p);
                }
                continue;
            }
            if (deleting || !matches || Pods.isTerminating(p) || !job.getSpec().hasSelector()) {
                continue;
            }
            if (canAdopt == null) {
                canAdopt = recheckCanAdopt(job);
            }
            if (canAdopt) {
                try {
                    claimed.add(podControl.adopt(job, p));
                } catch (Exception e) {
                    LOG.debug(
                            "Job {}: could not adopt pod {}: {}",
                            JobController.key(job.getMetadata()),
                            Pods.key(p),
                            e.toString());
                }
            }
        }
        return claimed;
    }

    private boolean recheckCanAdopt(Job job) {
        try {
            Job fresh = jobs.get(
                            job.getMetadata().getNamespace(), job.getMetadata().getName())
                    .get(10, TimeUnit.SECONDS);
            return fresh.getMetadata().getUid().equals(job.getMetadata().getUid())
                    && !fresh.getMetadata().hasDeletionTimestamp();
        } catch (Exception e) {
            return false;
        }
    }
}
