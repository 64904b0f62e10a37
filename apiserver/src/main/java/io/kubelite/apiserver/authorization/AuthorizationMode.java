package io.kubelite.apiserver.authorization;

import java.util.Arrays;

/**
 * kube-apiserver's {@code --authorization-mode}s kubelite has: {@code RBAC} (the default of the
 * API server process) and {@code AlwaysAllow} (every authenticated or anonymous request allowed;
 * a development mode, and what tests that are not about authorization run with).
 */
public enum AuthorizationMode {
    RBAC("RBAC"),
    ALWAYS_ALLOW("AlwaysAllow");

    private final String flag;

    AuthorizationMode(String flag) {
        this.flag = flag;
    }

    /** The mode as the flag names it. */
    public String flag() {
        return flag;
    }

    /** The mode a flag value names; IllegalArgumentException listing the modes when none. */
    public static AuthorizationMode of(String flag) {
        return Arrays.stream(values())
                .filter(m -> m.flag.equals(flag))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown authorization mode \"" + flag + "\": supported are "
                                + Arrays.stream(values()).map(m -> m.flag).toList()));
    }

    @Override
    public String toString() {
        return flag;
    }
}
