package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kubelet.usage.ContainerSnapshot;
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
 * Simulated CPU and memory usage against limits, seen where a user looks: CPU throttling in the
 * usage snapshots (what the metrics endpoint will serve), OOM kills in {@code kubectl get pod},
 * {@code describe} and the Events; through the real kubectl against an in-process API server and
 * kubelet-sim on a real etcd.
 */
class KubectlResourceUsageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
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
        // time scale 10: a usage tick (1 s) is 100 ms, a restart back-off of 10 s is 1 s
        sim = new SimHarness(
                ETCD,
                prefix,
                new KubeletSimOptions().nodes(1).timeScale(10).usageSeed(17).podCidrFallback("10.205.0.0/16"));
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

    /** The latest sample of {@code pod}'s {@code container}, or null. */
    static ContainerSnapshot usage(String pod, String container) {
        return sim.sim.usage().containers(NODE).stream()
                .filter(c -> c.pod().equals(pod) && c.container().equals(container))
                .findFirst()
                .orElse(null);
    }

    /** Polls until {@code pod}'s {@code container} has been throttled in more than {@code periods} periods. */
    static ContainerSnapshot throttledBeyond(String pod, String container, long periods) {
        return Poll.until(
                WAIT,
                pod + "/" + container + " throttled in more than " + periods + " CFS periods",
                () -> {
                    ContainerSnapshot s = usage(pod, container);
                    if (s == null) {
                        throw new AssertionError("not running: " + sim.get(pod).getStatus() + "\nlogs: "
                                + kubectl.run("logs", pod, "-c", container, "--previous")
                                        .out());
                    }
                    return s;
                },
                s -> s != null && s.cpuThrottledPeriods() > periods);
    }

    @Test
    void aBusyLoopAndStressCpuAreThrottledAtTheirLimits() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: busy}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: loop
                    image: busybox
                    command: ["sh", "-c", "while true; do :; done"]
                    resources: {limits: {cpu: 500m}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: cpu-demo}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: cpu-demo-ctr
                    image: polinux/stress
                    command: ["stress"]
                    args: ["--cpu", "2"]
                    resources: {limits: {cpu: "1"}, requests: {cpu: 500m}}
                """);
        ContainerSnapshot loop = throttledBeyond("busy", "loop", 30);
        assertThat(loop.cpuCores()).as("a busy loop under a 500m limit").isEqualTo(0.5);
        assertThat(loop.cpuThrottledNanos()).isPositive();
        ContainerSnapshot later = throttledBeyond("busy", "loop", loop.cpuThrottledPeriods() + 10);
        assertThat(later.cpuThrottledNanos()).isGreaterThan(loop.cpuThrottledNanos());
        // Usage grows by the simulated time that passed between the samples (time scale 10), not
        // by whole CFS periods: a tick that runs late under load counts its extra milliseconds.
        long simulatedNanos = (later.timestampMillis() - loop.timestampMillis()) * 10 * 1_000_000L;
        assertThat(later.cpuUsageCoreNanos() - loop.cpuUsageCoreNanos())
                .as("core-nanoseconds used at 0.5 cores over the %d simulated ns between two samples", simulatedNanos)
                .isEqualTo(simulatedNanos / 2);

        ContainerSnapshot stress = throttledBeyond("cpu-demo", "cpu-demo-ctr", 30);
        assertThat(stress.cpuCores()).as("stress --cpu 2 under a limit of 1").isEqualTo(1.0);
        // 2 cores of demand (plus idle) for 1 allowed: at least a throttled second per simulated second
        assertThat(stress.cpuThrottledNanos())
                .isGreaterThanOrEqualTo(stress.cpuThrottledPeriods() / 10 * 1_000_000_000L);
        assertThat(kubectl.run("logs", "cpu-demo").ok())
                .isEqualTo("stress: info: [1] dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd\n");
    }

    @Test
    void stressVmBytesOverTheMemoryLimitIsOomKilledAndRestartedWithBackOff() {
        // the Kubernetes docs' "Exceed a Container's memory limit" example
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: memory-demo-2}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: memory-demo-2-ctr
                    image: polinux/stress
                    resources: {requests: {memory: 50Mi}, limits: {memory: 100Mi}}
                    command: ["stress"]
                    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
                """);
        Pod p = sim.await("memory-demo-2", WAIT, "OOM-killed and restarted twice", x -> {
            ContainerStatus s = SimHarness.status(x, "memory-demo-2-ctr");
            return s != null && s.getRestartCount() >= 2 && s.getLastState().hasTerminated();
        });
        ContainerStatus s = SimHarness.status(p, "memory-demo-2-ctr");
        assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");

        String describe = kubectl.run("describe", "pod", "memory-demo-2").ok();
        assertThat(describe)
                .containsPattern("Last State:\\s+Terminated\\n\\s+Reason:\\s+OOMKilled\\n\\s+Exit Code:\\s+137");
        // a cgroup OOM kill has no Event of its own (the kubelet's OOM watcher reports only
        // node-level ones, SystemOOM): what shows is the restart back-off
        String events = Poll.until(
                WAIT,
                "the kubelet's BackOff Event",
                () -> kubectl.run("get", "events", "--field-selector", "involvedObject.name=memory-demo-2")
                        .ok(),
                e -> e.contains("BackOff"));
        assertThat(events)
                .contains("Back-off restarting failed container memory-demo-2-ctr in pod memory-demo-2_default(")
                .doesNotContain("SystemOOM");
        Poll.until(
                WAIT,
                "kubectl get pod showing OOMKilled or CrashLoopBackOff",
                () -> kubectl.run("get", "pod", "memory-demo-2").ok(),
                out -> out.contains("OOMKilled") || out.contains("CrashLoopBackOff"));
    }

    @Test
    void writingAMemoryEmptyDirPastTheContainersLimitOomKillsIt() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: tmpfs-oom}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    resources: {limits: {memory: 20Mi}}
                    volumeMounts: [{name: shm, mountPath: /shm}]
                  volumes:
                  - {name: shm, emptyDir: {medium: Memory}}
                """);
        sim.awaitPhase("tmpfs-oom", "Running", WAIT);
        ContainerSnapshot before =
                Poll.until(WAIT, "a first sample of tmpfs-oom", () -> usage("tmpfs-oom", "app"), x -> x != null);
        assertThat(before.workingSetBytes()).as("idle, below the limit").isLessThan(20L << 20);
        // 19 files of 1 MiB: below the tmpfs's 20Mi size, above the limit with the container's own memory
        var write = kubectl.run(
                "exec",
                "tmpfs-oom",
                "--",
                "sh",
                "-c",
                "s=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do s=\"$s$s\"; done;"
                        + " for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do"
                        + " printf %s \"$s\" > /shm/f$i; done");
        // the exec ends with the writes, or with the container when a usage sample lands first (137, as on a node)
        assertThat(write.exitCode()).as("exec: " + write).isIn(0, 137);
        Pod p = sim.await("tmpfs-oom", WAIT, "OOM-killed and restarted", x -> {
            ContainerStatus s = SimHarness.status(x, "app");
            return s != null && s.getRestartCount() >= 1 && s.getLastState().hasTerminated();
        });
        ContainerStatus s = SimHarness.status(p, "app");
        assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(kubectl.run("exec", "tmpfs-oom", "--", "ls", "/shm").ok())
                .as("the emptyDir outlives the container (with what was written before the kill)")
                .contains("f1");
    }
}
