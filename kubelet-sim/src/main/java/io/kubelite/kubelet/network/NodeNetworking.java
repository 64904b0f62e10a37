package io.kubelite.kubelet.network;

import io.kubelite.api.Pod;
import io.kubelite.kubelet.runtime.SimContainer;

/**
 * One node's side of pod networking, as its pods' containers are created: the pod's resolver
 * configuration (computed once per pod, as the kubelet does at sandbox creation) and, for each
 * new container instance, its {@code /etc/resolv.conf} and {@code /etc/hosts}, its image's
 * served files, and its {@link io.kubelite.kubelet.shell.PodNetwork}.
 */
public interface NodeNetworking {
    /** The pod's resolv.conf; Events about it (limits, fallbacks) go to {@code events}. */
    ResolvConf dns(Pod pod, PodEventSink events);

    /**
     * Wires new instance {@code c} of a container of {@code pod}, whose IP is {@code podIp}: writes
     * its DNS files (unless a volume put something at their paths) and connects it to the network.
     */
    void attach(Pod pod, String podIp, ResolvConf dns, SimContainer c);

    /** The pod with {@code uid} let go of its IP: connections to it no longer reach it. */
    void release(String uid);

    /** No network: containers keep {@link io.kubelite.kubelet.shell.PodNetwork#NONE} and get no DNS files. */
    NodeNetworking NONE = new NodeNetworking() {
        @Override
        public ResolvConf dns(Pod pod, PodEventSink events) {
            return ResolvConf.EMPTY;
        }

        @Override
        public void attach(Pod pod, String podIp, ResolvConf dns, SimContainer c) {}

        @Override
        public void release(String uid) {}
    };
}
