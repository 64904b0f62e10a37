package io.kubelite.controllers.job;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code uidTrackingExpectations} for finalizers: the pods (by uid) whose tracking
 * finalizer a Job's sync removed and whose removal the informer has not shown yet. Until then
 * those pods are neither counted again nor touched. Thread-safe.
 */
final class FinalizerExpectations {
    private final Map<String, Set<String>> expected = new HashMap<>();

    synchronized void expectRemoved(String jobKey, List<String> uids) {
        expected.computeIfAbsent(jobKey, k -> new HashSet<>()).addAll(uids);
    }

    synchronized void observed(String jobKey, String uid) {
        Set<String> s = expected.get(jobKey);
        if (s != null) {
            s.remove(uid);
            if (s.isEmpty()) {
                expected.remove(jobKey);
            }
        }
    }

    synchronized Set<String> get(String jobKey) {
        return Set.copyOf(expected.getOrDefault(jobKey, Set.of()));
    }

    synchronized void delete(String jobKey) {
        expected.remove(jobKey);
    }
}
