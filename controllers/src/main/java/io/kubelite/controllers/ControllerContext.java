package io.kubelite.controllers;

import io.kubelite.store.Store;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.queue.WorkQueue;
import io.kubelite.store.queue.WorkQueueMetrics;

/**
 * What a controller gets for one leadership term: the fenced store (every write it
 * makes goes through it), the term's shared informers, the event recorder, the flags, and
 * where its work queues publish their metrics.
 */
public record ControllerContext(
        Store store,
        SharedInformerFactory informers,
        EventRecorder recorder,
        ControllerOptions options,
        WorkQueueMetrics queueMetrics) {

    /** A work queue named {@code name} (kube's queue name: its metrics' {@code name} label). */
    public <K> WorkQueue<K> newQueue(String name) {
        return WorkQueue.builder(name).metrics(queueMetrics).build();
    }

    /** The same context with another event recorder. */
    public ControllerContext withRecorder(EventRecorder other) {
        return new ControllerContext(store, informers, other, options, queueMetrics);
    }
}
