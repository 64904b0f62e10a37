package io.kubelite.kinds.core.service;

import io.kubelite.api.IntOrString;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's service defaults and validation for the fields kubelite serves. Addresses
 * (clusterIP, nodePorts) are given by the API server's allocator after these run; a clusterIP
 * is set once, except that a change to or from ExternalName drops or gains it, as in kube.
 */
final class ServiceStrategy implements Strategy<Service> {
    private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern SVC_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    @Override
    public Service defaults(Service s) {
        Service.Builder b = s.toBuilder();
        ServiceSpec.Builder spec = b.getSpecBuilder();
        if (spec.getType().isEmpty()) {
            spec.setType("ClusterIP");
        }
        if (spec.getSessionAffinity().isEmpty()) {
            spec.setSessionAffinity("None");
        }
        boolean external = spec.getType().equals("ExternalName");
        if (!external) {
            if (spec.getInternalTrafficPolicy().isEmpty()) {
                spec.setInternalTrafficPolicy("Cluster");
            }
            if (spec.getClusterIpsCount() == 0 && !spec.getClusterIp().isEmpty()) {
                spec.addClusterIps(spec.getClusterIp());
            } else if (spec.getClusterIp().isEmpty() && spec.getClusterIpsCount() > 0) {
                spec.setClusterIp(spec.getClusterIps(0));
            }
            // kubelite serves IPv4 single-stack (kube's alloc.go fills these in)
            if (spec.getIpFamilyPolicy().isEmpty()) {
                spec.setIpFamilyPolicy("SingleStack");
            }
            if (spec.getIpFamiliesCount() == 0) {
                spec.addIpFamilies("IPv4");
            }
        }
        if (spec.getType().equals("NodePort") || spec.getType().equals("LoadBalancer")) {
            if (spec.getExternalTrafficPolicy().isEmpty()) {
                spec.setExternalTrafficPolicy("Cluster");
            }
        }
        if (spec.getType().equals("LoadBalancer") && !spec.hasAllocateLoadBalancerNodePorts()) {
            spec.setAllocateLoadBalancerNodePorts(true);
        }
        for (int i = 0; i < spec.getPortsCount(); i++) {
            ServicePort.Builder pb = spec.getPorts(i).toBuilder();
            if (pb.getProtocol().isEmpty()) {
                pb.setProtocol("TCP");
            }
            if (!pb.hasTargetPort()) {
                pb.setTargetPort(IntOrString.of(pb.getPort()));
            }
            spec.setPorts(i, pb);
        }
        return b.build();
    }

    /**
     * kube's {@code patchAllocatedValues} (an update that leaves the clusterIP out keeps the
     * allocated one) and {@code dropTypeDependentFields} (what the old type needed and the new
     * one has no use for is dropped, unless the client changed it).
     */
    @Override
    public Service prepareForUpdate(Service s, Service old) {
        String was = old.getSpec().getType();
        String now = s.getSpec().getType().isEmpty() ? "ClusterIP" : s.getSpec().getType();
        Service.Builder b = s.toBuilder();
        ServiceSpec.Builder spec = b.getSpecBuilder();
        if (!was.equals("ExternalName")
                && !now.equals("ExternalName")
                && spec.getClusterIp().isEmpty()
                && spec.getClusterIpsCount() == 0) {
            spec.setClusterIp(old.getSpec().getClusterIp())
                    .addAllClusterIps(old.getSpec().getClusterIpsList());
        }
        if (was.equals(now)) {
            return b.build();
        }
        if (now.equals("ExternalName")
                && spec.getClusterIp().equals(old.getSpec().getClusterIp())) {
            spec.clearClusterIp().clearClusterIps().clearIpFamilies().clearIpFamilyPolicy();
            spec.clearInternalTrafficPolicy();
        }
        if (was.equals("ExternalName")
                && spec.getExternalName().equals(old.getSpec().getExternalName())) {
            spec.clearExternalName();
        }
        boolean hadNodePorts = was.equals("NodePort") || was.equals("LoadBalancer");
        boolean needsNodePorts = now.equals("NodePort") || now.equals("LoadBalancer");
        if (hadNodePorts && !needsNodePorts && sameNodePorts(spec, old.getSpec())) {
            for (int i = 0; i < spec.getPortsCount(); i++) {
                spec.setPorts(i, spec.getPorts(i).toBuilder().setNodePort(0));
            }
        }
        if (!needsNodePorts
                && spec.getExternalTrafficPolicy().equals(old.getSpec().getExternalTrafficPolicy())) {
            spec.clearExternalTrafficPolicy();
        }
        if (!now.equals("LoadBalancer")) {
            spec.clearAllocateLoadBalancerNodePorts();
        }
        return b.build();
    }

