package io.kubelite.kinds.podsecurity;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.EphemeralContainer;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSecurityContext;
import io.kubelite.api.PodSpec;
import io.kubelite.api.SecurityContext;
import io.kubelite.api.Sysctl;
import io.kubelite.api.Volume;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Pod Security Standards' checks of k8s.io/pod-security-admission (policy/check_*.go), at
 * their latest version, with kube's reasons and details. Baseline: host namespaces,
 * privileged, capabilities beyond the default set, hostPath volumes, hostPorts, AppArmor,
 * SELinux options, procMount, seccomp Unconfined, unsafe sysctls. Restricted adds: volume types,
 * allowPrivilegeEscalation, runAsNonRoot, runAsUser 0, a RuntimeDefault/Localhost seccomp
 * profile, and capabilities (drop ALL, add only NET_BIND_SERVICE). Results come in kube's order
 * (by check id), so messages read as kube's.
 */
public final class PodSecurityChecks {
    private static final Set<String> BASELINE_CAPABILITIES = Set.of(
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES =
            Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final String APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

    private PodSecurityChecks() {}

    /** A container of any kind (regular, init, ephemeral): what the checks look at. */
    private record C(String name, SecurityContext sc, List<ContainerPort> ports) {}

    /** The violations of {@code level} by a pod (or template) with {@code meta} and {@code spec}; empty when it passes. */
    public static List<Violation> evaluate(Level level, ObjectMeta meta, PodSpec spec) {
        if (level == Level.PRIVILEGED) {
            return List.of();
        }
        boolean restricted = level == Level.RESTRICTED;
        List<C> cs = containers(spec);
        PodSecurityContext psc = spec.getSecurityContext();
        List<Violation> out = new ArrayList<>();
        if (restricted) {
            allowPrivilegeEscalation(cs, out);
        }
        appArmor(meta, psc, cs, out);
        if (restricted) {
            capabilitiesRestricted(cs, out);
        } else {
            capabilitiesBaseline(cs, out);
        }
        hostNamespaces(spec, out);
        if (!restricted) {
            hostPathVolumes(spec, out);
        }
        hostPorts(cs, out);
        privileged(cs, out);
        procMount(cs, out);
        if (restricted) {
            restrictedVolumes(spec, out);
            runAsNonRoot(psc, cs, out);
            runAsUser(psc, cs, out);
        }
        seLinuxOptions(psc, cs, out);
        if (restricted) {
            seccompRestricted(psc, cs, out);
        } else {
            seccompBaseline(psc, cs, out);
        }
        sysctls(psc, out);
        return out;
    }

    private static List<C> containers(PodSpec spec) {
        List<C> cs = new ArrayList<>();
        for (Container c : spec.getInitContainersList()) {
            cs.add(new C(c.getName(), c.getSecurityContext(), c.getPortsList()));
        }
        for (Container c : spec.getContainersList()) {
            cs.add(new C(c.getName(), c.getSecurityContext(), c.getPortsList()));
        }
        for (EphemeralContainer c : spec.getEphemeralContainersList()) {
            cs.add(new C(c.getName(), c.getSecurityContext(), c.getPortsList()));
        }
        return cs;
    }

    private static void allowPrivilegeEscalation(List<C> cs, List<Violation> out) {
        List<String> bad = cs.stream()
                .filter(c -> !c.sc().hasAllowPrivilegeEscalation() || c.sc().getAllowPrivilegeEscalation())
                .map(C::name)
                .toList();
        if (!bad.isEmpty()) {
            out.add(new Violation(
                    "allowPrivilegeEscalation != false",
                    containers(bad) + " must set securityContext.allowPrivilegeEscalation=false"));
        }
    }

    private static void appArmor(ObjectMeta meta, PodSecurityContext psc, List<C> cs, List<Violation> out) {
        Set<String> bad = new LinkedHashSet<>();
        if (psc.hasAppArmorProfile()
                && !appArmorAllowed(psc.getAppArmorProfile().getType())) {
            bad.add("pod must not set securityContext.appArmorProfile.type to \""
                    + psc.getAppArmorProfile().getType() + "\"");
        }
        List<String> badContainers = cs.stream()
                .filter(c -> c.sc().hasAppArmorProfile()
                        && !appArmorAllowed(c.sc().getAppArmorProfile().getType()))
                .map(C::name)
                .toList();
        if (!badContainers.isEmpty()) {
            bad.add(containers(badContainers) + " must not set securityContext.appArmorProfile.type to \"Unconfined\"");
        }
        List<String> annotations = new ArrayList<>();
        for (Map.Entry<String, String> a : new java.util.TreeMap<>(meta.getAnnotationsMap()).entrySet()) {
            if (a.getKey().startsWith(APPARMOR_ANNOTATION_PREFIX)
                    && !a.getValue().equals("runtime/default")
                    && !a.getValue().startsWith("localhost/")) {
                annotations.add(a.getKey() + "=\"" + a.getValue() + "\"");
            }
        }
        if (!annotations.isEmpty()) {
            bad.add((annotations.size() == 1 ? "annotation " : "annotations ") + String.join(", ", annotations));
        }
        if (!bad.isEmpty()) {
            out.add(new Violation("forbidden AppArmor profile", String.join("; ", bad)));
        }
    }

    private static boolean appArmorAllowed(String type) {
        return type.equals("RuntimeDefault") || type.equals("Localhost");
    }

    private static void capabilitiesBaseline(List<C> cs, List<Violation> out) {
        List<String> bad = new ArrayList<>();
        Set<String> caps = new TreeSet<>();
        for (C c : cs) {
            List<String> added = c.sc().getCapabilities().getAddList().stream()
                    .filter(cap -> !BASELINE_CAPABILITIES.contains(cap))
                    .toList();
            if (!added.isEmpty()) {
                bad.add(c.name());
                caps.addAll(added);
            }
        }
        if (!bad.isEmpty()) {
            out.add(new Violation(
                    "non-default capabilities",
                    containers(bad) + " must not include " + quoteAll(caps) + " in securityContext.capabilities.add"));
        }
    }

    private static void capabilitiesRestricted(List<C> cs, List<Violation> out) {
        List<String> noDrop = new ArrayList<>();
        List<String> badAdd = new ArrayList<>();
        Set<String> caps = new TreeSet<>();
        for (C c : cs) {
            if (!c.sc().getCapabilities().getDropList().contains("ALL")) {
                noDrop.add(c.name());
            }
            List<String> added = c.sc().getCapabilities().getAddList().stream()
                    .filter(cap -> !cap.equals("NET_BIND_SERVICE"))
                    .toList();
            if (!added.isEmpty()) {
                badAdd.add(c.name());
                caps.addAll(added);
            }
        }
        List<String> details = new ArrayList<>();
        if (!noDrop.isEmpty()) {
            details.add(containers(noDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        if (!badAdd.isEmpty()) {
            details.add(containers(badAdd) + " must not include " + quoteAll(caps)
                    + " in securityContext.capabilities.add");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("unrestricted capabilities", String.join("; ", details)));
        }
    }

    private static void hostNamespaces(PodSpec spec, List<Violation> out) {
        List<String> bad = new ArrayList<>();
        if (spec.getHostNetwork()) {
            bad.add("hostNetwork=true");
        }
        if (spec.getHostPid()) {
            bad.add("hostPID=true");
        }
        if (spec.getHostIpc()) {
            bad.add("hostIPC=true");
        }
        if (!bad.isEmpty()) {
            out.add(new Violation("host namespaces", String.join(", ", bad)));
        }
    }

    private static void hostPathVolumes(PodSpec spec, List<Violation> out) {
        List<String> bad = spec.getVolumesList().stream()
                .filter(Volume::hasHostPath)
                .map(Volume::getName)
                .toList();
        if (!bad.isEmpty()) {
            out.add(new Violation("hostPath volumes", (bad.size() == 1 ? "volume " : "volumes ") + quoteAll(bad)));
        }
    }

    private static void hostPorts(List<C> cs, List<Violation> out) {
        List<String> bad = new ArrayList<>();
        Set<String> ports = new LinkedHashSet<>();
        for (C c : cs) {
            List<String> used = c.ports().stream()
                    .filter(p -> p.getHostPort() != 0)
                    .map(p -> Integer.toString(p.getHostPort()))
                    .toList();
            if (!used.isEmpty()) {
                bad.add(c.name());
                ports.addAll(used);
            }
        }
        if (!bad.isEmpty()) {
            out.add(new Violation(
                    "hostPort",
                    containers(bad)
                            + (bad.size() == 1 ? " uses " : " use ")
                            + (ports.size() == 1 ? "hostPort " : "hostPorts ")
                            + String.join(", ", ports)));
        }
    }

    private static void privileged(List<C> cs, List<Violation> out) {
        List<String> bad =
                cs.stream().filter(c -> c.sc().getPrivileged()).map(C::name).toList();
        if (!bad.isEmpty()) {
            out.add(new Violation("privileged", containers(bad) + " must not set securityContext.privileged=true"));
        }
    }

    private static void procMount(List<C> cs, List<Violation> out) {
        List<String> bad = new ArrayList<>();
        Set<String> values = new TreeSet<>();
        for (C c : cs) {
            if (c.sc().hasProcMount() && !c.sc().getProcMount().equals("Default")) {
                bad.add(c.name());
                values.add(c.sc().getProcMount());
            }
        }
        if (!bad.isEmpty()) {
            out.add(new Violation(
                    "procMount", containers(bad) + " must not set securityContext.procMount to " + quoteAll(values)));
        }
    }

    private static void restrictedVolumes(PodSpec spec, List<Violation> out) {
        List<String> bad = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (Volume v : spec.getVolumesList()) {
            for (FieldDescriptor f : v.getAllFields().keySet()) {
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        && !RESTRICTED_VOLUMES.contains(f.getJsonName())) {
                    bad.add(v.getName());
                    types.add(f.getJsonName());
                }
            }
        }
        if (!bad.isEmpty()) {
            out.add(new Violation(
                    "restricted volume types",
                    (bad.size() == 1 ? "volume " : "volumes ")
                            + quoteAll(bad)
                            + (bad.size() == 1 ? " uses " : " use ")
                            + (types.size() == 1 ? "restricted volume type " : "restricted volume types ")
                            + quoteAll(types)));
        }
    }

    private static void runAsNonRoot(PodSecurityContext psc, List<C> cs, List<Violation> out) {
        boolean podSet = psc.hasRunAsNonRoot() && psc.getRunAsNonRoot();
        List<String> explicitlyFalse = cs.stream()
                .filter(c -> c.sc().hasRunAsNonRoot() && !c.sc().getRunAsNonRoot())
                .map(C::name)
                .toList();
        List<String> unset =
                cs.stream().filter(c -> !c.sc().hasRunAsNonRoot()).map(C::name).toList();
        List<String> details = new ArrayList<>();
        if (psc.hasRunAsNonRoot() && !psc.getRunAsNonRoot()) {
            details.add("pod must not set securityContext.runAsNonRoot=false");
        }
        if (!explicitlyFalse.isEmpty()) {
            details.add(containers(explicitlyFalse) + " must not set securityContext.runAsNonRoot=false");
        }
        if (!podSet && !unset.isEmpty()) {
            details.add("pod or " + containers(unset) + " must set securityContext.runAsNonRoot=true");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("runAsNonRoot != true", String.join("; ", details)));
        }
    }

    private static void runAsUser(PodSecurityContext psc, List<C> cs, List<Violation> out) {
        List<String> details = new ArrayList<>();
        if (psc.hasRunAsUser() && psc.getRunAsUser() == 0) {
            details.add("pod must not set runAsUser=0");
        }
        List<String> bad = cs.stream()
                .filter(c -> c.sc().hasRunAsUser() && c.sc().getRunAsUser() == 0)
                .map(C::name)
                .toList();
        if (!bad.isEmpty()) {
            details.add(containers(bad) + " must not set runAsUser=0");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("runAsUser=0", String.join("; ", details)));
        }
    }

