package io.kubelite.apiserver.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.maintenance.StatusResponse;
import io.grpc.Status;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Health;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Member;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The etcd member pod's shape, and how {@link EtcdMemberStatus} judges answers (no etcd: a stand-in status call). */
class EtcdMemberPodTest {
    private static Member member(long id, String name, String client, String peer) {
        return new Member(
                id,
                name,
                client == null ? List.of() : List.of(URI.create(client)),
                peer == null ? List.of() : List.of(URI.create(peer)),
                false);
    }

    private static PodCondition condition(Pod p, String type) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shapedLikeKubeadmsEtcdPod() {
        Member m = member(0xabcdefL, "Node_1", "http://127.0.0.1:2379", "http://127.0.0.1:2380");
        Pod p = EtcdMemberPod.pod("etcd-node-1", m, Health.ready("3.4.23", true), "myhost");

        assertThat(p.getMetadata().getName()).isEqualTo("etcd-node-1");
        assertThat(p.getMetadata().getNamespace()).isEqualTo("kube-system");
        assertThat(p.getMetadata().getLabelsMap())
                .containsEntry("component", "etcd")
                .containsEntry("tier", "control-plane");
        assertThat(p.getMetadata().getAnnotationsMap())
                .containsEntry(EtcdMemberPod.ADVERTISE_CLIENT_URLS, "http://127.0.0.1:2379")
                .containsEntry(EtcdMemberPod.MEMBER_ID, "abcdef")
                .containsEntry(EtcdMemberPod.LEADER, "true")
                .doesNotContainKey(MirrorPods.LOG_PORT)
                .doesNotContainKey(EtcdMemberPod.LEARNER);
        assertThat(p.getSpec().getContainersList()).hasSize(1);
        var c = p.getSpec().getContainers(0);
        assertThat(c.getName()).isEqualTo("etcd");
        assertThat(c.getImage()).isEqualTo("registry.k8s.io/etcd:3.4.23");
        assertThat(c.getCommandList())
                .containsExactly(
                        "etcd",
                        "--name=Node_1",
                        "--advertise-client-urls=http://127.0.0.1:2379",
                        "--initial-advertise-peer-urls=http://127.0.0.1:2380");
        assertThat(c.hasReadinessProbe()).as("no /readyz to probe").isFalse();
        assertThat(p.getSpec().getHostNetwork()).isTrue();
        assertThat(p.getSpec().getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(p.getSpec().getNodeName())
                .as("a loopback member runs on the publisher's host")
                .isEqualTo("myhost");
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        assertThat(p.getStatus().getPodIp()).isEqualTo("127.0.0.1");
        assertThat(p.getStatus().getHostIp()).isEqualTo("127.0.0.1");
        assertThat(condition(p, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(p, "ContainersReady").getStatus()).isEqualTo("True");
        assertThat(p.getStatus().getContainerStatuses(0).getReady()).isTrue();
        assertThat(p.getStatus().getContainerStatuses(0).getImage()).isEqualTo("registry.k8s.io/etcd:3.4.23");

        // the same input gives the same pod: replicas agree, and nothing is rewritten
        assertThat(EtcdMemberPod.pod("etcd-node-1", m, Health.ready("3.4.23", true), "myhost"))
                .isEqualTo(p);
    }

    @Test
    void notReadySaysWhyAndKeepsTheLastVersion() {
        Member m = member(7, "m1", "http://10.0.0.5:2379", "http://10.0.0.5:2380");
        Pod p = EtcdMemberPod.pod("etcd-m1", m, Health.notReady("no answer to Status within 1s", "3.4.23"), "myhost");
        assertThat(p.getSpec().getNodeName()).isEqualTo("10-0-0-5");
        assertThat(p.getStatus().getPodIp()).isEqualTo("10.0.0.5");
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        assertThat(p.getSpec().getContainers(0).getImage()).isEqualTo("registry.k8s.io/etcd:3.4.23");
        assertThat(p.getMetadata().getAnnotationsMap()).doesNotContainKey(EtcdMemberPod.LEADER);
        PodCondition ready = condition(p, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ContainersNotReady");
        assertThat(ready.getMessage())
                .isEqualTo("containers with unready status: [etcd]: no answer to Status within 1s");
        assertThat(condition(p, "ContainersReady").getStatus()).isEqualTo("False");
        assertThat(p.getStatus().getContainerStatuses(0).getReady()).isFalse();

        Pod never = EtcdMemberPod.pod("etcd-m1", m, Health.notReady("x", null), "myhost");
        assertThat(never.getSpec().getContainers(0).getImage()).isEqualTo("registry.k8s.io/etcd");
    }

    @Test
    void namesAreDnsLabelsDistinctPerMember() {
        Member a = member(0x1a, "Alpha_One", "http://127.0.0.1:1", null);
        Member b = member(0x2b, "dup", "http://127.0.0.1:2", null);
        Member c = member(0x3c, "DUP", "http://127.0.0.1:3", null);
        Member unstarted = member(0x4d, "", null, "http://127.0.0.1:4");
        Map<Long, String> names = EtcdMemberPod.podNames(List.of(a, b, c, unstarted));
        assertThat(names)
                .containsEntry(0x1aL, "etcd-alpha-one")
                .containsEntry(0x2bL, "etcd-dup-2b")
                .containsEntry(0x3cL, "etcd-dup-3c")
                .containsEntry(0x4dL, "etcd-4d");

        Pod p = EtcdMemberPod.pod("etcd-4d", unstarted, Health.notReady("member has not started", null), "h");
        assertThat(p.getSpec().getContainers(0).getCommandList())
                .containsExactly("etcd", "--initial-advertise-peer-urls=http://127.0.0.1:4");
        assertThat(p.getMetadata().getAnnotationsMap()).doesNotContainKey(EtcdMemberPod.ADVERTISE_CLIENT_URLS);
    }

    private static StatusResponse status(String version, long leader, String... errors) {
        var b = io.etcd.jetcd.api.StatusResponse.newBuilder()
                .setVersion(version)
                .setLeader(leader);
        for (String e : errors) {
            b.addErrors(e);
        }
        return new StatusResponse(b.build());
    }

    @Test
    void eachMemberIsJudgedOnItsOwnAnswerWithinTheTimeout() throws Exception {
        Member leader = member(1, "leader", "http://127.0.0.1:1", null);
        Member follower = member(2, "follower", "http://127.0.0.1:2", null);
        Member silent = member(3, "silent", "http://127.0.0.1:3", null);
        Member refused = member(4, "refused", "http://127.0.0.1:4", null);
        Member throwing = member(5, "throwing", "http://127.0.0.1:5", null);
        Member alarmed = member(6, "alarmed", "http://127.0.0.1:6", null);
        Member leaderless = member(7, "leaderless", "http://127.0.0.1:7", null);
        Member unstarted = member(8, "", null, "http://127.0.0.1:8");
        Member timedOut = member(9, "timed-out", "http://127.0.0.1:9", null);
        List<String> asked = new ArrayList<>();
        boolean[] silentAnswers = {true};
        EtcdMemberStatus statuses = new EtcdMemberStatus(
                Duration.ofMillis(300),
                target -> {
                    asked.add(target);
                    return switch (target) {
                        case "http://127.0.0.1:1" -> CompletableFuture.completedFuture(status("3.4.23", 1));
                        case "http://127.0.0.1:2" -> CompletableFuture.completedFuture(status("3.4.23", 1));
                        case "http://127.0.0.1:3" ->
                            silentAnswers[0]
                                    ? CompletableFuture.completedFuture(status("3.4.22", 1))
                                    : new CompletableFuture<>();
                        case "http://127.0.0.1:4" ->
                            CompletableFuture.failedFuture(Status.UNAVAILABLE
                                    .withDescription("io exception")
                                    .asRuntimeException());
                        case "http://127.0.0.1:5" -> throw new IllegalArgumentException("bad target");
                        case "http://127.0.0.1:6" ->
                            CompletableFuture.completedFuture(status("3.4.23", 1, "memberID:6 alarm:NOSPACE"));
                        case "http://127.0.0.1:7" -> CompletableFuture.completedFuture(status("3.4.23", 0));
                        case "http://127.0.0.1:9" ->
                            CompletableFuture.failedFuture(Status.DEADLINE_EXCEEDED
                                    .withDescription("after 0.3s")
                                    .asRuntimeException());
                        default -> throw new AssertionError(target);
                    };
                },
                () -> {});
        List<Member> all =
                List.of(leader, follower, silent, refused, throwing, alarmed, leaderless, unstarted, timedOut);
        statuses.check(all); // the silent member answers once: its version is remembered
        silentAnswers[0] = false;

        long start = System.nanoTime();
        Map<Long, Health> h = statuses.check(all);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        assertThat(h.get(1L)).isEqualTo(Health.ready("3.4.23", true));
        assertThat(h.get(2L)).isEqualTo(Health.ready("3.4.23", false));
        assertThat(h.get(3L)).isEqualTo(Health.notReady("no answer to Status within 300ms", "3.4.22"));
        assertThat(h.get(4L)).isEqualTo(Health.notReady("Status failed: UNAVAILABLE", null));
        assertThat(h.get(5L)).isEqualTo(Health.notReady("Status failed: IllegalArgumentException", null));
        assertThat(h.get(6L)).isEqualTo(Health.notReady("member reports errors: memberID:6 alarm:NOSPACE", "3.4.23"));
        assertThat(h.get(7L)).isEqualTo(Health.notReady("member has no raft leader", "3.4.23"));
        assertThat(h.get(8L)).isEqualTo(Health.notReady("member has not started", null));
        assertThat(h.get(9L))
                .as("its call's deadline and the wait's end read the same: no flapping text")
                .isEqualTo(Health.notReady("no answer to Status within 300ms", null));
        assertThat(asked).doesNotContain("http://127.0.0.1:8");
    }
}
