package io.kubelite.dashboard.cache;

import io.kubelite.cli.ApiServerConnection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's list+watch caches, one {@link ResourceCache} per resource, all made with the
 * dashboard's own credential and started on first use: a view asks for what it reads, so only
 * watched resources cost anything. Owns the caches' threads.
 */
public final class ClusterCache implements AutoCloseable {
    private final ApiServerConnection api;
    private final Map<ResourceType, ResourceCache> caches = new LinkedHashMap<>();
    private boolean closed;

    public ClusterCache(ApiServerConnection api) {
        this.api = api;
    }

    /** The cache of {@code type}, started if it was not yet. */
    public synchronized ResourceCache of(ResourceType type) {
        if (closed) {
            throw new IllegalStateException("the cluster cache is closed");
        }
        return caches.computeIfAbsent(type, t -> {
            ResourceCache c = new ResourceCache(t, api);
            c.start();
            return c;
        });
    }

    /** Whether every cache started so far has listed once. */
    public synchronized boolean synced() {
        return caches.values().stream().allMatch(ResourceCache::synced);
    }

    /** Stops every cache; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        caches.values().forEach(ResourceCache::close);
        caches.clear();
    }
}
