package io.kubelite.kubelet.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.kubelet.runtime.ContainerLogStore;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's usage driven tick by tick (the model's timer not started): seeded samples repeat,
 * the eviction pass ranks as kube does, one pod at a time, and an instance above its memory
 * limit is OOM-killed.
 */
class NodeUsageTest {
    private static final long MIB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScheduledTimers timers = new ScheduledTimers("usage-test", 1);
    private final ContainerRuntime runtime =
            new ContainerRuntime(timers, new TimeScale(1), new ContainerLogStore(timers::nowMillis));
    private final List<String> evicted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.close();
    }

    private static Pod pod(String name, Integer priority, String memoryUsage, String request, String limit) {
        ResourceRequirements.Builder r = ResourceRequirements.newBuilder();
        if (request != null) {
            r.putRequests("memory", request);
        }
        if (limit != null) {
            r.putLimits("memory", limit);
        }
        PodSpec.Builder spec = PodSpec.newBuilder()
                .addContainers(
                        Container.newBuilder().setName("app").setImage("nginx").setResources(r));
        if (priority != null) {
            spec.setPriority(priority);
        }
        ObjectMeta.Builder meta =
                ObjectMeta.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name);
        if (memoryUsage != null) {
            meta.putAnnotations("sim.kubelite.io/memory-usage", memoryUsage);
        }
        return Pod.newBuilder().setMetadata(meta).setSpec(spec).build();
    }

    private SimContainer track(NodeUsage node, Pod p) {
        SimContainer c = runtime.create(
                new ContainerRuntime.PodRef(
                        "default", p.getMetadata().getName(), p.getMetadata().getUid(), "h"),
                p.getSpec().getContainers(0),
                false,
                Behaviour.DEFAULT,
                null,
                0);
        node.track(p, m -> evicted.add(p.getMetadata().getName() + ": " + m), c, () -> 0);
        c.start(0, (x, code) -> {});
        return c;
    }

    @Test
    void aLateTickCountsTheTimeThatPassed() {
        UsageModel model = new UsageModel(timers, new TimeScale(1), 1, "100Mi");
        NodeUsage node = model.node("n", "1Gi");
        Pod p = pod("busy", null, null, null, null).toBuilder()
                .setMetadata(pod("busy", null, null, null, null).getMetadata().toBuilder()
                        .putAnnotations("sim.kubelite.io/cpu-usage", "500m"))
                .build();
        track(node, p);
        node.tick(timers.nowMillis(), false);
        ContainerSnapshot first = node.containers().get(0);
        // a tick that comes 1.5 s late: the cgroup's counter grew for all of that time
        long from = timers.nowMillis();
        Poll.until(WAIT, "1.5 s to pass", () -> timers.nowMillis() - from >= 1500);
        node.tick(timers.nowMillis(), false);
        ContainerSnapshot second = node.containers().get(0);
        long elapsedNanos = (second.timestampMillis() - first.timestampMillis()) * 1_000_000L;
        assertThat(second.cpuUsageCoreNanos() - first.cpuUsageCoreNanos())
                .as("500m over the %d ms between the samples", elapsedNanos / 1_000_000)
                .isEqualTo(elapsedNanos / 2);
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        List<Long> first = workingSets(99);
        assertThat(workingSets(99)).isEqualTo(first);
        assertThat(workingSets(100)).isNotEqualTo(first);
        assertThat(first).allMatch(b -> b >= 10 * MIB && b <= 20 * MIB, "10-20% of a 100Mi request");
    }

    private List<Long> workingSets(long seed) {
        UsageModel model = new UsageModel(timers, new TimeScale(1), seed, "100Mi");
        NodeUsage node = model.node("n", "1Gi");
        track(node, pod("web", null, null, "100Mi", null));
        List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            node.tick(timers.nowMillis(), false);
            out.add(node.containers().get(0).workingSetBytes());
        }
        return out;
    }

    @Test
    void evictsOnePodAtATimeInKubesOrder() {
        UsageModel model = new UsageModel(timers, new TimeScale(1), 1, "100Mi");
        NodeUsage node = model.node("n", "900Mi");
        // pods exceeding their requests first, then the lower priority, then the more above requests
        track(node, pod("guaranteed", null, "500Mi", "600Mi", "600Mi"));
        track(node, pod("important", 1000, "200Mi", null, null));
        SimContainer bestEffort = track(node, pod("best-effort", null, "100Mi", null, null));
        SimContainer burstable = track(node, pod("burstable", null, "250Mi", "100Mi", null));

        node.tick(timers.nowMillis(), false);
        assertThat(node.snapshot().availableBytes()).isEqualTo((900 - 64 - 1050) * MIB);
        assertThat(node.memoryPressure()).as("no eviction pass yet").isFalse();

        node.tick(timers.nowMillis(), true);
        assertThat(node.memoryPressure()).isTrue();
        Poll.until(WAIT, "one eviction: " + evicted, () -> evicted.size() == 1);
        assertThat(evicted.get(0))
                .isEqualTo("burstable: The node was low on resource: memory. Threshold quantity: 100Mi,"
                        + " available: -214Mi. Container app was using 250Mi, request is 100Mi,"
                        + " has larger consumption of memory. ");
        node.tick(timers.nowMillis(), true);
        assertThat(evicted).as("none while the evicted pod still runs").hasSize(1);

        burstable.kill();
        node.tick(timers.nowMillis(), true);
        Poll.until(WAIT, "a second eviction: " + evicted, () -> evicted.size() == 2);
        assertThat(evicted.get(1))
                .isEqualTo("best-effort: The node was low on resource: memory. Threshold quantity: 100Mi,"
                        + " available: 36Mi. Container app was using 100Mi, request is 0,"
                        + " has larger consumption of memory. ");

        bestEffort.kill();
        node.tick(timers.nowMillis(), true);
        assertThat(node.snapshot().availableBytes()).isEqualTo(136 * MIB);
        assertThat(evicted)
                .as("above the threshold again: the priority-1000 pod stays")
                .hasSize(2);
        assertThat(node.memoryPressure())
                .as("the condition holds for the transition period")
                .isTrue();
    }

    @Test
    void aHousekeepingIntervalLongerThanTheEvictionIntervalSamplesThatSeldomAndEvictsEveryTick() {
        // time scale 100: a 20 s (simulated) tick is 200 ms; every tick is then an eviction pass
        UsageModel model = new UsageModel(timers, new TimeScale(100), 1, "100Mi", Duration.ofSeconds(20));
        NodeUsage node = model.node("n", "300Mi");
        track(node, pod("hog", null, "250Mi", null, null)); // available 300 - 64 - 250 Mi, below 100Mi
        model.start();
        try {
            List<Long> samples = new CopyOnWriteArrayList<>();
            Poll.until(
                    WAIT,
                    "three samples of the node (their times)",
                    () -> {
                        NodeSnapshot s = node.snapshot();
                        if (s != null
                                && (samples.isEmpty() || samples.get(samples.size() - 1) != s.timestampMillis())) {
                            samples.add(s.timestampMillis());
                        }
                        return List.copyOf(samples);
                    },
                    seen -> seen.size() >= 3);
            assertThat(samples.get(2) - samples.get(1))
                    .as("ms between two samples (the model's clock), %s", samples)
                    .isGreaterThanOrEqualTo(200);
            Poll.until(WAIT, "an eviction", () -> List.copyOf(evicted), e -> e.size() == 1);
            assertThat(evicted.get(0)).startsWith("hog: The node was low on resource: memory.");
        } finally {
            model.close();
        }
    }

    @Test
    void anInstanceAboveItsMemoryLimitIsOomKilled() {
        // time scale 100: 5 s of simulated time are 50 ms
        UsageModel model = new UsageModel(timers, new TimeScale(100), 1, "100Mi");
        NodeUsage node = model.node("n", "1Gi");
        SimContainer c = track(node, pod("hog", null, "50Mi,150Mi@5s", "50Mi", "100Mi"));
        node.tick(timers.nowMillis(), false);
        assertThat(c.isRunning()).isTrue();
        Poll.until(WAIT, "5 s (simulated) since the start", () -> timers.nowMillis() - c.startedAtMillis() >= 50);
        node.tick(timers.nowMillis(), false);
        Poll.until(WAIT, "OOM-killed", () -> !c.isRunning());
        assertThat(c.oomKilled()).isTrue();
        // the instance stops running before its exit watchers (which untrack it) have run
        Poll.until(WAIT, "an exited instance no longer sampled", node::containers, List::isEmpty);
    }
}
