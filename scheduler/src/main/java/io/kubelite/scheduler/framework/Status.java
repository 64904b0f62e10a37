package io.kubelite.scheduler.framework;

import java.util.List;

/**
 * The outcome of one plugin call, as in the Kubernetes scheduler framework: a code, the
 * plugin that produced it and the reasons a user reads (one per unmet requirement, e.g.
 * {@code Insufficient cpu}). Immutable.
 */
public record Status(Code code, String plugin, List<String> reasons) {
    public enum Code {
        SUCCESS,
        /** Not schedulable now; might become so when the cluster changes (e.g. preemption, resources freed). */
        UNSCHEDULABLE,
        /** Not schedulable on this node whatever happens to other pods (labels, taints, missing topology key). */
        UNSCHEDULABLE_AND_UNRESOLVABLE,
        /** The plugin has nothing to do for this pod; its later extension points are skipped. */
        SKIP,
        ERROR
    }

    public static final Status SUCCESS = new Status(Code.SUCCESS, "", List.of());
    public static final Status SKIP = new Status(Code.SKIP, "", List.of());

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status unschedulable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE, plugin, List.of(reasons));
    }

    public static Status unresolvable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, plugin, List.of(reasons));
    }

    public static Status error(String plugin, String reason) {
        return new Status(Code.ERROR, plugin, List.of(reason));
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isSkip() {
        return code == Code.SKIP;
    }

    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    /** The reasons joined with ", ". */
    public String message() {
        return String.join(", ", reasons);
    }
}
