package io.kubelite.kinds.podsecurity;

/**
 * One failed Pod Security check, as kube's {@code CheckResult}: a short reason
 * ({@code allowPrivilegeEscalation != false}) and the detail naming the offending fields
 * ({@code container "c" must set securityContext.allowPrivilegeEscalation=false}).
 */
public record Violation(String reason, String detail) {
    /** {@code reason (detail)}, as kube's aggregate message lists each. */
    @Override
    public String toString() {
        return detail.isEmpty() ? reason : reason + " (" + detail + ")";
    }
}
