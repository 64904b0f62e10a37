package io.kubelite.scheduler;

import static io.kubelite.scheduler.NodeAndPodBuilders.boundTo;
import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static io.kubelite.scheduler.NodeAndPodBuilders.spread;
import static io.kubelite.scheduler.NodeAndPodBuilders.tolerate;
import static io.kubelite.scheduler.NodeAndPodBuilders.withAllocatable;
import static io.kubelite.scheduler.NodeAndPodBuilders.withTaint;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.etcd.jetcd.KeyValue;
import io.kubelite.api.Affinity;
import io.kubelite.api.Event;
import io.kubelite.api.NodeAffinity;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scenarios against real etcd, with the scheduler running as a component. */
class SchedulerScenariosTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Map<String, String> FOO = Map.of("foo", "bar");

    private final List<SchedulerUnderTest> harnesses = new ArrayList<>();

    @AfterEach
    void closeAll() {
        harnesses.forEach(SchedulerUnderTest::close);
    }

    private SchedulerUnderTest harness(SchedulerConfig config) throws Exception {
        SchedulerUnderTest h = new SchedulerUnderTest(ETCD, config);
        harnesses.add(h);
        return h;
    }

    /** node1, node2 in zoneA, node3, node4 in zoneB; foo=bar pods bound to node1, node2, node3. */
    private SchedulerUnderTest zones() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        for (int i = 1; i <= 4; i++) {
            h.create(node("node" + i, Map.of("zone", i <= 2 ? "zoneA" : "zoneB", "node", "node" + i)));
        }
        for (int i = 1; i <= 3; i++) {
            h.create(boundTo(pod("existing" + i, FOO, null), "node" + i));
        }
        // the spread is computed over what the scheduler has seen: let it see the whole cluster first
        Poll.until(
                WAIT,
                "scheduler sees 4 nodes and 3 pods",
                () -> h.scheduler().cachedNodes() == 4 && h.scheduler().cachedPods() == 3);
        return h;
    }

    @Test
    void topologySpreadMaxSkew1LandsInTheEmptierZone() throws Exception {
        SchedulerUnderTest h = zones();
        h.create(spread(pod("mypod", FOO, null), 1, "zone", "DoNotSchedule", FOO));
        assertThat(h.awaitBound("mypod", WAIT)).isIn("node3", "node4");
        PodCondition c = h.podScheduled("mypod");
        assertThat(c.getStatus()).isEqualTo("True");
    }

    @Test
    void topologySpreadMaxSkew2MayUseEitherZone() throws Exception {
        SchedulerUnderTest h = zones();
        // zoneB's nodes are tainted: they still count as a domain (nodeTaintsPolicy Ignore), so
        // with maxSkew 2 the pod may go to zoneA (2+1-1 = 2), with maxSkew 1 it may not.
        for (String n : List.of("node3", "node4")) {
            var cur = SchedulerUnderTest.join(h.nodes.get(null, n)).toBuilder();
            withTaint(cur, "dedicated", "batch", "NoSchedule");
            SchedulerUnderTest.join(h.nodes.update(cur.build()));
        }
        Poll.until(
                WAIT,
                "scheduler sees the taints",
                () -> h.scheduler().cachedNode("node3").getSpec().getTaintsCount() == 1
                        && h.scheduler().cachedNode("node4").getSpec().getTaintsCount() == 1);
        h.create(spread(pod("skew1", FOO, null), 1, "zone", "DoNotSchedule", FOO));
        h.create(spread(pod("skew2", FOO, null), 2, "zone", "DoNotSchedule", FOO));
        assertThat(h.awaitBound("skew2", WAIT)).isIn("node1", "node2");
        PodCondition c = h.awaitUnschedulable("skew1", WAIT);
        // skew2 now sits in zoneA too, which only widens the gap
        assertThat(c.getMessage())
                .isEqualTo("0/4 nodes are available: 2 node(s) didn't match pod topology spread "
                        + "constraints, 2 node(s) had untolerated taint {dedicated: batch}.");
    }

    @Test
    void twoConstraintsZoneAndNodeLandOnNode4() throws Exception {
        SchedulerUnderTest h = zones();
        h.create(spread(
                spread(pod("mypod", FOO, null), 1, "zone", "DoNotSchedule", FOO), 1, "node", "DoNotSchedule", FOO));
        assertThat(h.awaitBound("mypod", WAIT)).isEqualTo("node4");
    }

    @Test
    void requiredNodeAffinityExcludesZoneCFromTheSpread() throws Exception {
        SchedulerUnderTest h = zones();
        // empty zoneC nodes would otherwise set the global minimum to 0 and rule out zoneB too
        h.create(node("node5", Map.of("zone", "zoneC", "node", "node5")));
        h.create(node("node6", Map.of("zone", "zoneC", "node", "node6")));
        Poll.until(WAIT, "scheduler sees 6 nodes", () -> h.scheduler().cachedNodes() == 6);
        Pod.Builder p = spread(pod("mypod", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        p.getSpecBuilder().setAffinity(requiredAffinity("zone", "NotIn", "zoneC"));
        h.create(p);
        h.create(spread(pod("control", FOO, null), 1, "zone", "DoNotSchedule", FOO));
        assertThat(h.awaitBound("mypod", WAIT)).isIn("node3", "node4");
        assertThat(h.awaitBound("control", WAIT)).isIn("node5", "node6");
    }

    @Test
    void scheduleAnywayNeverLeavesAPodPending() throws Exception {
        SchedulerUnderTest h = zones();
        // only zoneA is allowed by the selector, and zoneB still counts (nodeAffinityPolicy Ignore):
        // zoneA would reach 3 against zoneB's 1, which a hard maxSkew 1 forbids
        Pod.Builder soft = spread(pod("soft", FOO, null), 1, "zone", "ScheduleAnyway", FOO);
        soft.getSpecBuilder().putNodeSelector("zone", "zoneA");
        soft.getSpecBuilder().getTopologySpreadConstraintsBuilder(0).setNodeAffinityPolicy("Ignore");
        h.create(soft);
        Pod.Builder hard = spread(pod("hard", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        hard.getSpecBuilder().putNodeSelector("zone", "zoneA");
        hard.getSpecBuilder().getTopologySpreadConstraintsBuilder(0).setNodeAffinityPolicy("Ignore");
        h.create(hard);
        assertThat(h.awaitBound("soft", WAIT)).isIn("node1", "node2");
        assertThat(h.awaitUnschedulable("hard", WAIT).getMessage())
                .isEqualTo(
                        "0/4 nodes are available: "
                                + "2 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints.");
    }

    @Test
    void taintsAndTolerations() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        h.create(withTaint(node("gpu1"), "dedicated", "gpu", "NoSchedule"));
        h.create(withTaint(node("gpu2"), "dedicated", "gpu", "NoExecute"));
        h.create(withTaint(node("spot"), "spot", "", "PreferNoSchedule"));
        h.create(tolerate(pod("tolerant"), "dedicated", "Equal", "gpu", ""));
        h.create(tolerate(pod("everything"), "", "Exists", "", ""));
        h.create(pod("plain"));
        assertThat(h.awaitBound("tolerant", WAIT)).isIn("gpu1", "gpu2", "spot");
        assertThat(h.awaitBound("everything", WAIT)).isIn("gpu1", "gpu2", "spot");
        assertThat(h.awaitBound("plain", WAIT)).isEqualTo("spot");
        // with spot cordoned, an intolerant pod has nowhere to go
        var spot = SchedulerUnderTest.join(h.nodes.get(null, "spot")).toBuilder();
        spot.getSpecBuilder().setUnschedulable(true);
        SchedulerUnderTest.join(h.nodes.update(spot.build()));
        Poll.until(
                WAIT,
                "scheduler sees spot cordoned",
                () -> h.scheduler().cachedNode("spot").getSpec().getUnschedulable());
        h.create(pod("intolerant"));
        assertThat(h.awaitUnschedulable("intolerant", WAIT).getMessage())
                .isEqualTo("0/3 nodes are available: "
                        + "1 node(s) were unschedulable, 2 node(s) had untolerated taint {dedicated: gpu}.");
    }

    @Test
    void nodeAffinityRequiredAndPreferred() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        h.create(node("ssd", Map.of("disk", "ssd", "cores", "16")));
        h.create(node("hdd", Map.of("disk", "hdd", "cores", "4")));
        h.create(node("none", Map.of("cores", "2")));
        Poll.until(WAIT, "scheduler sees 3 nodes", () -> h.scheduler().cachedNodes() == 3);
        Pod.Builder a = pod("needs-ssd");
        a.getSpecBuilder().setAffinity(requiredAffinity("disk", "In", "ssd"));
        h.create(a);
        Pod.Builder b = pod("few-cores");
        b.getSpecBuilder().setAffinity(requiredAffinity("cores", "Lt", "3"));
        h.create(b);
        Pod.Builder c = pod("prefers-hdd");
        c.getSpecBuilder()
                .setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(NodeAffinity.newBuilder()
                                .addPreferredDuringSchedulingIgnoredDuringExecution(
                                        io.kubelite.api.PreferredSchedulingTerm.newBuilder()
                                                .setWeight(100)
                                                .setPreference(NodeSelectorTerm.newBuilder()
                                                        .addMatchExpressions(NodeSelectorRequirement.newBuilder()
                                                                .setKey("disk")
                                                                .setOperator("In")
                                                                .addValues("hdd"))))));
        h.create(c);
        Pod.Builder d = pod("selector");
        d.getSpecBuilder().putNodeSelector("disk", "tape");
        h.create(d);
        assertThat(h.awaitBound("needs-ssd", WAIT)).isEqualTo("ssd");
        assertThat(h.awaitBound("few-cores", WAIT)).isEqualTo("none");
        assertThat(h.awaitBound("prefers-hdd", WAIT)).isEqualTo("hdd");
        assertThat(h.awaitUnschedulable("selector", WAIT).getMessage())
                .isEqualTo("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
    }

    @Test
    void insufficientResourcesThenANewNodeSchedulesWithin2s() throws Exception {
        // a 10 s back-off: only the node event can bring the pod back within 2 s
        SchedulerUnderTest h = harness(
                new SchedulerConfig("default-scheduler", "test", Duration.ofSeconds(10), Duration.ofSeconds(10), 64));
        for (int i = 1; i <= 4; i++) {
            String n = "node" + i;
            var nb = node(n, Map.of("zone", i <= 2 ? "zoneA" : "zoneB", "node", n));
            if (i > 2) {
                withAllocatable(nb, "1", "8Gi", "110");
            }
            h.create(nb);
        }
        for (int i = 1; i <= 3; i++) {
            h.create(boundTo(pod("existing" + i, FOO, i == 3 ? "1" : null), "node" + i));
        }
        h.create(boundTo(pod("busy", Map.of(), "1"), "node4"));
        Poll.until(
                WAIT,
                "scheduler sees 4 nodes and 4 pods",
                () -> h.scheduler().cachedNodes() == 4 && h.scheduler().cachedPods() == 4);
        h.create(spread(pod("mypod", FOO, "500m"), 1, "zone", "DoNotSchedule", FOO));
        PodCondition c = h.awaitUnschedulable("mypod", WAIT);
        assertThat(c.getMessage())
                .isEqualTo(
                        "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints.");
        Event failed = Poll.value(
                WAIT,
                "FailedScheduling event",
                () -> h.eventsFor("mypod").stream()
                        .filter(e -> e.getReason().equals("FailedScheduling"))
                        .findFirst()
                        .orElse(null));
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage()).isEqualTo(c.getMessage());

        long t0 = System.nanoTime();
        h.create(node("node5", Map.of("zone", "zoneB", "node", "node5")));
        String where = h.awaitBound("mypod", Duration.ofSeconds(2));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(where).isEqualTo("node5");
        assertThat(ms).isLessThan(2000);
        Event scheduled = Poll.value(
                WAIT,
                "Scheduled event",
                () -> h.eventsFor("mypod").stream()
                        .filter(e -> e.getReason().equals("Scheduled"))
                        .findFirst()
                        .orElse(null));
        assertThat(scheduled.getMessage()).isEqualTo("Successfully assigned default/mypod to node5");
        assertThat(scheduled.getType()).isEqualTo("Normal");
        assertThat(h.podScheduled("mypod").getStatus()).isEqualTo("True");
    }

    @Test
    void failedSchedulingIsOneEventWhoseCountGrowsAndExpiresWithALease() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        h.create(withAllocatable(node("small"), "1", "1Gi", "110"));
        Poll.until(WAIT, "scheduler sees the node", () -> h.scheduler().cachedNodes() == 1);
        h.create(pod("huge", Map.of(), "2"));
        Poll.until(
                WAIT,
                "FailedScheduling count >= 3",
                () -> h.eventsFor("huge").stream()
                        .anyMatch(e -> e.getReason().equals("FailedScheduling") && e.getCount() >= 3));
        List<Event> evs = h.eventsFor("huge");
        assertThat(evs).hasSize(1);
        Event e = evs.get(0);
        assertThat(e.getMessage()).isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
        assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
        assertThat(e.getInvolvedObject().getUid())
                .isEqualTo(h.get("huge").getMetadata().getUid());
        assertThat(e.getLastTimestamp().getSeconds())
                .isGreaterThanOrEqualTo(e.getFirstTimestamp().getSeconds());

        Etcd etcd = h.etcd;
        String key = h.events.key("default", e.getMetadata().getName());
        KeyValue kv = SchedulerUnderTest.join(etcd.client().getKVClient().get(Etcd.bytes(key)))
                .getKvs()
                .get(0);
        assertThat(kv.getLease()).isNotZero();
        long ttl = SchedulerUnderTest.join(etcd.client()
                        .getLeaseClient()
                        .timeToLive(kv.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT))
                .getTTL();
        assertThat(ttl).isBetween(3500L, 3660L);
        assertThat(key).startsWith(etcd.prefix() + "/" + EventKind.RESOURCE.plural() + "/default/huge.");
    }

    @Test
    void assumedPodsCountAgainstTheNodeBeforeTheirBindIsSeen() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        h.create(withAllocatable(node("n"), "2", "8Gi", "110"));
        for (int i = 0; i < 3; i++) {
            h.create(pod("p" + i, Map.of(), "1"));
        }
        Poll.until(WAIT, "two pods bound, one Unschedulable", () -> {
            int bound = 0;
            int unsched = 0;
            for (int i = 0; i < 3; i++) {
                Pod p = h.get("p" + i);
                if (!p.getSpec().getNodeName().isEmpty()) {
                    bound++;
                } else {
                    PodCondition c = PodScheduledCondition.find(p.getStatus());
                    if (c != null && c.getReason().equals("Unschedulable")) {
                        unsched++;
                    }
                }
            }
            return bound == 2 && unsched == 1;
        });
        // deleting a bound pod frees the cpu: the third pod follows
        Pod victim = h.get("p0").getSpec().getNodeName().isEmpty() ? h.get("p1") : h.get("p0");
        SchedulerUnderTest.join(h.pods.delete("default", victim.getMetadata().getName()));
        Poll.until(WAIT, "all remaining pods bound", () -> {
            for (int i = 0; i < 3; i++) {
                String n = "p" + i;
                if (h.exists(n) && h.get(n).getSpec().getNodeName().isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void skipsPodsOfOtherSchedulersAndPodsBeingDeleted() throws Exception {
        SchedulerUnderTest h = harness(SchedulerUnderTest.fastConfig());
        h.create(node("n1"));
        Pod.Builder other = pod("other");
        other.getSpecBuilder().setSchedulerName("my-scheduler");
        h.create(other);
        Pod.Builder deleting = pod("deleting");
        deleting.getMetadataBuilder()
                .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(1))
                .setDeletionGracePeriodSeconds(30);
        h.create(deleting);
        Pod.Builder defaulted = pod("defaulted");
        defaulted.getSpecBuilder().clearSchedulerName();
        h.create(defaulted);
        h.create(pod("sentinel"));
        assertThat(h.awaitBound("sentinel", WAIT)).isEqualTo("n1");
        assertThat(h.awaitBound("defaulted", WAIT)).isEqualTo("n1");
        // the sentinel was created after them and is bound: they have been seen, and skipped
        Poll.until(
                WAIT,
                "scheduler idle",
                () -> h.scheduler().pendingPods() == 0 && h.scheduler().bindsInFlight() == 0);
        assertThat(h.get("other").getSpec().getNodeName()).isEmpty();
        assertThat(h.get("deleting").getSpec().getNodeName()).isEmpty();
        assertThat(h.eventsFor("other")).isEmpty();
    }

    @Test
    void aSecondSchedulerNameTakesOnlyItsPods() throws Exception {
        SchedulerUnderTest h =
                harness(new SchedulerConfig("my-scheduler", "test", Duration.ofMillis(200), Duration.ofSeconds(2), 64));
        h.create(node("n1"));
        Pod.Builder mine = pod("mine");
        mine.getSpecBuilder().setSchedulerName("my-scheduler");
        h.create(pod("not-mine"));
        h.create(mine);
        assertThat(h.awaitBound("mine", WAIT)).isEqualTo("n1");
        Poll.until(
                WAIT,
                "scheduler idle",
                () -> h.scheduler().pendingPods() == 0 && h.scheduler().bindsInFlight() == 0);
        assertThat(h.get("not-mine").getSpec().getNodeName()).isEmpty();
        Event e = Poll.value(
                WAIT,
                "Scheduled event",
                () -> h.eventsFor("mine").stream().findFirst().orElse(null));
        assertThat(e.getSource().getComponent()).isEqualTo("my-scheduler");
    }

    @Test
    void higherPriorityPodsGoFirst() throws Exception {
        // a 10 s back-off keeps every pod waiting until the node event moves them all at once
        SchedulerUnderTest h = harness(
                new SchedulerConfig("default-scheduler", "test", Duration.ofSeconds(10), Duration.ofSeconds(10), 64));
        // one slot; both pods are queued before the node appears
        for (int i = 0; i < 5; i++) {
            h.create(pod("low" + i, Map.of(), "1"));
        }
        Pod.Builder high = pod("high", Map.of(), "1");
        high.getSpecBuilder().setPriority(1000);
        h.create(high);
        Poll.until(
                WAIT,
                "all six pods tried once and backing off",
                () -> h.scheduler().waitingPods() == 6);
        h.create(withAllocatable(node("n"), "1", "8Gi", "110"));
        assertThat(h.awaitBound("high", WAIT)).isEqualTo("n");
        for (int i = 0; i < 5; i++) {
            assertThat(h.get("low" + i).getSpec().getNodeName()).isEmpty();
        }
    }

    private static Affinity requiredAffinity(String key, String op, String... values) {
        return Affinity.newBuilder()
                .setNodeAffinity(NodeAffinity.newBuilder()
                        .setRequiredDuringSchedulingIgnoredDuringExecution(NodeSelector.newBuilder()
                                .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                        .addMatchExpressions(NodeSelectorRequirement.newBuilder()
                                                .setKey(key)
                                                .setOperator(op)
                                                .addAllValues(List.of(values))))))
                .build();
    }
}
