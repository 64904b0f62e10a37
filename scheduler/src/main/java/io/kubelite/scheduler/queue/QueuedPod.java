package io.kubelite.scheduler.queue;

import io.kubelite.scheduler.framework.PodInfo;

/**
 * A pod popped from the {@link SchedulingQueue} for one scheduling attempt: the latest
 * version known at pop time, how many attempts failed before, the scheduling cycle it was
 * popped in, and when the queue first saw it and handed it out now ({@code System.nanoTime()}),
 * for the scheduling-duration metrics.
 */
public record QueuedPod(PodInfo pod, int attempts, long cycle, long firstQueuedNanos, long poppedNanos) {
    public String key() {
        return pod.key();
    }
}
