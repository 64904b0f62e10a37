package io.kubelite.scheduler.queue;

import io.kubelite.scheduler.framework.PodInfo;

/**
 * A pod popped from the {@link SchedulingQueue} for one scheduling attempt: the latest
 * version known at pop time, how many attempts failed before, and the scheduling cycle
 * it was popped in.
 */
public record QueuedPod(PodInfo pod, int attempts, long cycle) {
    public String key() {
        return pod.key();
    }
}
