package io.kubelite.kubelet.pod;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.store.informer.Informer;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * The pod informer's transform ({@link Informer#setTransform}): what kubelet-sim keeps of each
 * version of a pod it receives, so that a pod is held about once rather than three times. A new
 * version shares the spec of the version before when it is unchanged (pod specs barely change,
 * but every status write brings a new decoded copy), and the status of the pod's
 * {@link PodWorker} when it is equal to it (the watch echoes the status the worker wrote); the
 * short strings and small messages of whatever is new are shared ({@link SharedMessages}). What it returns is equal
 * to what came in: the workers and the status writer see the same pod.
 */
public final class PodSharing implements BinaryOperator<Pod> {
    private final Function<String, PodWorker> workers;
    private final SharedMessages messages;

    /**
     * {@code workers}: the worker of a pod by its key, or null; {@code messages}: the small
     * messages shared with the workers' statuses and other pods.
     */
    public PodSharing(Function<String, PodWorker> workers, SharedMessages messages) {
        this.workers = workers;
        this.messages = messages;
    }

    @Override
    public Pod apply(Pod previous, Pod incoming) {
        PodSpec spec = previous != null && previous.getSpec().equals(incoming.getSpec())
                ? previous.getSpec()
                : messages.share(incoming.getSpec());
        ObjectMeta meta = messages.share(incoming.getMetadata());
        PodStatus status = incoming.getStatus();
        PodWorker w = workers.apply(Informer.keyOf(incoming.getMetadata()));
        PodStatus mine = w != null && w.uid().equals(meta.getUid()) ? w.lastStatus() : null;
        if (mine != null && mine.equals(status)) {
            status = mine;
        } else if (previous != null && previous.getStatus().equals(status)) {
            status = previous.getStatus();
        } else {
            status = messages.share(status);
        }
        return incoming.toBuilder()
                .setMetadata(meta)
                .setSpec(spec)
                .setStatus(status)
                .build();
    }
}
