package io.kubelite.store.election;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes who leads for humans and tools (a Kubernetes {@code Lease} object), called
 * by the {@link LeaderElector} when it wins and then every few seconds while it leads.
 *
 * <p>The record is informational: the election itself never reads it. An implementation
 * must write fenced with {@link io.kubelite.store.election.Leadership#fence()} and fail
 * the future with {@link io.kubelite.store.FencedOutException} when the fence rejects
 * the write; the elector then steps down. Other failures are logged and retried at the
 * next refresh.
 */
public interface LeaderRecordPublisher {
    /** Publishes nothing. */
    LeaderRecordPublisher NOOP = (leadership, identity, leaseDuration) -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> publish(Leadership leadership, String identity, Duration leaseDuration);
}
