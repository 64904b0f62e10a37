package io.kubelite.controllers.endpointslice;

import io.kubelite.api.discovery.EndpointSlice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code EndpointSliceTracker}, with resourceVersions (etcd mod revisions) for
 * generations: the revision this controller last wrote for each of a Service's slices, and the
 * slices it deleted. It tells a sync whether the informer has caught up with the controller's
 * own writes (acting on an older picture would create duplicate slices), and an informer event
 * whether it is the echo of such a write (nothing to do) or someone else's change (resync).
 * Thread-safe.
 */
final class SliceTracker {
    private static final long DELETED = -1;

    /** Service key → slice uid → the revision written, or {@link #DELETED}. */
    private final Map<String, Map<String, Long>> byService = new HashMap<>();

    /** Records a slice this controller just created or updated, with the revision the store returned. */
    synchronized void written(String serviceKey, EndpointSlice s) {
        byService.computeIfAbsent(serviceKey, k -> new HashMap<>()).put(uid(s), revision(s));
    }

    /** Records a slice this controller just deleted. */
    synchronized void deleted(String serviceKey, EndpointSlice s) {
        byService.computeIfAbsent(serviceKey, k -> new HashMap<>()).put(uid(s), DELETED);
    }

    /**
     * True when {@code cached} (the informer's managed slices of the Service) lacks one of the
     * controller's writes: an older revision of a written slice, a written slice missing, or a
     * deleted one still present.
     */
    synchronized boolean stale(String serviceKey, List<EndpointSlice> cached) {
        Map<String, Long> expected = byService.get(serviceKey);
        if (expected == null) {
            return false;
        }
        Map<String, Long> seen = new HashMap<>();
        for (EndpointSlice s : cached) {
            seen.put(uid(s), revision(s));
            Long e = expected.get(uid(s));
            if (e != null && (e == DELETED || e > revision(s))) {
                return true;
            }
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            if (e.getValue() != DELETED && !seen.containsKey(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an informer add or update of {@code s} is news to the controller (not the echo of its own write). */
    synchronized boolean shouldSync(String serviceKey, EndpointSlice s) {
        Map<String, Long> expected = byService.get(serviceKey);
        Long e = expected == null ? null : expected.get(uid(s));
        return e == null || e == DELETED || revision(s) > e;
    }

    /**
     * Handles the informer's delete of {@code s}: forgets it, and answers whether the deletion was
     * the controller's own (false: someone else deleted a slice, so the Service needs a sync).
     */
    synchronized boolean handleDeletion(String serviceKey, EndpointSlice s) {
        Map<String, Long> expected = byService.get(serviceKey);
        if (expected == null) {
            return false;
        }
        Long e = expected.remove(uid(s));
        if (expected.isEmpty()) {
            byService.remove(serviceKey);
        }
        return e != null && e == DELETED;
    }

    /** Forgets a deleted Service. */
    synchronized void forget(String serviceKey) {
        byService.remove(serviceKey);
    }

    private static String uid(EndpointSlice s) {
        return s.getMetadata().getUid();
    }

    private static long revision(EndpointSlice s) {
        String rv = s.getMetadata().getResourceVersion();
        return rv.isEmpty() ? 0 : Long.parseLong(rv);
    }
}
