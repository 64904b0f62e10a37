package io.kubelite.kinds.podsecurity;

import io.kubelite.api.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The enforce decision of Pod Security admission for one pod, wherever a pod is created: by the API
 * server's PodSecurity plugin, and by the controllers that create pods in etcd themselves (which on a
 * real cluster go through that plugin too). Pure: the namespace's labels and the pod in, kube's
 * refusal text out.
 */
public final class PodSecurityEnforcement {
    private PodSecurityEnforcement() {}

    /**
     * Why a namespace with {@code namespaceLabels} refuses {@code pod}: {@code violates PodSecurity
     * "restricted:latest": allowPrivilegeEscalation != false (...), ...} as kube words it after
     * {@code pods "x" is forbidden: }; empty when its enforce level admits the pod.
     */
    public static Optional<String> refusal(Map<String, String> namespaceLabels, Pod pod) {
        NamespacePolicy.ModePolicy enforce = NamespacePolicy.of(namespaceLabels).enforce();
        if (enforce.level() == Level.PRIVILEGED) {
            return Optional.empty();
        }
        List<Violation> v = PodSecurityChecks.evaluate(enforce.level(), pod.getMetadata(), pod.getSpec());
        return v.isEmpty() ? Optional.empty() : Optional.of("violates PodSecurity \"" + enforce + "\": " + join(v));
    }

    /** Violations as kube's aggregate message lists them. */
    public static String join(List<Violation> vs) {
        return vs.stream().map(Violation::toString).collect(Collectors.joining(", "));
    }
}