    private static void seLinuxOptions(PodSecurityContext psc, List<C> cs, List<Violation> out) {
        Set<String> problems = new LinkedHashSet<>();
        boolean podBad = seLinuxProblems(psc.getSeLinuxOptions(), problems);
        List<String> bad = new ArrayList<>();
        for (C c : cs) {
            if (seLinuxProblems(c.sc().getSeLinuxOptions(), problems)) {
                bad.add(c.name());
            }
        }
        if (podBad || !bad.isEmpty()) {
            String who = podBad && !bad.isEmpty() ? "pod and " + containers(bad) : podBad ? "pod" : containers(bad);
            out.add(new Violation(
                    "seLinuxOptions",
                    who + " set forbidden securityContext.seLinuxOptions: " + String.join("; ", problems)));
        }
    }

    private static boolean seLinuxProblems(io.kubelite.api.SELinuxOptions o, Set<String> problems) {
        boolean bad = false;
        if (!SELINUX_TYPES.contains(o.getType())) {
            problems.add("type \"" + o.getType() + "\"");
            bad = true;
        }
        if (!o.getUser().isEmpty()) {
            problems.add("user may not be set");
            bad = true;
        }
        if (!o.getRole().isEmpty()) {
            problems.add("role may not be set");
            bad = true;
        }
        return bad;
    }

