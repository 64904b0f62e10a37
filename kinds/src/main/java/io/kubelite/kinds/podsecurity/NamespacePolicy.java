package io.kubelite.kinds.podsecurity;

import io.kubelite.kinds.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A namespace's Pod Security policy, from its labels {@code pod-security.kubernetes.io/<mode>}
 * and {@code pod-security.kubernetes.io/<mode>-version} for the modes enforce, audit and warn.
 * An unset mode is {@code privileged}; an unset version is {@code latest}. Every version is
 * checked with the latest checks (kubelite carries one version of the standards); the version
 * is kept for the messages, as kube prints it ({@code restricted:v1.30}).
 */
public record NamespacePolicy(ModePolicy enforce, ModePolicy audit, ModePolicy warn) {
    static final String PREFIX = "pod-security.kubernetes.io/";
    private static final Pattern VERSION = Pattern.compile("latest|v1\\.(0|[1-9][0-9]*)");

    /** One mode's level and version. */
    public record ModePolicy(Level level, String version) {
        static final ModePolicy PRIVILEGED = new ModePolicy(Level.PRIVILEGED, "latest");

        /** {@code restricted:latest}, as kube's messages name a policy. */
        @Override
        public String toString() {
            return level.label() + ":" + version;
        }
    }

    /** The policy of a namespace with {@code labels}; invalid labels count as unset (callers check {@link #errors}). */
    public static NamespacePolicy of(Map<String, String> labels) {
        return new NamespacePolicy(mode(labels, "enforce"), mode(labels, "audit"), mode(labels, "warn"));
    }

    private static ModePolicy mode(Map<String, String> labels, String mode) {
        Level level = Level.parse(labels.getOrDefault(PREFIX + mode, "privileged"));
        String version = labels.getOrDefault(PREFIX + mode + "-version", "latest");
        if (level == null) {
            // kube evaluates with the most restrictive level when the label is unusable
            level = Level.RESTRICTED;
        }
        if (!VERSION.matcher(version).matches()) {
            version = "latest";
        }
        return new ModePolicy(level, version);
    }

    /** What is wrong with the Pod Security labels, as kube's field errors (empty when valid). */
    public static List<FieldError> errors(Map<String, String> labels) {
        List<FieldError> errs = new ArrayList<>();
        for (String mode : List.of("enforce", "audit", "warn")) {
            String level = labels.get(PREFIX + mode);
            if (level != null && Level.parse(level) == null) {
                errs.add(new FieldError(
                        "FieldValueInvalid",
                        "Invalid value: \"" + level + "\": must be one of privileged, baseline, restricted",
                        "metadata.labels[" + PREFIX + mode + "]"));
            }
            String version = labels.get(PREFIX + mode + "-version");
            if (version != null && !VERSION.matcher(version).matches()) {
                errs.add(new FieldError(
                        "FieldValueInvalid",
                        "Invalid value: \"" + version + "\": must be \"latest\" or \"v1.x\"",
                        "metadata.labels[" + PREFIX + mode + "-version]"));
            }
        }
        return errs;
    }
}
