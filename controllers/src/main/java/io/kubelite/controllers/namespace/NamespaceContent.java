package io.kubelite.controllers.namespace;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one pass over a terminating namespace found (kube's {@code allGVRDeletionMetadata} and
 * the errors of its deleter): the objects still there per resource ({@code pods.},
 * {@code crontabs.stable.example.com}), the finalizers they carry with how many carry each,
 * the resources that could not be emptied with why, and a failure to learn the custom
 * resources (null when they were listed).
 */
final class NamespaceContent {
    final Map<String, Integer> remaining = new TreeMap<>();
    final Map<String, Integer> finalizers = new TreeMap<>();
    final Map<String, String> failures = new TreeMap<>();
    String discoveryFailure;

    boolean empty() {
        return remaining.isEmpty();
    }

    /** Whether the namespace may be finalized: nothing remains, and everything could be listed. */
    boolean done() {
        return remaining.isEmpty() && failures.isEmpty() && discoveryFailure == null;
    }
}