    private static void seccompBaseline(PodSecurityContext psc, List<C> cs, List<Violation> out) {
        List<String> details = new ArrayList<>();
        if (psc.hasSeccompProfile() && psc.getSeccompProfile().getType().equals("Unconfined")) {
            details.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
        }
        List<String> bad = cs.stream()
                .filter(c -> c.sc().hasSeccompProfile()
                        && c.sc().getSeccompProfile().getType().equals("Unconfined"))
                .map(C::name)
                .toList();
        if (!bad.isEmpty()) {
            details.add(containers(bad) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("seccompProfile", String.join("; ", details)));
        }
    }

    private static void seccompRestricted(PodSecurityContext psc, List<C> cs, List<Violation> out) {
        List<String> details = new ArrayList<>();
        boolean podValid = psc.hasSeccompProfile()
                && seccompAllowed(psc.getSeccompProfile().getType());
        if (psc.hasSeccompProfile() && !podValid) {
            details.add("pod must not set securityContext.seccompProfile.type to \""
                    + psc.getSeccompProfile().getType() + "\"");
        }
        List<String> badSet = cs.stream()
                .filter(c -> c.sc().hasSeccompProfile()
                        && !seccompAllowed(c.sc().getSeccompProfile().getType()))
                .map(C::name)
                .toList();
        if (!badSet.isEmpty()) {
            details.add(containers(badSet) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
        }
        List<String> unset = cs.stream()
                .filter(c -> !c.sc().hasSeccompProfile())
                .map(C::name)
                .toList();
        if (!podValid && !unset.isEmpty()) {
            details.add("pod or " + containers(unset)
                    + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("seccompProfile", String.join("; ", details)));
        }
    }

    private static boolean seccompAllowed(String type) {
        return type.equals("RuntimeDefault") || type.equals("Localhost");
    }

    private static void sysctls(PodSecurityContext psc, List<Violation> out) {
        List<String> bad = psc.getSysctlsList().stream()
                .map(Sysctl::getName)
                .filter(n -> !SAFE_SYSCTLS.contains(n))
                .toList();
        if (!bad.isEmpty()) {
            out.add(new Violation("forbidden sysctls", String.join(", ", bad)));
        }
    }

    /** kube's {@code container "a"} / {@code containers "a", "b"}. */
    private static String containers(List<String> names) {
        return (names.size() == 1 ? "container " : "containers ") + quoteAll(names);
    }

    private static String quoteAll(java.util.Collection<String> xs) {
        return xs.stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(", "));
    }
}
