package io.kubelite.kinds.core.service;

import io.kubelite.api.IntOrString;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** kube's service defaults and validation for the fields kubelite serves; a clusterIP is set once. */
final class ServiceStrategy implements Strategy<Service> {
    private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

    @Override
    public Service defaults(Service s) {
        Service.Builder b = s.toBuilder();
        var spec = b.getSpecBuilder();
        if (spec.getType().isEmpty()) {
            spec.setType("ClusterIP");
        }
        if (spec.getSessionAffinity().isEmpty()) {
            spec.setSessionAffinity("None");
        }
        if (spec.getInternalTrafficPolicy().isEmpty() && !spec.getType().equals("ExternalName")) {
            spec.setInternalTrafficPolicy("Cluster");
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

    @Override
    public String nameError(String name) {
        return Names.dns1035LabelError(name);
    }

    @Override
    public void validate(Service s, FieldErrors errs) {
        if (!s.getSpec().getType().isEmpty() && !TYPES.contains(s.getSpec().getType())) {
            errs.notSupported("spec.type", s.getSpec().getType(), TYPES);
        }
        if (s.getSpec().getPortsCount() == 0
                && !"ExternalName".equals(s.getSpec().getType())
                && !"None".equals(s.getSpec().getClusterIp())) {
            errs.required("spec.ports");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.getSpec().getPortsCount(); i++) {
            ServicePort p = s.getSpec().getPorts(i);
            String path = "spec.ports[" + i + "]";
            if (p.getPort() < 1 || p.getPort() > 65535) {
                errs.invalid(path + ".port", p.getPort(), "must be between 1 and 65535, inclusive");
            }
            if (s.getSpec().getPortsCount() > 1 && p.getName().isEmpty()) {
                errs.required(path + ".name");
            } else if (!p.getName().isEmpty() && !names.add(p.getName())) {
                errs.duplicate(path + ".name", p.getName());
            }
        }
    }

    @Override
    public void validateUpdate(Service s, Service old, FieldErrors errs) {
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
