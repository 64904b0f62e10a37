package io.kubelite.store.runtime.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.KeyValue;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MirrorPodPublisher} against a real etcd: lease, update on change only, re-create, hand-over, close. */
class MirrorPodPublisherTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration REFRESH = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static ProcessMirrorPod source(String id, AtomicBoolean ready) {
        return new ProcessMirrorPod(
                "scheduler",
                id,
                "Test_Host",
                List.of("kubelite", "scheduler", "--id", id),
                4242,
                Instant.parse("2026-12-04T10:00:00Z"),
                ready::get);
    }

    private static KeyValue read(Etcd etcd, String key) {
        try {
            var kvs = etcd.client()
                    .getKVClient()
                    .get(Etcd.bytes(key))
                    .get(5, TimeUnit.SECONDS)
                    .getKvs();
            return kvs.isEmpty() ? null : kvs.get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Pod decode(String key, KeyValue kv) {
        return ObjectCodec.decode(PodKind.RESOURCE, key, kv.getValue().getBytes(), kv.getModRevision());
    }

    private static String ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(PodCondition::getStatus)
                .findFirst()
                .orElse("none");
    }

    @Test
    void publishesFollowsReadinessWritesOnlyOnChangeRecreatesAndDeletesOnClose() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        AtomicBoolean ready = new AtomicBoolean(false);
        ProcessMirrorPod src = source("Sched_1", ready);
        assertThat(src.name()).isEqualTo("kube-scheduler-sched-1");
        MirrorPodPublisher pub = new MirrorPodPublisher(etcd, TTL, REFRESH, Clock.systemUTC());
        String key = pub.key(src.name());
        try {
            pub.add(src);
            pub.start();
            KeyValue first = Poll.value(WAIT, "mirror pod written", () -> read(etcd, key));
            assertThat(first.getLease()).as("attached to a lease").isNotZero();
            Pod p = decode(key, first);
            assertThat(MirrorPods.isMirror(p)).isTrue();
            assertThat(p.getMetadata().getAnnotationsMap())
                    .containsEntry(MirrorPods.CONFIG_SOURCE, "kubelite")
                    .containsEntry(MirrorPods.LOG_PORT, "4242");
            assertThat(p.getMetadata().getLabelsMap())
                    .containsEntry("component", "kube-scheduler")
                    .containsEntry("tier", "control-plane");
            assertThat(p.getSpec().getNodeName()).isEqualTo("test-host");
            assertThat(p.getSpec().getPriorityClassName()).isEqualTo("system-node-critical");
            assertThat(p.getSpec().getContainers(0).getName()).isEqualTo("kube-scheduler");
            assertThat(p.getSpec().getContainers(0).getCommandList())
                    .containsExactly("kubelite", "scheduler", "--id", "Sched_1");
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIp()).isEqualTo("127.0.0.1");
            assertThat(ready(p)).isEqualTo("False");

            // nothing changes: no write for many refreshes
            long rev = first.getModRevision();
            Poll.holds(
                    Duration.ofSeconds(1),
                    "no rewrite while nothing changes",
                    () -> assertThat(read(etcd, key).getModRevision()).isEqualTo(rev));

            ready.set(true);
            Pod readyPod = Poll.until(
                    WAIT,
                    "Ready=True after readiness passed",
                    () -> decode(key, read(etcd, key)),
                    x -> ready(x).equals("True"));
            assertThat(readyPod.getStatus().getContainerStatuses(0).getReady()).isTrue();
            assertThat(readyPod.getMetadata().getUid())
                    .isEqualTo(p.getMetadata().getUid());

            // a client deletes it: the publisher puts it back, as the kubelet does
            etcd.client().getKVClient().delete(Etcd.bytes(key)).get(5, TimeUnit.SECONDS);
            KeyValue back = Poll.value(WAIT, "mirror pod re-created after a delete", () -> read(etcd, key));
            assertThat(back.getLease()).isEqualTo(first.getLease());
        } finally {
            pub.close();
            pub.close(); // idempotent
        }
        assertThat(read(etcd, key)).as("deleted on close").isNull();
    }

    @Test
    void aSecondPublisherOfTheSamePodLeavesItAloneUntilTheFirstIsGone() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        AtomicBoolean readyA = new AtomicBoolean(true);
        AtomicBoolean readyB = new AtomicBoolean(false);
        MirrorPodPublisher a = new MirrorPodPublisher(etcd, TTL, REFRESH, Clock.systemUTC());
        MirrorPodPublisher b = new MirrorPodPublisher(etcd, TTL, REFRESH, Clock.systemUTC());
        String key = a.key("kube-scheduler-shared");
        try {
            a.add(source("shared", readyA));
            a.start();
            KeyValue byA = Poll.value(WAIT, "written by A", () -> read(etcd, key));
            b.add(source("shared", readyB));
            b.start();
            Poll.holds(
                    Duration.ofSeconds(1),
                    "B does not overwrite A's pod",
                    () -> assertThat(read(etcd, key).getModRevision()).isEqualTo(byA.getModRevision()));
            a.close();
            Pod byB = Poll.until(
                    WAIT,
                    "B publishes once A is gone",
                    () -> {
                        KeyValue kv = read(etcd, key);
                        return kv == null || kv.getLease() == byA.getLease() ? null : decode(key, kv);
                    },
                    x -> x != null && ready(x).equals("False"));
            assertThat(byB.getMetadata().getName()).isEqualTo("kube-scheduler-shared");
        } finally {
            a.close();
            b.close();
        }
        assertThat(read(etcd, key)).isNull();
    }
}
