package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes registered together do not report their unchanged status together: each node's first
 * report comes between half the report period and the whole of it after it registered, so that a
 * process of 5,000 nodes does not write 5,000 Nodes in one status-check window every period.
 */
class NodeStatusReportPhaseTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final int NODES = 20;

    @Test
    void nodesRegisteredTogetherReportTheirUnchangedStatusAtDifferentTimes() throws Exception {
        // time scale 20: a status check every 50 ms, an unchanged status reported every 3 s
        KubeletSimOptions options = new KubeletSimOptions()
                .nodes(NODES)
                .nodeNamePrefix("phase-")
                .timeScale(20)
                .nodeStatusUpdateFrequency(Duration.ofSeconds(1))
                .nodeStatusReportFrequency(Duration.ofSeconds(60))
                .podCidrFallback("10.235.0.0/16");
        long periodMillis = 3_000;
        try (SimHarness h = new SimHarness(ETCD, options)) {
            Map<String, Long> registered = new LinkedHashMap<>();
            for (int i = 0; i < NODES; i++) {
                String node = "phase-" + i;
                registered.put(
                        node,
                        Poll.until(
                                Duration.ofSeconds(30),
                                node + " registered",
                                () -> NodeHeartbeatsTest.heartbeatMillis(h, node), // fails until it exists
                                v -> v > 0));
            }
            Map<String, Long> delays = new LinkedHashMap<>();
            Poll.until(
                    Duration.ofSeconds(30),
                    "every node's first report after registering (ms per node)",
                    () -> {
                        registered.forEach((node, at) -> {
                            long now = NodeHeartbeatsTest.heartbeatMillis(h, node);
                            if (now > at) {
                                delays.putIfAbsent(node, now - at);
                            }
                        });
                        return new LinkedHashMap<>(delays);
                    },
                    d -> d.size() == NODES);
            List<Long> sorted = new ArrayList<>(delays.values());
            Collections.sort(sorted);
            assertThat(sorted)
                    .as("ms from registering to the first report, per node: %s", delays)
                    .allMatch(d -> d >= periodMillis / 2 - 300 && d <= periodMillis + 500);
            assertThat(sorted.get(NODES - 1) - sorted.get(0))
                    .as("spread of the first reports over the nodes (ms): %s", sorted)
                    .isGreaterThanOrEqualTo(500);
        }
    }
}
