package io.kubelite.apiserver.mirror;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.store.runtime.mirror.MirrorPodTemplate;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The mirror pod of one etcd member, shaped like kubeadm's etcd static pod: a pure function
 * of what {@code MemberList} and the member's {@code Status} said, so that every API server
 * replica builds the same pod.
 *
 * <ul>
 *   <li>name {@code etcd-<member name made a DNS label>} ({@code etcd-<member ID in hex>} for
 *       a member that never started; a name two members share gets {@code -<ID>} appended);
 *   <li>labels {@code component=etcd}, {@code tier=control-plane}; annotations
 *       {@value #ADVERTISE_CLIENT_URLS} (as kubeadm writes it), {@value #MEMBER_ID},
 *       {@value #LEADER} while the member answers, {@value #LEARNER} for a learner; no
 *       {@value MirrorPods#LOG_PORT}: etcd's log is not served;
 *   <li>one container {@code etcd}, image {@value #IMAGE}{@code :<version>} (the version
 *       the member last reported), command {@code etcd --name=... --advertise-client-urls=...
 *       --initial-advertise-peer-urls=...};
 *   <li>{@code hostNetwork}, {@code system-node-critical}; {@code podIP}/{@code hostIP} the
 *       host of the member's first client URL; {@code spec.nodeName} that host as a DNS label,
 *       or the publishing API server's host when the member listens on loopback (it runs
 *       there, then);
 *   <li>Ready, ContainersReady and the container's {@code ready} from {@link Health}; when
 *       not ready, both conditions say why.
 * </ul>
 */
public final class EtcdMemberPod {
    /** kubeadm's etcd image; the tag is the member's version. */
    public static final String IMAGE = "registry.k8s.io/etcd";
    /** kubeadm's annotation on its etcd pods: the member's client URLs. */
    public static final String ADVERTISE_CLIENT_URLS = "kubeadm.kubernetes.io/etcd.advertise-client-urls";
    /** The member's ID in hex, as {@code etcdctl member list} prints it. */
    public static final String MEMBER_ID = "kubelite.io/etcd-member-id";
    /** {@code "true"} on the raft leader's pod, {@code "false"} on the others' while they answer. */
    public static final String LEADER = "kubelite.io/etcd-leader";
    /** {@code "true"} on a learner's pod. */
    public static final String LEARNER = "kubelite.io/etcd-learner";

    static final String COMPONENT = "etcd";

    /** A member as {@code MemberList} names it. An added member that never started has no name and no client URLs. */
    public record Member(long id, String name, List<URI> clientUrls, List<URI> peerUrls, boolean learner) {
        public Member {
            name = name == null ? "" : name;
            clientUrls = List.copyOf(clientUrls);
            peerUrls = List.copyOf(peerUrls);
        }

        static Member of(io.etcd.jetcd.cluster.Member m) {
            return new Member(m.getId(), m.getName(), m.getClientURIs(), m.getPeerURIs(), m.isLearner());
        }

        public boolean started() {
            return !name.isEmpty() && !clientUrls.isEmpty();
        }

        public String hexId() {
            return Long.toHexString(id);
        }
    }

    /**
     * What the member's {@code Status} answer said.
     *
     * @param ready   it answered in time, reports no errors and knows a raft leader
     * @param problem why it is not ready (a stable text: it is written into the pod); null when ready
     * @param version the etcd version it last reported (now or earlier); null if never
     * @param leader  whether it is the raft leader; null when it did not answer
     */
    public record Health(boolean ready, String problem, String version, Boolean leader) {
        public static Health ready(String version, boolean leader) {
            return new Health(true, null, version, leader);
        }

        public static Health notReady(String problem, String version) {
            return new Health(false, problem, version, null);
        }
    }

    private EtcdMemberPod() {}

    /** The pod names of {@code members} by member ID: distinct, stable for the same member list. */
    public static Map<Long, String> podNames(List<Member> members) {
        Map<String, Integer> uses = new HashMap<>();
        for (Member m : members) {
            uses.merge(segment(m), 1, Integer::sum);
        }
        Map<Long, String> names = new LinkedHashMap<>();
        for (Member m : members) {
            String seg = segment(m);
            names.put(m.id(), "etcd-" + (uses.get(seg) > 1 ? seg + "-" + m.hexId() : seg));
        }
        return names;
    }

    private static String segment(Member m) {
        return MirrorPods.nameSegment(m.name().isEmpty() ? m.hexId() : m.name());
    }

    /**
     * @param podName   from {@link #podNames}
     * @param localHost the publishing process's host name, the node of a member on loopback
     */
    public static Pod pod(String podName, Member m, Health h, String localHost) {
        String host = host(m);
        String ip = host.equals("localhost") ? "127.0.0.1" : host;
        String node = host.isEmpty() || loopback(ip) ? localHost : host;
        String image = h.version() == null || h.version().isEmpty() ? IMAGE : IMAGE + ":" + h.version();
        Pod shaped = MirrorPodTemplate.pod(new MirrorPodTemplate.Shape(
                podName, COMPONENT, MirrorPods.nameSegment(node), ip, image, command(m), 0, false, h.ready(), null));
        Pod.Builder b = shaped.toBuilder();
        b.getMetadataBuilder().putAnnotations(MEMBER_ID, m.hexId());
        if (!m.clientUrls().isEmpty()) {
            b.getMetadataBuilder().putAnnotations(ADVERTISE_CLIENT_URLS, join(m.clientUrls()));
        }
        if (h.leader() != null) {
            b.getMetadataBuilder().putAnnotations(LEADER, Boolean.toString(h.leader()));
        }
        if (m.learner()) {
            b.getMetadataBuilder().putAnnotations(LEARNER, "true");
        }
        PodStatus.Builder st = b.getStatusBuilder();
        if (ip.isEmpty()) {
            st.clearPodIp().clearPodIps().clearHostIp().clearHostIps();
        }
        if (!h.ready()) {
            for (PodCondition.Builder c : st.getConditionsBuilderList()) {
                if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
                    c.setReason("ContainersNotReady")
                            .setMessage("containers with unready status: [" + COMPONENT + "]: " + h.problem());
                }
            }
        }
        return b.build();
    }

    /** kubeadm's etcd command, with what the member list knows of the member. */
    static List<String> command(Member m) {
        List<String> cmd = new ArrayList<>(List.of("etcd"));
        if (!m.name().isEmpty()) {
            cmd.add("--name=" + m.name());
        }
        if (!m.clientUrls().isEmpty()) {
            cmd.add("--advertise-client-urls=" + join(m.clientUrls()));
        }
        if (!m.peerUrls().isEmpty()) {
            cmd.add("--initial-advertise-peer-urls=" + join(m.peerUrls()));
        }
        return cmd;
    }

    /** The host of the first client URL, else of the first peer URL, without IPv6 brackets; "" if none. */
    static String host(Member m) {
        List<URI> urls = m.clientUrls().isEmpty() ? m.peerUrls() : m.clientUrls();
        String h = urls.isEmpty() || urls.get(0).getHost() == null
                ? ""
                : urls.get(0).getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static boolean loopback(String ip) {
        return ip.startsWith("127.") || ip.equals("::1");
    }

    private static String join(List<URI> urls) {
        return urls.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
