package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Event;
import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Pod;
import io.kubelite.api.Toleration;
import io.kubelite.controllers.ControllerManagerMain;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failing and recovering a simulated node through its Node's annotation
 * {@code sim.kubelite.io/heartbeats}, as {@code kubectl annotate node} sets it: while
 * {@code stopped} its Lease, node status and pod status stay as they were though its pods run;
 * removed, all three are written again at once; with the real node lifecycle controller the node
 * goes Ready → Unknown (tainted, its pod evicted but held Terminating) → Ready.
 */
class NodeHeartbeatsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(30);
    static final String ANNOTATION = "sim.kubelite.io/heartbeats";

    /** Two nodes whose 10 s lease renewal and status report happen every 0.5 s (time scale 20). */
    static KubeletSimOptions options(String prefix) {
        return new KubeletSimOptions()
                .nodes(2)
                .nodeNamePrefix(prefix)
                .timeScale(20)
                .nodeStatusReportFrequency(Duration.ofSeconds(10))
                .podCidrFallback("10.233.0.0/16");
    }

    static long renewMillis(SimHarness h, String node) {
        Lease l = h.leases.get("kube-node-lease", node).join();
        return Timestamps.toMillis(l.getSpec().getRenewTime());
    }

    static NodeCondition ready(SimHarness h, String node) {
        return h.nodes.get(null, node).join().getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElseThrow();
    }

    static long heartbeatMillis(SimHarness h, String node) {
        return Timestamps.toMillis(ready(h, node).getLastHeartbeatTime());
    }

    static void annotate(SimHarness h, String node, String value) {
        h.nodes
                .guaranteedUpdate(null, node, n -> {
                    Node.Builder b = n.toBuilder();
                    if (value == null) {
                        b.getMetadataBuilder().removeAnnotations(ANNOTATION);
                    } else {
                        b.getMetadataBuilder().putAnnotations(ANNOTATION, value);
                    }
                    return b.build();
                })
                .join();
    }

    /**
     * Waits until {@code value} has not changed for {@code quiet} (a write in flight when the
     * annotation landed may still arrive), then checks it stays so for {@code window}.
     */
    static long stopsChanging(String what, Supplier<Long> value, Duration quiet, Duration window) {
        long[] seen = {value.get(), System.nanoTime()};
        Poll.until(T, what + " unchanged for " + quiet, () -> {
            long v = value.get();
            if (v != seen[0]) {
                seen[0] = v;
                seen[1] = System.nanoTime();
            }
            return System.nanoTime() - seen[1] >= quiet.toNanos();
        });
        long stopped = seen[0];
        Poll.holds(
                window,
                what + " stays at " + stopped,
                () -> assertThat(value.get()).as(what).isEqualTo(stopped));
        return stopped;
    }

    static void advances(String what, Supplier<Long> value, long from, Duration within) {
        Poll.until(within, what + " advances past " + from, value, v -> v > from);
    }

    @Test
    void stoppedHeartbeatsFreezeLeaseNodeAndPodStatusUntilRemoved() throws Exception {
        try (SimHarness h = new SimHarness(ETCD, options("hb-"))) {
            String node = "hb-0";
            long first = Poll.until(T, "hb-0's lease renewed", () -> renewMillis(h, node), v -> v > 0);
            advances("hb-0's lease renewTime", () -> renewMillis(h, node), first, T);

            annotate(h, node, "stopped");
            long lease = stopsChanging(
                    "hb-0's lease renewTime", () -> renewMillis(h, node), Duration.ofSeconds(2), Duration.ofSeconds(2));
            long heartbeat = stopsChanging(
                    "hb-0's Ready lastHeartbeatTime",
                    () -> heartbeatMillis(h, node),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1));
            // the other node is not affected
            advances("hb-1's lease renewTime", () -> renewMillis(h, "hb-1"), renewMillis(h, "hb-1"), T);

            // a pod bound to the silent node runs, but nothing of its status reaches etcd
            h.create(pod("cut-off", node, "Never", sh("c", "sleep 3600")));
            Poll.until(
                    T,
                    "cut-off's container running in the simulator",
                    () -> h.sim.container("default", "cut-off", "c").isPresent());
            Poll.holds(
                    Duration.ofSeconds(1),
                    "cut-off's status unwritten",
                    () -> assertThat(h.get("cut-off").getStatus().getContainerStatusesCount())
                            .isZero());

            long resumed = System.currentTimeMillis();
            annotate(h, node, null);
            advances("hb-0's lease renewTime", () -> renewMillis(h, node), lease, Duration.ofSeconds(5));
            advances(
                    "hb-0's Ready lastHeartbeatTime", () -> heartbeatMillis(h, node), heartbeat, Duration.ofSeconds(5));
            h.awaitPhase("cut-off", "Running", Duration.ofSeconds(5));
            assertThat(System.currentTimeMillis() - resumed)
                    .as("written at once on resume, not at the next report (ms)")
                    .isLessThan(5000);
        }
    }

    @Test
    void aStoppedNodeStaysSilentAcrossAKubeletSimRestart() throws Exception {
        String prefix = ETCD.newPrefix();
        String node = "rs-0";
        try (SimHarness first = new SimHarness(ETCD, prefix, options("rs-"))) {
            Poll.until(T, "rs-0's lease renewed", () -> renewMillis(first, node), v -> v > 0);
            annotate(first, node, "stopped");
            stopsChanging(
                    "rs-0's lease renewTime", () -> renewMillis(first, node), Duration.ofSeconds(2), Duration.ZERO);
        }
        try (SimHarness h = new SimHarness(ETCD, prefix, options("rs-"))) {
            // the new process adopts rs-0 without a write, and renews rs-1 as usual
            long lease = renewMillis(h, node);
            long heartbeat = heartbeatMillis(h, node);
            advances("rs-1's lease renewTime", () -> renewMillis(h, "rs-1"), renewMillis(h, "rs-1"), T);
            Poll.holds(Duration.ofSeconds(1), "rs-0 silent after the restart", () -> {
                assertThat(renewMillis(h, node)).isEqualTo(lease);
                assertThat(heartbeatMillis(h, node)).isEqualTo(heartbeat);
            });
            annotate(h, node, "running");
            advances("rs-0's lease renewTime", () -> renewMillis(h, node), lease, Duration.ofSeconds(5));
            advances(
                    "rs-0's Ready lastHeartbeatTime", () -> heartbeatMillis(h, node), heartbeat, Duration.ofSeconds(5));
        }
    }

    @Test
    void aBadValueWarnsOnceAndHeartbeatsGoOn() throws Exception {
        try (SimHarness h = new SimHarness(ETCD, options("bad-"))) {
            String node = "bad-0";
            Poll.until(T, "bad-0's lease renewed", () -> renewMillis(h, node), v -> v > 0);
            annotate(h, node, "paused");
            long at = renewMillis(h, node);
            advances("bad-0's lease renewTime", () -> renewMillis(h, node), at, T);
            advances("bad-0's lease renewTime", () -> renewMillis(h, node), renewMillis(h, node), T);
            List<Event> warnings = Poll.until(
                    T,
                    "an InvalidHeartbeatsAnnotation Warning on Node bad-0",
                    () -> h.store.of(EventKind.RESOURCE).list(ListOptions.all()).join().items().stream()
                            .filter(e -> e.getReason().equals("InvalidHeartbeatsAnnotation"))
                            .toList(),
                    l -> !l.isEmpty());
            Event e = warnings.get(0);
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getInvolvedObject().getName()).isEqualTo(node);
            assertThat(e.getMessage()).contains("\"paused\"").contains("\"stopped\"");
            assertThat(e.getCount())
                    .as("once for the value, though the node is updated since")
                    .isEqualTo(1);
        }
    }

    @Test
    void theNodeLifecycleControllerSeesTheNodeGoUnknownAndComeBack() throws Exception {
        try (SimHarness h = new SimHarness(ETCD, options("life-"))) {
            String node = "life-0";
            ComponentMain controllers = ControllerManagerMain.parse(
                            "--etcd-endpoints",
                            String.join(",", ETCD.cluster().endpoints()),
                            "--etcd-prefix",
                            h.etcd.prefix(),
                            "--health-port",
                            "0",
                            "--leader-elect=false",
                            "--id",
                            "heartbeats-test",
                            "--controllers=nodelifecycle,taint-eviction-controller",
                            "--node-monitor-period",
                            "500ms",
                            "--node-monitor-grace-period",
                            "3s",
                            "--node-startup-grace-period",
                            "3s")
                    .componentMain();
            controllers.start();
            try {
                Pod.Builder p = pod("evictee", node, "Always", sh("c", "sleep 3600"));
                // evicted 1 s after the node is tainted unreachable (kube's default is 300 s)
                p.getSpecBuilder()
                        .setTerminationGracePeriodSeconds(0)
                        .addTolerations(Toleration.newBuilder()
                                .setKey("node.kubernetes.io/unreachable")
                                .setOperator("Exists")
                                .setEffect("NoExecute")
                                .setTolerationSeconds(1));
                h.create(p);
                h.awaitPhase("evictee", "Running", T);
                Poll.until(T, "life-0 Ready", () -> ready(h, node).getStatus(), s -> s.equals("True"));

                annotate(h, node, "stopped");
                Poll.until(T, "life-0 Ready=Unknown", () -> ready(h, node).getStatus(), s -> s.equals("Unknown"));
                assertThat(ready(h, node).getMessage()).isEqualTo("Kubelet stopped posting node status.");
                Pod evicted = h.await(
                        "evictee",
                        T,
                        "marked for deletion by the taint eviction",
                        x -> x.getMetadata().hasDeletionTimestamp());
                // the kubelet cannot confirm the deletion while cut off: the pod stays, Terminating
                Poll.holds(
                        Duration.ofSeconds(1),
                        "evictee stays while life-0 is silent",
                        () -> assertThat(h.get("evictee")).isNotNull());
                assertThat(evicted.getSpec().getNodeName()).isEqualTo(node);

                annotate(h, node, null);
                Poll.until(T, "life-0 Ready again", () -> ready(h, node).getStatus(), s -> s.equals("True"));
                Poll.until(T, "evictee gone once life-0 reports again", () -> h.get("evictee") == null);
                Poll.until(
                        T,
                        "life-0's unreachable taint removed",
                        () -> h.nodes.get(null, node).join().getSpec().getTaintsList(),
                        l -> l.stream().noneMatch(t -> t.getKey().startsWith("node.kubernetes.io/")));
            } finally {
                controllers.shutdown();
            }
        }
    }
}
