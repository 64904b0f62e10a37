package io.kubelite.controllers.nodelifecycle;

import io.kubelite.store.ratelimit.TokenBucket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A zone's queue of nodes waiting to be NoExecute-tainted, drained through a
 * {@link TokenBucket} (Kubernetes' {@code RateLimitedTimedQueue}): first in, first out,
 * one node per token, a node at most once. Thread-safe.
 */
final class RateLimitedNodeQueue {
    private final LinkedHashMap<String, Long> queue = new LinkedHashMap<>(); // name -> not before (nanoTime)
    private TokenBucket limiter;

    RateLimitedNodeQueue(double qps) {
        this.limiter = bucket(qps);
    }

    /** kube's eviction rate: nodes per second, one at a time; 0 evicts nothing (a disrupted zone). */
    private static TokenBucket bucket(double qps) {
        return qps > 0 ? TokenBucket.of(qps, 1) : TokenBucket.closed();
    }

    synchronized boolean add(String node) {
        if (queue.containsKey(node)) {
            return false;
        }
        queue.put(node, 0L);
        return true;
    }

    synchronized void remove(String node) {
        queue.remove(node);
    }

    synchronized boolean contains(String node) {
        return queue.containsKey(node);
    }

    synchronized int size() {
        return queue.size();
    }

    synchronized double qps() {
        return limiter.qps();
    }

    /** Changes the rate; a limiter that was out of tokens hands its debt to the new one. */
    synchronized void swapLimiter(double qps) {
        if (limiter.qps() == qps) {
            return;
        }
        TokenBucket next = bucket(qps);
        if (!limiter.tryAccept()) {
            next.drain();
        }
        limiter = next;
    }

    /**
     * Processes nodes from the head while tokens last; {@code fn} returns false to retry
     * the node 50 ms later (it stays at its place in the queue).
     */
    void tryProcess(Predicate<String> fn) {
        while (true) {
            String head;
            synchronized (this) {
                if (queue.isEmpty()) {
                    return;
                }
                Map.Entry<String, Long> e = queue.entrySet().iterator().next();
                if (e.getValue() > System.nanoTime()) {
                    return;
                }
                if (!limiter.tryAccept()) {
                    return;
                }
                head = e.getKey();
            }
            boolean ok = fn.test(head);
            synchronized (this) {
                if (ok) {
                    queue.remove(head);
                } else if (queue.containsKey(head)) {
                    queue.put(head, System.nanoTime() + 50_000_000L);
                    return;
                }
            }
        }
    }
}
