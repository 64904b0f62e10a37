package io.kubelite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** metrics-server's storage rules: rates between two samples, restarts, fresh containers, drops. */
class MetricsStorageTest {
    static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");
    static final Duration RESOLUTION = Duration.ofSeconds(15);
    static final PodRef WEB = new PodRef("default", "web");

    static MetricsPoint node(long secs, long cpu, long mem) {
        return new MetricsPoint(Instant.EPOCH, T0.plusSeconds(secs), cpu, mem);
    }

    static MetricsPoint container(long startSecs, long secs, long cpu, long mem) {
        return new MetricsPoint(T0.plusSeconds(startSecs), T0.plusSeconds(secs), cpu, mem);
    }

    static MetricsBatch batch(Map<String, MetricsPoint> nodes, Map<PodRef, Map<String, MetricsPoint>> pods) {
        return new MetricsBatch(nodes, pods);
    }

    @Test
    void nodeCpuIsTheRateBetweenTwoSamplesAndMemoryTheLatest() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        s.store(batch(Map.of("n1", node(0, 1_000_000_000L, 100)), Map.of()));
        assertThat(s.node("n1")).as("one sample: no rate yet").isNull();
        assertThat(s.ready()).isFalse();

        // 3 core-seconds in 20 s: 150m
        s.store(batch(Map.of("n1", node(20, 4_000_000_000L, 200)), Map.of()));

        assertThat(s.node("n1")).isEqualTo(new Usage(150_000_000L, 200, T0.plusSeconds(20), Duration.ofSeconds(20)));
        assertThat(s.ready()).isTrue();
    }

    @Test
    void theSameSampleAgainKeepsThePreviousOneAndANodeMissingFromABatchIsDropped() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        s.store(batch(Map.of("n1", node(0, 1_000_000_000L, 100)), Map.of()));
        s.store(batch(Map.of("n1", node(10, 2_000_000_000L, 100)), Map.of()));
        s.store(batch(Map.of("n1", node(10, 2_000_000_000L, 100)), Map.of()));
        assertThat(s.node("n1").window()).isEqualTo(Duration.ofSeconds(10));

        s.store(batch(Map.of(), Map.of()));
        assertThat(s.node("n1")).isNull();
        s.store(batch(Map.of("n1", node(30, 3_000_000_000L, 100)), Map.of()));
        assertThat(s.node("n1")).as("back with one sample only").isNull();
    }

    @Test
    void aDecreasingNodeCounterGivesNoUsage() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        s.store(batch(Map.of("n1", node(0, 5_000_000_000L, 100)), Map.of()));
        s.store(batch(Map.of("n1", node(15, 1_000_000_000L, 100)), Map.of()));
        assertThat(s.node("n1")).isNull();
    }

    @Test
    void aPodIsServedWhenEveryContainerHasTwoSamples() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(-600, 0, 1_000_000_000L, 1024)))));
        assertThat(s.pod(WEB)).isNull();

        s.store(batch(
                Map.of(),
                Map.of(
                        WEB,
                        Map.of(
                                "app", container(-600, 15, 1_150_000_000L, 2048),
                                // a container that appeared long after its start: no previous sample
                                "late", container(-600, 15, 5, 4096)))));
        assertThat(s.pod(WEB)).as("'late' has one sample").isNull();

        s.store(batch(
                Map.of(),
                Map.of(
                        WEB,
                        Map.of(
                                "app", container(-600, 30, 1_300_000_000L, 3072),
                                "late", container(-600, 30, 300_000_005L, 4096)))));
        PodStorage.PodUsage u = s.pod(WEB);
        assertThat(u.containers())
                .containsOnlyKeys("app", "late")
                .containsEntry("app", new Usage(10_000_000L, 3072, T0.plusSeconds(30), Duration.ofSeconds(15)))
                .containsEntry("late", new Usage(20_000_000L, 4096, T0.plusSeconds(30), Duration.ofSeconds(15)));
        assertThat(u.timeInfo().timestamp()).isEqualTo(T0.plusSeconds(30));

        s.store(batch(Map.of(), Map.of()));
        assertThat(s.pod(WEB)).as("pod gone from the batch").isNull();
    }

    @Test
    void aFreshContainerIsServedFromItsStartTimeAfterOneSample() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        // started 12 s before the sample: less than the resolution, at least 10 s
        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(0, 12, 1_200_000_000L, 1024)))));

        assertThat(s.pod(WEB).containers().get("app"))
                .isEqualTo(new Usage(100_000_000L, 1024, T0.plusSeconds(12), Duration.ofSeconds(12)));
    }

    @Test
    void aRestartedContainerWaitsForItsNextSample() {
        MetricsStorage s = new MetricsStorage(RESOLUTION);
        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(-600, 0, 9_000_000_000L, 1024)))));
        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(-600, 15, 9_150_000_000L, 1024)))));
        assertThat(s.pod(WEB)).isNotNull();

        // restarted at 20 s (after the stored sample): the counter starts again from zero
        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(20, 50, 300_000_000L, 1024)))));
        assertThat(s.pod(WEB)).isNull();

        s.store(batch(Map.of(), Map.of(WEB, Map.of("app", container(20, 65, 450_000_000L, 1024)))));
        assertThat(s.pod(WEB).containers().get("app").nanoCores()).isEqualTo(10_000_000L);
    }
}
