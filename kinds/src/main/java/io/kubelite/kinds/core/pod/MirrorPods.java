package io.kubelite.kinds.core.pod;

import io.kubelite.api.Pod;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Mirror pods: the {@code kube-system} pods that show kubelite's own processes (API
 * server, scheduler, controller-manager, etcd members, later add-ons) the way a kubeadm
 * cluster shows its static pods. Each is written by the process it shows, attached to an
 * etcd lease that process keeps alive, so it vanishes with the process.
 *
 * <p>{@link #isMirror} is the one test every consumer uses: nothing in kubelite schedules,
 * runs, evicts, adopts, lists as an endpoint or garbage-collects a pod for which it holds
 * (kube's {@code kubetypes.IsMirrorPod}: the {@value #CONFIG_MIRROR} annotation is present).
 * Their {@code spec.nodeName} names the publishing process's host, which is not a kubelite
 * Node.
 */
public final class MirrorPods {
    /** kube's mirror-pod annotation ({@code kubetypes.ConfigMirrorAnnotationKey}); its value is a content hash. */
    public static final String CONFIG_MIRROR = "kubernetes.io/config.mirror";
    /** kube's config-source annotation; kubelite's mirror pods say {@value #SOURCE}. */
    public static final String CONFIG_SOURCE = "kubernetes.io/config.source";
    /** The value of {@value #CONFIG_SOURCE} on kubelite's mirror pods. */
    public static final String SOURCE = "kubelite";
    /**
     * The port of the process's health server, which serves {@code /logs}; with
     * {@code status.podIP} it is where the API server proxies {@code pods/log} to.
     */
    public static final String LOG_PORT = "kubelite.io/log-port";
    /** Where mirror pods live. */
    public static final String NAMESPACE = "kube-system";

    private MirrorPods() {}

    /** True for a mirror pod: the {@value #CONFIG_MIRROR} annotation is present. */
    public static boolean isMirror(Pod pod) {
        return pod.getMetadata().containsAnnotations(CONFIG_MIRROR);
    }

    /** The port {@code pods/log} is proxied to, when the pod names one. */
    public static OptionalInt logPort(Pod pod) {
        String v = pod.getMetadata().getAnnotationsOrDefault(LOG_PORT, "");
        try {
            int port = Integer.parseInt(v);
            return port > 0 && port <= 65535 ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * A DNS-1123 name segment made from {@code s} (e.g. a process identity like
     * {@code Host_1-4242}): lower case, runs of other characters become one '-', no
     * leading or trailing '-', at most 63 characters.
     */
    public static String nameSegment(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (out.length() > 63) {
            out = out.substring(0, 63).replaceAll("-+$", "");
        }
        return out.isEmpty() ? "x" : out;
    }
}
