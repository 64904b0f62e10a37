package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kubelet.usage.NodeSnapshot;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node-pressure eviction for memory: a node of 1000Mi whose pods' working sets leave less than
 * the 100Mi hard threshold reports MemoryPressure and evicts one pod at a time as kube ranks
 * them, with kube's reason, message and Event; seen through the real kubectl.
 */
class KubectlMemoryPressureTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String NODE = "sim-node-0";

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
        // time scale 10: an eviction pass (10 s) and a node status update (10 s) every second
        sim = new SimHarness(
                ETCD,
                prefix,
                new KubeletSimOptions().nodes(1).memory("1000Mi").timeScale(10).podCidrFallback("10.206.0.0/16"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void bestEffortThenBurstableOverRequestsAreEvictedAndGuaranteedStays() {
        // the Guaranteed pod uses 500Mi from its start; the BestEffort one steps up to 300Mi 10 s
        // (simulated) after its start, the Burstable one to 350Mi 30 s after its start, so that
        // no eviction pass can see the Burstable one up before the BestEffort one (kube would then
        // rightly evict the Burstable one first). 300 + 350 + 500Mi and the node's own 64Mi leave
        // -214Mi of 1000Mi; without the BestEffort pod 86Mi (still below 100Mi); without the
        // Burstable one too, 436Mi
        kubectl.run("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: best-effort
                  annotations: {sim.kubelite.io/memory-usage: "1Mi,300Mi@10s"}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - {name: app, image: nginx}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: burstable
                  annotations: {sim.kubelite.io/memory-usage: "1Mi,350Mi@30s"}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: nginx
                    resources: {requests: {memory: 100Mi}}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: guaranteed
                  annotations: {sim.kubelite.io/memory-usage: "500Mi"}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: nginx
                    resources:
                      requests: {cpu: 100m, memory: 600Mi}
                      limits: {cpu: 100m, memory: 600Mi}
                """, Map.of(), "apply", "-f", "-").ok();
        // the order shows in the messages: each names what was available when it was evicted
        List<String> failed = new ArrayList<>();
        Poll.until(WAIT, "best-effort and burstable Failed (seen: " + failed + ")", () -> {
            for (String name : List.of("best-effort", "burstable", "guaranteed")) {
                Pod p = sim.get(name);
                if (p != null && p.getStatus().getPhase().equals("Failed") && !failed.contains(name)) {
                    failed.add(name);
                }
            }
            return failed.size() >= 2;
        });
        assertThat(failed).containsExactlyInAnyOrder("best-effort", "burstable");

        Pod be = sim.get("best-effort");
        assertThat(be.getStatus().getReason()).isEqualTo("Evicted");
        assertThat(be.getStatus().getMessage())
                .as("evicted first: all three pods' usage on the node")
                .isEqualTo("The node was low on resource: memory. Threshold quantity: 100Mi, available: -214Mi. "
                        + "Container app was using 300Mi, request is 0, has larger consumption of memory. ");
        assertThat(sim.get("burstable").getStatus().getMessage())
                .as("evicted second: the best-effort pod's usage gone")
                .isEqualTo("The node was low on resource: memory. Threshold quantity: 100Mi, available: 86Mi. "
                        + "Container app was using 350Mi, request is 100Mi, has larger consumption of memory. ");

        NodeSnapshot node = Poll.until(
                WAIT,
                "memory available again after two evictions",
                () -> sim.sim.usage().node(NODE).orElse(null),
                n -> n != null && n.availableBytes() > 100L << 20);
        assertThat(node.memoryPressure())
                .as("MemoryPressure holds for the transition period (5m) after the threshold was last met")
                .isTrue();
        assertThat(sim.get("guaranteed").getStatus().getPhase()).isEqualTo("Running");

        String condition = Poll.until(
                WAIT,
                "the node's MemoryPressure condition",
                () -> kubectl.run(
                                "get",
                                "node",
                                NODE,
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"MemoryPressure\")].status}"
                                        + " {.status.conditions[?(@.type==\"MemoryPressure\")].reason}"
                                        + " {.status.conditions[?(@.type==\"MemoryPressure\")].message}")
                        .ok(),
                s -> s.startsWith("True"));
        assertThat(condition).isEqualTo("True KubeletHasInsufficientMemory kubelet has insufficient memory available");

        String describe = kubectl.run("describe", "pod", "best-effort").ok();
        assertThat(describe)
                .containsPattern("Status:\\s+Failed")
                .containsPattern("Reason:\\s+Evicted")
                .containsPattern("Message:\\s+The node was low on resource: memory\\.");
        assertThat(kubectl.run("get", "pod", "best-effort", "-o", "jsonpath={.status.phase} {.status.reason}")
                        .ok())
                .isEqualTo("Failed Evicted");
        String events = Poll.until(
                WAIT,
                "the Evicted Event",
                () -> kubectl.run("get", "events", "--field-selector", "involvedObject.name=burstable,reason=Evicted")
                        .ok(),
                e -> e.contains("Evicted"));
        assertThat(events).contains("The node was low on resource: memory.");
    }
}
