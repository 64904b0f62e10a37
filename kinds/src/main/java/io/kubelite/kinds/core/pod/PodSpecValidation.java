package io.kubelite.kinds.core.pod;

import io.kubelite.api.Container;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Quantity;
import io.kubelite.api.Toleration;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code ValidatePodSpec} for the fields kubelite serves, with kube-apiserver's
 * field paths and messages; pods and every workload's pod template use it.
 */
public final class PodSpecValidation {
    /** The taint and toleration effects kube accepts. */
    public static final List<String> TAINT_EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");

    private PodSpecValidation() {}

    private static final List<String> RESTART_POLICIES = List.of("Always", "Never", "OnFailure");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    private static final List<String> DNS_POLICIES =
            List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");

    public static void validate(PodSpec s, String path, FieldErrors errs) {
        validate(s, path, true, errs);
    }

    /**
     * A StatefulSet's template: its volumeMounts may name the StatefulSet's volumeClaimTemplates,
     * which kubelite does not model (kube leaves mounts of its templates unchecked for the same
     * reason, see apps/validation's ValidatePodTemplateSpecForStatefulSet), so they are not
     * required to name one of the template's volumes.
     */
    public static void validateStatefulSetTemplate(PodSpec s, String path, FieldErrors errs) {
        validate(s, path, false, errs);
    }

