package io.kubelite.controllers.statefulset;

import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.api.StatefulSet;
import io.kubelite.controllers.util.PodAdmission;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import java.util.concurrent.TimeUnit;

/**
 * The pod writes of a sync and their events (kube's {@code stateful_pod_control.go}): create
 * through {@link PodAdmission} (LimitRange defaults and bounds, the ResourceQuota charge; a refusal
 * is a FailedCreate like any other failure, and the sync's error makes the queue retry with
 * back-off), where a same-named pod already there is not an error (the cache was behind); graceful
 * delete with a uid precondition; and the identity labels put back.
 */
final class StatefulPodControl {
    private static final long TIMEOUT_SECONDS = 15;
    private final ObjectStore<Pod> pods;
    private final PodAdmission admission;
    private final EventRecorder recorder;

    StatefulPodControl(ObjectStore<Pod> pods, PodAdmission admission, EventRecorder recorder) {
        this.pods = pods;
        this.admission = admission;
        this.recorder = recorder;
    }

    static ObjectReference ref(StatefulSet set) {
        return EventRecorder.ref("apps/v1", "StatefulSet", set.getMetadata());
    }

    void create(StatefulSet set, Pod p) throws Exception {
        String name = p.getMetadata().getName();
        try {
            admission.create(p).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            recorder.normal(
                    ref(set),
                    "SuccessfulCreate",
                    "create Pod " + name + " in StatefulSet "
                            + set.getMetadata().getName() + " successful");
        } catch (Exception e) {
            if (StoreException.unwrap(e) instanceof AlreadyExistsException) {
                return;
            }
            recorder.warning(
                    ref(set),
                    "FailedCreate",
                    "create Pod " + name + " in StatefulSet "
                            + set.getMetadata().getName() + " failed error: "
                            + Pods.wrap(e).getMessage());
            throw Pods.wrap(e);
        }
    }

    void delete(StatefulSet set, Pod p) throws Exception {
        String name = p.getMetadata().getName();
        try {
            if (Pods.delete(pods, p).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                recorder.normal(
                        ref(set),
                        "SuccessfulDelete",
                        "delete Pod " + name + " in StatefulSet "
                                + set.getMetadata().getName() + " successful");
            }
        } catch (Exception e) {
            recorder.warning(
                    ref(set),
                    "FailedDelete",
                    "delete Pod " + name + " in StatefulSet "
                            + set.getMetadata().getName() + " failed error: "
                            + Pods.wrap(e).getMessage());
            throw Pods.wrap(e);
        }
    }

    void updateIdentity(StatefulSet set, Pod p, int ordinal) throws Exception {
        var m = p.getMetadata();
        try {
            pods.guaranteedUpdate(
                            m.getNamespace(),
                            m.getName(),
                            Preconditions.uid(m.getUid()),
                            cur -> StatefulPods.withIdentityLabels(cur, ordinal))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw Pods.wrap(e);
            }
        }
    }
}
