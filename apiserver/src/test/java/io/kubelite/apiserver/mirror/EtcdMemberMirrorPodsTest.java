package io.kubelite.apiserver.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.runtime.mirror.MirrorPodPublisher;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EtcdMemberMirrorPods} published by {@link MirrorPodPublisher}s (as API server replicas
 * publish them) on a real 3-member etcd whose members the test stops and starts.
 */
@Timeout(180)
class EtcdMemberMirrorPodsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(3);

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    /** A publisher with the etcd member source, as an API server replica with {@code ctx.mirrorPods()} runs it. */
    private MirrorPodPublisher replica(Etcd etcd) {
        MirrorPodPublisher pub = new MirrorPodPublisher(etcd, TTL, REFRESH, Clock.systemUTC());
        EtcdMemberMirrorPods source = new EtcdMemberMirrorPods(etcd, "testhost", STATUS_TIMEOUT);
        toClose.add(pub);
        toClose.add(source);
        pub.add(source);
        pub.start();
        return pub;
    }

    /**
     * A connection to member 0 only, which the tests never stop: a paused member that the
     * shared client happened to be connected to would hold up every write until gRPC's
     * keepalive gives up on it (~15 s), which is not what these tests are about.
     */
    private Etcd connect(String prefix) {
        Etcd etcd = Etcd.connect(
                new EtcdConfig(List.of(ETCD.cluster().endpoints().get(0)), prefix, Duration.ofSeconds(15)));
        toClose.add(0, etcd);
        return etcd;
    }

    /** The stored etcd-* pods by name. */
    private static Map<String, KeyValue> stored(Etcd etcd) {
        String prefix = etcd.prefix() + "/pods/kube-system/etcd-";
        try {
            List<KeyValue> kvs = etcd.client()
                    .getKVClient()
                    .get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true).build())
                    .get(10, TimeUnit.SECONDS)
                    .getKvs();
            Map<String, KeyValue> out = new TreeMap<>();
            for (KeyValue kv : kvs) {
                out.put(kv.getKey().toString().substring(prefix.length() - "etcd-".length()), kv);
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Pod decode(KeyValue kv) {
        return ObjectCodec.decode(
                PodKind.RESOURCE, kv.getKey().toString(), kv.getValue().getBytes(), kv.getModRevision());
    }

    private static String ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(PodCondition::getStatus)
                .findFirst()
                .orElse("none");
    }

    /** name → Ready status, e.g. {etcd-m0=True, etcd-m1=False}: what the polls compare. */
    private static Map<String, String> readiness(Etcd etcd) {
        return stored(etcd).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> ready(decode(e.getValue())), (a, b) -> a, TreeMap::new));
    }

    private static Map<String, String> allReady() {
        return Map.of("etcd-m0", "True", "etcd-m1", "True", "etcd-m2", "True");
    }

    /** The members' version, as {@code etcdctl endpoint status} reports it. */
    private static String version() {
        Matcher m = Pattern.compile("\"version\":\"([^\"]+)\"")
                .matcher(ETCD.cluster().etcdctl("endpoint", "status", "-w", "json"));
        assertThat(m.find()).as("etcdctl endpoint status names a version").isTrue();
        return m.group(1);
    }

    /** A follower other than member 0 (the tests' connection): stopping a follower needs no election. */
    private static int follower() {
        int leader = ETCD.cluster().leaderIndex();
        return leader == 1 ? 2 : 1;
    }

    private static PodCondition readyCondition(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void oneReadyPodPerMemberShapedLikeKubeadmsAndNoRewritesWhileNothingChanges() {
        Etcd etcd = connect(ETCD.newPrefix());
        replica(etcd);
        Poll.until(WAIT, "one Ready pod per member", () -> readiness(etcd), allReady()::equals);

        Map<String, KeyValue> kvs = stored(etcd);
        int leaders = 0;
        for (int i = 0; i < 3; i++) {
            KeyValue kv = kvs.get("etcd-m" + i);
            assertThat(kv.getLease()).as("on the publisher's lease").isNotZero();
            Pod p = decode(kv);
            String client = "http://" + ETCD.cluster().endpoints().get(i);
            assertThat(MirrorPods.isMirror(p)).isTrue();
            assertThat(p.getMetadata().getLabelsMap())
                    .containsEntry("component", "etcd")
                    .containsEntry("tier", "control-plane");
            assertThat(p.getMetadata().getAnnotationsMap())
                    .containsEntry(MirrorPods.CONFIG_SOURCE, "kubelite")
                    .containsEntry(EtcdMemberPod.ADVERTISE_CLIENT_URLS, client)
                    .containsKey(EtcdMemberPod.MEMBER_ID)
                    .doesNotContainKey(MirrorPods.LOG_PORT);
            if ("true".equals(p.getMetadata().getAnnotationsOrDefault(EtcdMemberPod.LEADER, ""))) {
                leaders++;
            }
            var c = p.getSpec().getContainers(0);
            assertThat(c.getName()).isEqualTo("etcd");
            assertThat(c.getImage()).isEqualTo("registry.k8s.io/etcd:" + version());
            assertThat(c.getCommandList()).startsWith("etcd", "--name=m" + i, "--advertise-client-urls=" + client);
            assertThat(c.getCommandList().get(3)).startsWith("--initial-advertise-peer-urls=http://127.0.0.1:");
            assertThat(p.getSpec().getHostNetwork()).isTrue();
            assertThat(p.getSpec().getPriorityClassName()).isEqualTo("system-node-critical");
            assertThat(p.getSpec().getNodeName()).isEqualTo("testhost");
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIp()).isEqualTo("127.0.0.1");
            assertThat(p.getStatus().getContainerStatuses(0).getReady()).isTrue();
        }
        assertThat(leaders).as("exactly one member is the leader").isEqualTo(1);

        Map<String, Long> revisions = revisions(etcd);
        Poll.holds(
                Duration.ofSeconds(2),
                "no rewrite while nothing changes",
                () -> assertThat(revisions(etcd)).isEqualTo(revisions));
    }

    private static Map<String, Long> revisions(Etcd etcd) {
        return stored(etcd).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().getModRevision(), (a, b) -> a, TreeMap::new));
    }

    @Test
    void aStoppedMemberTurnsNotReadyAndTheOthersStayReady() {
        Etcd etcd = connect(ETCD.newPrefix());
        replica(etcd);
        Poll.until(WAIT, "one Ready pod per member", () -> readiness(etcd), allReady()::equals);

        int victim = follower();
        String pod = "etcd-m" + victim;
        Map<String, String> expected = new TreeMap<>(allReady());
        expected.put(pod, "False");
        ETCD.cluster().kill(victim);
        try {
            Poll.until(WAIT, pod + " NotReady, the others Ready", () -> readiness(etcd), expected::equals);
            Pod p = decode(stored(etcd).get(pod));
            assertThat(readyCondition(p).getMessage())
                    .isEqualTo("containers with unready status: [etcd]: Status failed: UNAVAILABLE");
            assertThat(p.getSpec().getContainers(0).getImage())
                    .as("the version it last reported")
                    .isEqualTo("registry.k8s.io/etcd:" + version());
            assertThat(p.getStatus().getContainerStatuses(0).getReady()).isFalse();
        } finally {
            ETCD.cluster().restart(victim);
        }
        Poll.until(WAIT, "all Ready again after the restart", () -> readiness(etcd), allReady()::equals);
    }

    @Test
    void aPausedMemberTurnsNotReadyWithoutHoldingUpTheOthers() {
        Etcd etcd = connect(ETCD.newPrefix());
        replica(etcd);
        Poll.until(WAIT, "one Ready pod per member", () -> readiness(etcd), allReady()::equals);

        int victim = follower();
        String pod = "etcd-m" + victim;
        Map<String, String> expected = new TreeMap<>(allReady());
        expected.put(pod, "False");
        ETCD.cluster().pause(victim); // answers nothing: its status call ends at the deadline
        try {
            Poll.until(WAIT, pod + " NotReady, the others Ready", () -> readiness(etcd), expected::equals);
            assertThat(readyCondition(decode(stored(etcd).get(pod))).getMessage())
                    .isEqualTo("containers with unready status: [etcd]: no answer to Status within 1s");
        } finally {
            ETCD.cluster().resume(victim);
        }
        Poll.until(WAIT, "all Ready again after the resume", () -> readiness(etcd), allReady()::equals);
    }

    @Test
    void anAddedMemberShowsNotStartedAndARemovedMemberVanishes() throws Exception {
        Etcd etcd = connect(ETCD.newPrefix());
        replica(etcd);
        Poll.until(WAIT, "one Ready pod per member", () -> readiness(etcd), allReady()::equals);

        // added, never started: 4 members, 3 running, still a quorum
        URI peer = URI.create("http://127.0.0.1:" + FreePorts.next());
        // etcd refuses reconfiguration ("unhealthy cluster") for a while after a member restarted
        long id = Poll.value(WAIT, "etcd accepts a new member", () -> addMember(etcd, peer));
        String pod = "etcd-" + Long.toHexString(id);
        try {
            Map<String, String> expected = new TreeMap<>(allReady());
            expected.put(pod, "False");
            Poll.until(WAIT, pod + " NotReady next to the others", () -> readiness(etcd), expected::equals);
            Pod p = decode(stored(etcd).get(pod));
            assertThat(readyCondition(p).getMessage())
                    .isEqualTo("containers with unready status: [etcd]: member has not started");
            assertThat(p.getSpec().getContainers(0).getCommandList())
                    .containsExactly("etcd", "--initial-advertise-peer-urls=" + peer);
        } finally {
            etcd.client().getClusterClient().removeMember(id).get(15, TimeUnit.SECONDS);
        }
        Poll.until(WAIT, pod + " deleted once the member is removed", () -> readiness(etcd), allReady()::equals);
    }

    private static Long addMember(Etcd etcd, URI peer) {
        try {
            return etcd.client()
                    .getClusterClient()
                    .addMember(List.of(peer))
                    .get(15, TimeUnit.SECONDS)
                    .getMember()
                    .getId();
        } catch (ExecutionException e) {
            if (String.valueOf(e.getCause().getMessage()).contains("unhealthy cluster")) {
                return null;
            }
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoReplicasPublishOnePodEachWithoutFightingAndThePodsGoWithTheLast() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcdA = connect(prefix);
        Etcd etcdB = connect(prefix);
        MirrorPodPublisher a = replica(etcdA);
        MirrorPodPublisher b = replica(etcdB);
        Poll.until(WAIT, "one Ready pod per member", () -> readiness(etcdA), allReady()::equals);

        Map<String, Long> revisions = revisions(etcdA);
        Poll.holds(
                Duration.ofSeconds(3),
                "two publishers of the same pods: no write while nothing changes",
                () -> assertThat(revisions(etcdA)).isEqualTo(revisions));

        // one replica stops: its pods are deleted, and the other publishes them on its own lease
        a.close();
        Poll.until(WAIT, "all Ready under B alone", () -> readiness(etcdB), allReady()::equals);
        long leaseB = Poll.value(WAIT, "pods on one lease", () -> {
            var leases = stored(etcdB).values().stream()
                    .map(KeyValue::getLease)
                    .distinct()
                    .toList();
            return stored(etcdB).size() == 3 && leases.size() == 1 ? leases.get(0) : null;
        });
        assertThat(leaseB).isNotZero();

        b.close();
        assertThat(stored(etcdB)).as("the last replica's stop deletes the pods").isEmpty();
    }
}
