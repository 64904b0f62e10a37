package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC probes answered from the simulated server (startup-time, served ports,
 * {@code sim.kubelite.io/grpc-status}), seen through the real kubectl against an in-process API
 * server and kubelet-sim on a real etcd. Time runs 10x faster: a 1 s probe period is 100 ms.
 */
class KubectlGrpcProbeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EVENTS =
            "jsonpath={range .items[*]}{.involvedObject.name} {.reason}: {.message}{\"\\n\"}{end}";

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
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.205.0.0/16"));
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

    static void apply(String yaml) {
        kubectl.run(yaml, Map.of(), "apply", "-f", "-").ok();
    }

    @Test
    void readinessWaitsForTheServerToListen() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: slow
                  annotations: {sim.kubelite.io/startup-time: 20s}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: example/grpc-server
                    ports: [{containerPort: 9000}]
                    readinessProbe: {grpc: {port: 9000, service: my.Service}, periodSeconds: 1}
                    livenessProbe: {grpc: {port: 9000}, periodSeconds: 1, initialDelaySeconds: 30}
                """);
        Pod p = sim.await("slow", WAIT, "Ready", q -> SimHarness.conditionTrue(q, "Ready"));
        ContainerStatus s = SimHarness.status(p, "app");
        long started = Timestamps.toMillis(s.getState().getRunning().getStartedAt());
        long ready = Timestamps.toMillis(SimHarness.condition(p, "Ready").getLastTransitionTime());
        assertThat(ready - started)
                .as("Ready only after startup-time (20 s simulated = 2 s)")
                .isGreaterThanOrEqualTo(2000);
        assertThat(s.getRestartCount()).isZero();
        assertThat(kubectl.run("get", "pod", "slow").ok()).contains("1/1", "Running");
    }

    @Test
    void notServingLivenessRestartsTheContainer() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: sick
                  annotations: {sim.kubelite.io/grpc-status: "SERVING,NOT_SERVING@2s"}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: example/grpc-server
                    ports: [{containerPort: 9000}]
                    livenessProbe: {grpc: {port: 9000}, periodSeconds: 1, failureThreshold: 2}
                """);
        sim.await("sick", WAIT, "restartCount >= 2", p -> {
            ContainerStatus s = SimHarness.status(p, "app");
            return s != null && s.getRestartCount() >= 2;
        });
        Poll.until(WAIT, "Unhealthy and Killing events for sick", () -> {
            String events = kubectl.run("get", "events", "-o", EVENTS).ok();
            return events.contains("sick Unhealthy: Liveness probe failed: service unhealthy (responded with"
                            + " \"NOT_SERVING\")")
                    && events.contains("sick Killing: Container app failed liveness probe, will be restarted");
        });
    }

    @Test
    void aPortTheContainerDoesNotServeTimesOut() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: wrongport}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: example/grpc-server
                    ports: [{containerPort: 9000}]
                    livenessProbe: {grpc: {port: 9999}, periodSeconds: 1, failureThreshold: 1}
                """);
        Pod p = sim.await("wrongport", WAIT, "restarted", q -> {
            ContainerStatus s = SimHarness.status(q, "app");
            return s != null && s.getRestartCount() >= 1;
        });
        String ip = p.getStatus().getPodIp();
        Poll.until(
                WAIT,
                "Unhealthy event for wrongport",
                () -> kubectl.run("get", "events", "-o", EVENTS)
                        .ok()
                        .contains("wrongport Unhealthy: Liveness probe failed: timeout: failed to connect service \""
                                + ip + ":9999\" within 1s: context deadline exceeded"));
    }
}
