package io.kubelite.kubelet.network;

import io.kubelite.api.HostAlias;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import java.nio.charset.StandardCharsets;

/**
 * The kubelet-managed {@code /etc/hosts} of a pod's containers, as {@code kubelet_pods.go}'s
 * {@code managedHostsFileContent} writes it: kube's header, the localhost and IPv6 lines, the pod
 * IP with its hostname (with {@code <hostname>.<subdomain>.<ns>.svc.<domain>} first when the pod
 * has a subdomain), then the {@code hostAliases} block. A hostNetwork pod gets the node's hosts
 * file instead (the simulated node's: localhost lines and the node's address with its name),
 * with its {@code hostAliases} appended, as kube's {@code nodeHostsFileContent} does.
 */
public final class PodHostsFile {
    static final String HEADER = "# Kubernetes-managed hosts file.\n";

    /** What every ordinary pod's file starts with, before its own line. */
    private static final String COMMON_HEAD = HEADER
            + "127.0.0.1\tlocalhost\n"
            + "::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\n"
            + "fe00::0\tip6-mcastprefix\n"
            + "fe00::1\tip6-allnodes\n"
            + "fe00::2\tip6-allrouters\n";

    private static final int MAX_HOSTNAME = 63;

    private PodHostsFile() {}

    /** The pod's file; {@code podIp} its IP, {@code nodeName}/{@code nodeIp} for a hostNetwork pod. */
    public static String forPod(Pod pod, String podIp, String clusterDomain, String nodeName, String nodeIp) {
        StringBuilder b = new StringBuilder();
        if (pod.getSpec().getHostNetwork()) {
            b.append("127.0.0.1\tlocalhost\n");
            b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
            b.append(nodeIp).append('\t').append(nodeName).append('\n');
            aliases(pod, b);
            return b.toString();
        }
        b.append(COMMON_HEAD);
        String hostname = hostname(pod);
        String subdomain = pod.getSpec().getSubdomain();
        if (!podIp.isEmpty()) {
            if (!subdomain.isEmpty()) {
                String domain = subdomain + "." + pod.getMetadata().getNamespace() + ".svc." + clusterDomain;
                b.append(podIp)
                        .append('\t')
                        .append(hostname)
                        .append('.')
                        .append(domain)
                        .append('\t')
                        .append(hostname)
                        .append('\n');
            } else {
                b.append(podIp).append('\t').append(hostname).append('\n');
            }
        }
        aliases(pod, b);
        return b.toString();
    }

    /**
     * The pod's file as {@link #forPod} writes it, made on each read: for the usual pod (an IP,
     * no hostNetwork, subdomain or hostAliases) from the pod's IP and hostname alone, which the
     * simulator holds anyway, instead of ~250 bytes per container; other pods' files are made
     * now and kept.
     */
    public static SimulatedFilesystem.GeneratedFile generated(
            Pod pod, String podIp, String clusterDomain, String nodeName, String nodeIp) {
        if (pod.getSpec().getHostNetwork()
                || podIp.isEmpty()
                || !pod.getSpec().getSubdomain().isEmpty()
                || pod.getSpec().getHostAliasesCount() > 0) {
            byte[] fixed = forPod(pod, podIp, clusterDomain, nodeName, nodeIp).getBytes(StandardCharsets.UTF_8);
            return fixed::clone;
        }
        return new PodLine(podIp, hostname(pod));
    }

    /** The common head and {@code IP<TAB>hostname}. */
    private record PodLine(String podIp, String hostname) implements SimulatedFilesystem.GeneratedFile {
        @Override
        public byte[] bytes() {
            return (COMMON_HEAD + podIp + '\t' + hostname + '\n').getBytes(StandardCharsets.UTF_8);
        }
    }

    private static void aliases(Pod pod, StringBuilder b) {
        if (pod.getSpec().getHostAliasesCount() == 0) {
            return;
        }
        b.append("\n# Entries added by HostAliases.\n");
        for (HostAlias a : pod.getSpec().getHostAliasesList()) {
            b.append(a.getIp())
                    .append('\t')
                    .append(String.join("\t", a.getHostnamesList()))
                    .append('\n');
        }
    }

    /** spec.hostname, else the pod's name cut to 63 characters without a trailing '-' or '.' (kube's). */
    static String hostname(Pod pod) {
        if (!pod.getSpec().getHostname().isEmpty()) {
            return pod.getSpec().getHostname();
        }
        String name = pod.getMetadata().getName();
        if (name.length() <= MAX_HOSTNAME) {
            return name;
        }
        String cut = name.substring(0, MAX_HOSTNAME);
        while (cut.endsWith("-") || cut.endsWith(".")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
