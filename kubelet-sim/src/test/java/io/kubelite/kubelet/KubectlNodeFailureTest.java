package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failing and recovering a simulated node with the real kubectl, as docs/kubelet-sim.md tells
 * users to: {@code kubectl annotate node NODE sim.kubelite.io/heartbeats=stopped} and its
 * removal, through an in-process API server, with the real node lifecycle controller (timings
 * shortened) and kubelet-sim on a real etcd.
 */
@Timeout(120)
class KubectlNodeFailureTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static String ready(Kubectl kubectl) {
        return kubectl.run("get", "node", "fail-0", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                .ok()
                .trim();
    }

    @Test
    void annotateStoppedFailsTheNodeAndRemovingItRecoversIt() throws Exception {
        Kubectl kubectl = CLUSTER.kubectl();
        try (KubeletSim sim = new KubeletSim(new KubeletSimOptions()
                        .nodes(1)
                        .nodeNamePrefix("fail-")
                        .timeScale(20)
                        .nodeStatusReportFrequency(Duration.ofSeconds(10))
                        .podCidrFallback("10.234.0.0/16"));
                InProcessControllerManager controllers = startControllers(sim)) {
            Poll.until(WAIT, "fail-0 Ready", () -> ready(kubectl), s -> s.equals("True"));

            assertThat(kubectl.run("annotate", "node", "fail-0", "sim.kubelite.io/heartbeats=stopped")
                            .ok())
                    .contains("node/fail-0 annotated");
            Poll.until(WAIT, "fail-0 Ready=Unknown", () -> ready(kubectl), s -> s.equals("Unknown"));
            assertThat(kubectl.run("get", "node", "fail-0", "--no-headers").ok())
                    .as("kubectl get node's STATUS column")
                    .contains("NotReady");

            assertThat(kubectl.run("annotate", "node", "fail-0", "sim.kubelite.io/heartbeats-")
                            .ok())
                    .contains("node/fail-0 annotated");
            Poll.until(WAIT, "fail-0 Ready again", () -> ready(kubectl), s -> s.equals("True"));

            kubectl.run("annotate", "node", "fail-0", "sim.kubelite.io/heartbeats=paused")
                    .ok();
            Poll.until(
                    WAIT,
                    "kubectl get events shows the refused value",
                    // not `kubectl events --for node/fail-0`: its involvedObject.apiVersion field selector is not
                    // served yet
                    () -> kubectl.run("get", "events").ok(),
                    out -> out.lines()
                            .anyMatch(l -> l.contains("InvalidHeartbeatsAnnotation")
                                    && l.contains("node/fail-0")
                                    && l.contains("\"paused\"")));
            assertThat(ready(kubectl)).as("a bad value leaves the node Ready").isEqualTo("True");
        }
    }

    private static InProcessControllerManager startControllers(KubeletSim sim) throws Exception {
        sim.start(CLUSTER.etcd());
        return InProcessControllerManager.start(
                CLUSTER,
                "node-failure-test",
                "nodelifecycle,taint-eviction-controller",
                "--node-monitor-period=500ms",
                "--node-monitor-grace-period=3s",
                "--node-startup-grace-period=3s");
    }
}
