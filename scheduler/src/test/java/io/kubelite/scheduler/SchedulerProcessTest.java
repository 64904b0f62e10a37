package io.kubelite.scheduler;

import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static io.kubelite.scheduler.NodeAndPodBuilders.withAllocatable;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.Event;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.election.LeaderElector;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scheduler as real OS processes: leader failover on kill -9, and two unelected schedulers racing. */
class SchedulerProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration LEASE = Duration.ofSeconds(3);

    private final List<SchedulerProcess> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (SchedulerProcess p : processes) {
            p.process.destroyForcibly();
        }
        for (SchedulerProcess p : processes) {
            p.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private SchedulerProcess start(String prefix, String id, String... args) throws Exception {
        SchedulerProcess p = SchedulerProcess.start(ETCD.cluster(), prefix, id, args);
        processes.add(p);
        return p;
    }

    @Test
    void standbyTakesOverWithinLeaseDurationAfterKill9() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        Store store = new Store(etcd);
        ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
        ObjectStore<Node> nodes = store.of(NodeKind.RESOURCE);
        for (int i = 0; i < 3; i++) {
            SchedulerUnderTest.join(nodes.create(node("n" + i).build()));
        }
        String[] args = {"--leader-elect=true", "--leader-lease-duration=" + LEASE.toSeconds() + "s"};
        SchedulerProcess a = start(prefix, "sched-a", args);
        SchedulerProcess b = start(prefix, "sched-b", args);

        SchedulerUnderTest.join(pods.create(pod("before").build()));
        Poll.until(
                Duration.ofSeconds(30),
                "pod 'before' bound by the first leader\n" + a.output() + b.output(),
                () -> !SchedulerUnderTest.join(pods.get("default", "before"))
                        .getSpec()
                        .getNodeName()
                        .isEmpty());
        String leader = currentLeader(etcd);
        assertThat(leader).isIn("sched-a", "sched-b");
        Poll.until(
                Duration.ofSeconds(10),
                "Scheduled event for 'before' from the leader " + leader,
                () -> leader.equals(reportingInstance(store, "before")));
        SchedulerProcess victim = leader.equals("sched-a") ? a : b;
        SchedulerProcess standby = victim == a ? b : a;
        assertThat(standby.alive()).isTrue();

        victim.kill();
        long killedAt = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            SchedulerUnderTest.join(pods.create(pod("after" + i).build()));
        }
        Duration budget = LEASE.plusSeconds(2);
        Poll.until(budget, "standby binds new pods within lease + 2 s\n" + standby.output(), () -> {
            for (int i = 0; i < 5; i++) {
                if (SchedulerUnderTest.join(pods.get("default", "after" + i))
                        .getSpec()
                        .getNodeName()
                        .isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(ms).isLessThanOrEqualTo(budget.toMillis());
        assertThat(currentLeader(etcd)).isEqualTo(standby.id);
        Poll.until(
                Duration.ofSeconds(10),
                "Scheduled event from the standby",
                () -> standby.id.equals(reportingInstance(store, "after0")));
    }

    /** The identity stored on the lowest-create_revision candidate key of the scheduler election. */
    private static String currentLeader(Etcd etcd) {
        String p = LeaderElector.electionPrefix(etcd.prefix(), "scheduler");
        List<KeyValue> kvs = SchedulerUnderTest.join(etcd.client()
                        .getKVClient()
                        .get(Etcd.bytes(p), GetOption.builder().isPrefix(true).build()))
                .getKvs();
        return kvs.stream()
                .min(Comparator.comparingLong(KeyValue::getCreateRevision))
                .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
                .orElse(null);
    }

    private static String reportingInstance(Store store, String pod) {
        List<Event> evs = SchedulerUnderTest.join(store.of(EventKind.RESOURCE).list(ListOptions.inNamespace("default")))
                .items();
        return evs.stream()
                .filter(e -> e.getInvolvedObject().getName().equals(pod)
                        && e.getReason().equals("Scheduled"))
                .map(Event::getReportingInstance)
                .findFirst()
                .orElse(null);
    }

    @Test
    void twoUnelectedSchedulersBindEachOf2000PodsExactlyOnce() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        Store store = new Store(etcd);
        ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
        ObjectStore<Node> nodes = store.of(NodeKind.RESOURCE);
        for (int i = 0; i < 20; i++) {
            SchedulerUnderTest.join(nodes.create(withAllocatable(node(String.format("n%02d", i)), "64", "256Gi", "200")
                    .build()));
        }
        // both schedulers up and synced before the pods arrive, so that they really race
        SchedulerProcess a = start(prefix, "race-a", "--leader-elect=false");
        SchedulerProcess b = start(prefix, "race-b", "--leader-elect=false");
        Poll.until(
                Duration.ofSeconds(30),
                "both schedulers synced\n" + a.output() + b.output(),
                () -> a.output().contains("caches synced") && b.output().contains("caches synced"));
        long startRev = ETCD.cluster().currentRevision();
        int n = 2000;
        List<CompletableFuture<Pod>> creates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            creates.add(
                    pods.create(pod(String.format("p%04d", i), Map.of(), "100m").build()));
            if (creates.size() >= 200) {
                creates.forEach(SchedulerUnderTest::join);
                creates.clear();
            }
        }
        creates.forEach(SchedulerUnderTest::join);

        Poll.until(
                Duration.ofSeconds(90),
                "all " + n + " pods bound",
                () -> SchedulerUnderTest.join(pods.list(new ListOptions<>(
                                "default", p -> p.getSpec().getNodeName().isEmpty(), 0, 0, "")))
                        .items()
                        .isEmpty());
        long endRev = ETCD.cluster().currentRevision();
        a.close();
        b.close();

        // replay the pods' history from before either scheduler started
        Map<String, String> nodeOf = new ConcurrentHashMap<>();
        Map<String, Integer> binds = new ConcurrentHashMap<>();
        List<String> violations = new ArrayList<>();
        AtomicLong seen = new AtomicLong();
        ResourceWatch<Pod> w = pods.watch("default", startRev + 1, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<Pod> e) {
                seen.set(e.revision());
                if (e.type() == WatchEvent.Type.DELETED) {
                    return;
                }
                String key = e.object().getMetadata().getName();
                String was = nodeOf.getOrDefault(key, "");
                String now = e.object().getSpec().getNodeName();
                if (!now.equals(was)) {
                    if (!was.isEmpty()) {
                        synchronized (violations) {
                            violations.add(key + " moved from " + was + " to " + now + " at revision " + e.revision());
                        }
                    }
                    binds.merge(key, 1, Integer::sum);
                    nodeOf.put(key, now);
                }
            }

            @Override
            public void onProgress(long revision) {
                seen.accumulateAndGet(revision, Math::max);
            }

            @Override
            public void onExpired(ExpiredException error) {
                synchronized (violations) {
                    violations.add("history compacted: " + error.getMessage());
                }
            }
        });
        try {
            long podsLastRev = SchedulerUnderTest.join(pods.list(ListOptions.inNamespace("default"))).items().stream()
                    .mapToLong(p -> Long.parseLong(p.getMetadata().getResourceVersion()))
                    .max()
                    .orElseThrow();
            assertThat(podsLastRev).isLessThanOrEqualTo(endRev);
            Poll.until(
                    Duration.ofSeconds(30),
                    "history replayed up to revision " + podsLastRev,
                    () -> seen.get() >= podsLastRev);
        } finally {
            w.close();
        }
        assertThat(violations).isEmpty();
        assertThat(binds).hasSize(n);
        Map<Integer, Integer> histogram = new HashMap<>();
        binds.values().forEach(c -> histogram.merge(c, 1, Integer::sum));
        assertThat(histogram).isEqualTo(Map.of(1, n));
        // both raced: each bound some (a scheduler that never bound anything would not prove the race)
        List<Event> evs = SchedulerUnderTest.join(store.of(EventKind.RESOURCE).list(ListOptions.inNamespace("default")))
                .items();
        Map<String, Integer> byInstance = new HashMap<>();
        evs.stream()
                .filter(e -> e.getReason().equals("Scheduled"))
                .forEach(e -> byInstance.merge(e.getReportingInstance(), 1, Integer::sum));
        System.out.println("Scheduled events by scheduler: " + byInstance);
        assertThat(byInstance.keySet()).containsExactlyInAnyOrder("race-a", "race-b");
    }
}