    private static boolean sameNodePorts(ServiceSpec.Builder spec, ServiceSpec old) {
        Set<Integer> before = new HashSet<>();
        old.getPortsList().forEach(p -> before.add(p.getNodePort()));
        for (ServicePort p : spec.getPortsList()) {
            if (p.getNodePort() != 0 && !before.contains(p.getNodePort())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String nameError(String name) {
        return Names.dns1035LabelError(name);
    }

    @Override
    public void validate(Service s, FieldErrors errs) {
        ServiceSpec spec = s.getSpec();
        String type = spec.getType();
        if (!type.isEmpty() && !TYPES.contains(type)) {
            errs.notSupported("spec.type", type, TYPES);
        }
        boolean headless = "None".equals(spec.getClusterIp());
        if (spec.getPortsCount() == 0 && !"ExternalName".equals(type) && !headless) {
            errs.required("spec.ports");
        }
        if (type.equals("ExternalName")) {
            if (!spec.getClusterIp().isEmpty()) {
                errs.forbidden("spec.clusterIP", "may not be set for ExternalName services");
            }
            if (spec.getExternalName().isEmpty()) {
                errs.required("spec.externalName");
            }
        } else {
            validateClusterIps(spec, errs);
        }
        if (headless && (type.equals("NodePort") || type.equals("LoadBalancer"))) {
            errs.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for " + type + " services");
        }
        Set<String> names = new HashSet<>();
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < spec.getPortsCount(); i++) {
            ServicePort p = spec.getPorts(i);
            String path = "spec.ports[" + i + "]";
            if (spec.getPortsCount() > 1 && p.getName().isEmpty()) {
                errs.required(path + ".name");
            } else if (!p.getName().isEmpty() && !names.add(p.getName())) {
                errs.duplicate(path + ".name", p.getName());
            }
            if (p.getPort() < 1 || p.getPort() > 65535) {
                errs.invalid(path + ".port", p.getPort(), "must be between 1 and 65535, inclusive");
            }
            if (!p.getProtocol().isEmpty() && !PROTOCOLS.contains(p.getProtocol())) {
                errs.notSupported(path + ".protocol", p.getProtocol(), PROTOCOLS);
            }
            if (p.getNodePort() != 0) {
                if (type.equals("ClusterIP") || type.isEmpty()) {
                    errs.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
                } else if (p.getNodePort() < 0 || p.getNodePort() > 65535) {
                    errs.invalid(path + ".nodePort", p.getNodePort(), "must be between 1 and 65535, inclusive");
                } else if (!nodePorts.add(p.getNodePort() + "/" + p.getProtocol())) {
                    errs.duplicate(path + ".nodePort", p.getNodePort());
                }
            }
            if (p.hasTargetPort()) {
                validateTargetPort(p, path + ".targetPort", errs);
            }
        }
    }

    private static void validateClusterIps(ServiceSpec spec, FieldErrors errs) {
        String ip = spec.getClusterIp();
        if (!ip.isEmpty() && !ip.equals("None") && !IPV4.matcher(ip).matches()) {
            errs.invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        }
        if (spec.getClusterIpsCount() > 0 && !spec.getClusterIps(0).equals(ip)) {
            errs.invalid("spec.clusterIPs", spec.getClusterIps(0), "must be empty or the same value as spec.clusterIP");
        }
        if (spec.getClusterIpsCount() > 1) {
            errs.invalid(
                    "spec.ipFamilyPolicy",
                    spec.getIpFamilyPolicy(),
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified");
        }
        for (int i = 0; i < spec.getIpFamiliesCount(); i++) {
            if (!spec.getIpFamilies(i).equals("IPv4")) {
                errs.invalid(
                        "spec.ipFamilies[" + i + "]",
                        spec.getIpFamilies(i),
                        "kubelite serves IPv4 single-stack services only");
            }
        }
    }

    /** A port number, or an IANA service name (kube's {@code ValidatePortNumOrName}). */
    private static void validateTargetPort(ServicePort p, String path, FieldErrors errs) {
        if (IntOrString.isInt(p.getTargetPort())) {
            int n = IntOrString.intValue(p.getTargetPort());
            if (n < 1 || n > 65535) {
                errs.invalid(path, n, "must be between 1 and 65535, inclusive");
            }
            return;
        }
        String name = IntOrString.stringValue(p.getTargetPort());
        if (name.length() > 15) {
            errs.invalid(path, name, "must be no more than 15 characters");
        } else if (!SVC_NAME.matcher(name).matches() || name.contains("--")) {
            errs.invalid(path, name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        } else if (name.chars().noneMatch(Character::isLetter)) {
            errs.invalid(path, name, "must contain at least one letter (a-z)");
        }
    }

    @Override
    public void validateUpdate(Service s, Service old, FieldErrors errs) {
        if (s.getSpec().getType().equals("ExternalName")
                || old.getSpec().getType().equals("ExternalName")) {
            return; // to or from ExternalName the address goes or comes
        }
        String a = old.getSpec().getClusterIp();
        if (!a.isEmpty() && !a.equals(s.getSpec().getClusterIp())) {
            errs.invalid("spec.clusterIPs[0]", s.getSpec().getClusterIp(), "may not change once set");
        }
    }

    @Override
    public boolean returnDeletedObject() {
        return true;
    }
}
