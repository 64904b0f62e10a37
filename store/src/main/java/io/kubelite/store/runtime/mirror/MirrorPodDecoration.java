package io.kubelite.store.runtime.mirror;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a component adds to its process's mirror pod beyond the shape every kubelite mirror
 * pod shares ({@link MirrorPodTemplate}): labels, and named container ports, as kube's add-on
 * pods carry them (CoreDNS: {@code k8s-app=kube-dns}, ports {@code dns}, {@code dns-tcp},
 * {@code metrics}). A Service selecting the labels then gets the process as its endpoint, its
 * named {@code targetPort}s resolving through these ports.
 *
 * <p>Labels are added to the template's {@code component} and {@code tier}, never replace
 * them. Port names must be unique; ports are 1..65535, protocol {@code TCP} or {@code UDP}.
 *
 * @param labels extra labels of the pod
 * @param ports  the container's named ports, in the order shown
 */
public record MirrorPodDecoration(Map<String, String> labels, List<Port> ports) {
    /** Nothing added: the plain control-plane mirror pod. */
    public static final MirrorPodDecoration NONE = new MirrorPodDecoration(Map.of(), List.of());

    /** One named container port; {@code protocol} is {@code TCP} or {@code UDP}. */
    public record Port(String name, int port, String protocol) {
        public Port {
            Objects.requireNonNull(name, "name");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + name + " must be 1..65535: " + port);
            }
            if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
                throw new IllegalArgumentException("port " + name + " protocol must be TCP or UDP: " + protocol);
            }
        }
    }

    public MirrorPodDecoration {
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        if (ports.stream().map(Port::name).distinct().count() != ports.size()) {
            throw new IllegalArgumentException("port names must be unique: " + ports);
        }
    }
}
