package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.container;
import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static io.kubelite.kubelet.SimHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kubelet-sim as a real OS process, killed with SIGKILL and started again. */
class KillAndRestartProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(30);

    private Process launch(String prefix, Path log) throws Exception {
        List<String> args = List.of(
                "--etcd-endpoints=" + String.join(",", ETCD.cluster().endpoints()),
                "--etcd-prefix=" + prefix,
                "--nodes=2",
                "--time-scale=10",
                "--pod-cidr-fallback=10.210.0.0/16",
                "--health-port=0");
        return ChildJvm.builder(List.of("-Xmx256m"), KubeletSimMain.class, args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    @Test
    void killNineAndRestartAdoptsNodesAndRunningPodsWithoutRestarts() throws Exception {
        String prefix = ETCD.newPrefix();
        Path log = Files.createTempFile("kubelet-sim", ".log");
        Process first = null;
        Process second = null;
        try (SimHarness h = new SimHarness(ETCD, prefix, null)) {
            first = launch(prefix, log);
            Poll.until(T, "2 nodes registered", () -> h.listNodes().size() == 2);
            Map<String, String> nodeUids = new HashMap<>();
            h.listNodes()
                    .forEach(n -> nodeUids.put(
                            n.getMetadata().getName(), n.getMetadata().getUid()));

            h.create(pod("server", "sim-node-0", "Always", container("c", "nginx")));
            h.create(pod(
                    "live",
                    "sim-node-1",
                    "Always",
                    sh("c", "touch /tmp/healthy; sleep 6000")
                            .setLivenessProbe(SimHarnessProbes.exec("cat", "/tmp/healthy")
                                    .setPeriodSeconds(2)
                                    .setFailureThreshold(1))
                            .setReadinessProbe(
                                    SimHarnessProbes.exec("cat", "/tmp/healthy").setPeriodSeconds(2))));
            h.create(pod("done", "sim-node-0", "Never", sh("c", "echo bye")));
            Map<String, Pod> before = new HashMap<>();
            before.put("server", h.await("server", T, "Ready", p -> SimHarness.conditionTrue(p, "Ready")));
            before.put("live", h.await("live", T, "Ready", p -> SimHarness.conditionTrue(p, "Ready")));
            before.put("done", h.awaitPhase("done", "Succeeded", T));
            long leaseBefore = Timestamps.toMillis(h.leases
                    .get("kube-node-lease", "sim-node-0")
                    .join()
                    .getSpec()
                    .getRenewTime());

            first.destroyForcibly();
            assertThat(first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long killedAt = System.currentTimeMillis();

            second = launch(prefix, log);
            Poll.until(
                    T,
                    "lease renewed by the new process",
                    () -> Timestamps.toMillis(h.leases
                                    .get("kube-node-lease", "sim-node-0")
                                    .join()
                                    .getSpec()
                                    .getRenewTime())
                            > Math.max(leaseBefore, killedAt));
            // several probe periods (2 s at scale 10 = 0.2 s) after adoption
            Poll.until(
                    T,
                    "the new process wrote node status",
                    () -> h.listNodes().stream()
                            .allMatch(n -> n.getStatus().getConditionsList().stream()
                                    .anyMatch(c -> Timestamps.toMillis(c.getLastHeartbeatTime()) >= killedAt - 1000)));
            // several probe periods (scale 10): a spurious restart or a duplicate node would show up
            Poll.holds(Duration.ofMillis(1500), "adopted nodes and pods unchanged", () -> {
                assertThat(h.listNodes()).hasSize(2);
                h.listNodes()
                        .forEach(n -> assertThat(n.getMetadata().getUid())
                                .isEqualTo(nodeUids.get(n.getMetadata().getName())));
                for (String name : List.of("server", "live", "done")) {
                    Pod b = before.get(name);
                    Pod a = h.get(name);
                    ContainerStatus cb = status(b, "c");
                    ContainerStatus ca = status(a, "c");
                    assertThat(a.getStatus().getPhase())
                            .as(name)
                            .isEqualTo(b.getStatus().getPhase());
                    assertThat(ca.getContainerId()).as(name).isEqualTo(cb.getContainerId());
                    assertThat(ca.getRestartCount()).as(name).isEqualTo(cb.getRestartCount());
                    assertThat(ca.getState()).as(name).isEqualTo(cb.getState());
                    assertThat(a.getStatus().getPodIp())
                            .as(name)
                            .isEqualTo(b.getStatus().getPodIp());
                    assertThat(a.getStatus().getStartTime())
                            .as(name)
                            .isEqualTo(b.getStatus().getStartTime());
                }
            });
            assertThat(SimHarness.conditionTrue(h.get("live"), "Ready")).isTrue();
            // the adopted node still runs new pods
            h.create(pod("new", "sim-node-1", "Always", sh("c", "sleep 600")));
            Pod fresh = h.awaitPhase("new", "Running", T);
            assertThat(fresh.getStatus().getPodIp())
                    .isNotEqualTo(h.get("live").getStatus().getPodIp());
        } catch (AssertionError | RuntimeException e) {
            System.err.println(Files.readString(log));
            throw e;
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(log);
        }
    }
}
