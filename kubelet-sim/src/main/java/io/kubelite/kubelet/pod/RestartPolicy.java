package io.kubelite.kubelet.pod;

import io.kubelite.api.PodSpec;

/**
 * A pod's restartPolicy as the kubelet applies it. The value is kept as the spec spells it:
 * a value other than the three known ones restarts no app container but does restart a failed
 * init container, and leaves a pod with a failed container Running (the kubelet's comparisons,
 * kept as they are).
 */
final class RestartPolicy {
    static final String ALWAYS = "Always";
    static final String ON_FAILURE = "OnFailure";
    static final String NEVER = "Never";

    private RestartPolicy() {}

    /** The spec's policy; unset means Always. */
    static String of(PodSpec spec) {
        String p = spec.getRestartPolicy();
        return p.isEmpty() ? ALWAYS : p;
    }

    /**
     * Whether a container that exited with {@code exitCode} starts again: an init container
     * when it failed, unless Never; an app container under Always, or under OnFailure when it failed.
     */
    static boolean restarts(String policy, boolean init, int exitCode) {
        if (init) {
            return exitCode != 0 && !policy.equals(NEVER);
        }
        return policy.equals(ALWAYS) || (policy.equals(ON_FAILURE) && exitCode != 0);
    }
}