    private static void validate(PodSpec s, String path, boolean mountsNameVolumes, FieldErrors errs) {
        if (s.getContainersCount() == 0) {
            errs.required(path + ".containers");
        }
        Set<String> volumes = PodVolumeValidation.volumes(s.getVolumesList(), path + ".volumes", errs);
        if (!mountsNameVolumes) {
            volumes = null; // any name
        }
        Set<String> names = new HashSet<>();
        containers(s.getInitContainersList(), path + ".initContainers", names, volumes, errs);
        containers(s.getContainersList(), path + ".containers", names, volumes, errs);
        if (!s.getRestartPolicy().isEmpty() && !RESTART_POLICIES.contains(s.getRestartPolicy())) {
            errs.notSupported(path + ".restartPolicy", s.getRestartPolicy(), RESTART_POLICIES);
        }
        if (!s.getDnsPolicy().isEmpty() && !DNS_POLICIES.contains(s.getDnsPolicy())) {
            errs.notSupported(path + ".dnsPolicy", s.getDnsPolicy(), DNS_POLICIES);
        }
        if (s.hasTerminationGracePeriodSeconds() && s.getTerminationGracePeriodSeconds() < 0) {
            errs.invalid(
                    path + ".terminationGracePeriodSeconds",
                    s.getTerminationGracePeriodSeconds(),
                    "must be greater than or equal to 0");
        }
        if (s.hasActiveDeadlineSeconds() && s.getActiveDeadlineSeconds() <= 0) {
            errs.invalid(
                    path + ".activeDeadlineSeconds",
                    s.getActiveDeadlineSeconds(),
                    "must be between 1 and 2147483647, inclusive");
        }
        if (!s.getNodeName().isEmpty()) {
            String err = Names.dns1123SubdomainError(s.getNodeName());
            if (err != null) {
                errs.invalid(path + ".nodeName", s.getNodeName(), err);
            }
        }
        if (!s.getServiceAccountName().isEmpty()) {
            String err = Names.dns1123SubdomainError(s.getServiceAccountName());
            if (err != null) {
                errs.invalid(path + ".serviceAccountName", s.getServiceAccountName(), err);
            }
        }
        for (Map.Entry<String, String> e : s.getNodeSelectorMap().entrySet()) {
            String ke = Names.qualifiedNameError(e.getKey());
            if (ke != null) {
                errs.invalid(path + ".nodeSelector", e.getKey(), ke);
            }
            String ve = Names.labelValueError(e.getValue());
            if (ve != null) {
                errs.invalid(path + ".nodeSelector", e.getValue(), ve);
            }
        }
        for (int i = 0; i < s.getTolerationsCount(); i++) {
            Toleration t = s.getTolerations(i);
            String tp = path + ".tolerations[" + i + "]";
            String op = t.getOperator().isEmpty() ? "Equal" : t.getOperator();
            if (!op.equals("Equal") && !op.equals("Exists")) {
                errs.notSupported(tp + ".operator", t.getOperator(), List.of("Equal", "Exists"));
            }
            if (op.equals("Exists") && !t.getValue().isEmpty()) {
                errs.invalid(tp + ".operator", t.getValue(), "value must be empty when `operator` is 'Exists'");
            }
            if (t.getKey().isEmpty() && !op.equals("Exists")) {
                errs.invalid(
                        tp + ".operator",
                        t.getOperator(),
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
            }
            if (!t.getEffect().isEmpty() && !TAINT_EFFECTS.contains(t.getEffect())) {
                errs.notSupported(tp + ".effect", t.getEffect(), TAINT_EFFECTS);
            }
            if (t.hasTolerationSeconds() && !t.getEffect().equals("NoExecute")) {
                errs.invalid(
                        tp + ".effect", t.getEffect(), "effect must be 'NoExecute' when `tolerationSeconds` is set");
            }
        }
    }

    private static void containers(
            List<Container> cs, String path, Set<String> names, Set<String> volumes, FieldErrors errs) {
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            String p = path + "[" + i + "]";
            if (c.getName().isEmpty()) {
                errs.required(p + ".name");
            } else {
                String err = Names.dns1123LabelError(c.getName());
                if (err != null) {
                    errs.invalid(p + ".name", c.getName(), err);
                } else if (!names.add(c.getName())) {
                    errs.duplicate(p + ".name", c.getName());
                }
            }
            if (c.getImage().isBlank()) {
                errs.required(p + ".image");
            }
            if (!c.getImagePullPolicy().isEmpty() && !PULL_POLICIES.contains(c.getImagePullPolicy())) {
                errs.notSupported(p + ".imagePullPolicy", c.getImagePullPolicy(), PULL_POLICIES);
            }
            if (!c.getTerminationMessagePolicy().isEmpty()
                    && !TERMINATION_MESSAGE_POLICIES.contains(c.getTerminationMessagePolicy())) {
                errs.notSupported(
                        p + ".terminationMessagePolicy", c.getTerminationMessagePolicy(), TERMINATION_MESSAGE_POLICIES);
            }
            for (int j = 0; j < c.getPortsCount(); j++) {
                int port = c.getPorts(j).getContainerPort();
                if (port < 1 || port > 65535) {
                    errs.invalid(p + ".ports[" + j + "].containerPort", port, "must be between 1 and 65535, inclusive");
                }
            }
            ContainerHandlerValidation.env(c.getEnvList(), p + ".env", errs);
            PodVolumeValidation.mounts(c.getVolumeMountsList(), volumes, p + ".volumeMounts", errs);
            if (c.hasLivenessProbe()) {
                ContainerHandlerValidation.probe(c.getLivenessProbe(), p + ".livenessProbe", errs);
            }
            if (c.hasReadinessProbe()) {
                ContainerHandlerValidation.probe(c.getReadinessProbe(), p + ".readinessProbe", errs);
            }
            if (c.hasStartupProbe()) {
                ContainerHandlerValidation.probe(c.getStartupProbe(), p + ".startupProbe", errs);
            }
            if (c.hasLifecycle()) {
                ContainerHandlerValidation.lifecycle(c.getLifecycle(), p + ".lifecycle", errs);
            }
            Map<String, BigDecimal> limits = quantities(c.getResources().getLimitsMap(), p + ".resources.limits", errs);
            Map<String, BigDecimal> requests =
                    quantities(c.getResources().getRequestsMap(), p + ".resources.requests", errs);
            for (Map.Entry<String, BigDecimal> e : requests.entrySet()) {
                BigDecimal lim = limits.get(e.getKey());
                if (lim != null && e.getValue().compareTo(lim) > 0) {
                    errs.invalid(
                            p + ".resources.requests",
                            c.getResources().getRequestsMap().get(e.getKey()),
                            "must be less than or equal to " + e.getKey() + " limit of "
                                    + c.getResources().getLimitsMap().get(e.getKey()));
                }
            }
        }
    }

    private static Map<String, BigDecimal> quantities(Map<String, String> m, String path, FieldErrors errs) {
        Map<String, BigDecimal> out = new HashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            String field = path + "[" + e.getKey() + "]";
            try {
                BigDecimal q = Quantity.parse(e.getValue());
                if (q.signum() < 0) {
                    errs.invalid(field, e.getValue(), "must be greater than or equal to 0");
                } else {
                    out.put(e.getKey(), q);
                }
            } catch (RuntimeException ex) {
                errs.invalid(field, e.getValue(), ex.getMessage());
            }
        }
        return out;
    }
}
