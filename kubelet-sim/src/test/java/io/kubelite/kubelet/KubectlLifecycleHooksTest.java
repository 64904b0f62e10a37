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
 * Container lifecycle hooks (postStart, preStop: exec, httpGet, sleep) and termination messages
 * (File, FallbackToLogsOnError) as the kubelet runs them, seen through the real kubectl against an
 * in-process API server and kubelet-sim on a real etcd, at --time-scale 10: a documented 30 s
 * is 3 s here.
 */
class KubectlLifecycleHooksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double SCALE = 10;

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
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(SCALE).podCidrFallback("10.204.0.0/16"));
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

    /** A pod on the node with one container {@code app} running {@code script}, and more of its spec. */
    static String pod(String name, String restartPolicy, String script, String container, String spec) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  nodeName: sim-node-0
                  restartPolicy: %s
                %s
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", %s]
                %s
                """.formatted(
                        name,
                        restartPolicy,
                        spec.indent(2).stripTrailing(),
                        quote(script),
                        container.indent(4).stripTrailing());
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The pod's Events, one "type reason: message" a line. */
    static String events(String pod) {
        String all = kubectl.run(
                        "get",
                        "events",
                        "-o",
                        "jsonpath={range .items[*]}{.involvedObject.name} {.type} {.reason}: {.message}{\"\\n\"}{end}")
                .ok();
        StringBuilder mine = new StringBuilder();
        for (String line : all.split("\n")) {
            if (line.startsWith(pod + " ")) {
                mine.append(line.substring(pod.length() + 1)).append('\n');
            }
        }
        return mine.toString();
    }

    static String awaitEvent(String pod, String line) {
        return Poll.until(WAIT, pod + " has event " + line, () -> events(pod), e -> e.contains(line));
    }

    static String jsonpath(String pod, String path) {
        return kubectl.run("get", "pod", pod, "-o", "jsonpath={" + path + "}").ok();
    }

    static ContainerStatus app(Pod p) {
        return SimHarness.status(p, "app");
    }

    @Test
    void postStartRunsBeforeTheContainerIsReportedRunningAndItsSideEffectIsVisible() {
        apply(pod("poststart", "Always", "sleep infinity", """
                lifecycle:
                  postStart:
                    exec: {command: ["sh", "-c", "sleep 30; echo started > /tmp/started"]}
                livenessProbe:
                  exec: {command: ["cat", "/tmp/started"]}
                  periodSeconds: 1
                  timeoutSeconds: 10
                  failureThreshold: 1
                """, ""));
        awaitEvent("poststart", "Normal Started: Started container app");
        Pod during = sim.get("poststart");
        assertThat(app(during).getState().hasWaiting())
                .as("not reported running while its postStart runs: %s", app(during))
                .isTrue();
        assertThat(app(during).getStarted()).isFalse();
        assertThat(during.getStatus().getPhase()).isEqualTo("Pending");

        Pod ready = sim.await("poststart", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        long startedAt = Timestamps.toMillis(app(ready).getState().getRunning().getStartedAt());
        long readyAt = Timestamps.toMillis(SimHarness.condition(ready, "Ready").getLastTransitionTime());
        assertThat(readyAt - startedAt)
                .as("Ready (no readiness probe) only after the 30 s (3 s real) postStart hook")
                .isGreaterThanOrEqualTo(2_500);
        assertThat(kubectl.run("exec", "poststart", "--", "cat", "/tmp/started").ok())
                .isEqualTo("started\n");
        assertThat(app(ready).getRestartCount())
                .as("the liveness probe, which fails until the hook wrote its file, waited for the hook")
                .isZero();
        assertThat(events("poststart")).doesNotContain("FailedPostStartHook").doesNotContain("Unhealthy");
    }

    @Test
    void theNextAppContainerStartsOnlyAfterThePostStartHookOfTheOneBefore() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: ordered}
                spec:
                  nodeName: sim-node-0
                  volumes: [{name: shared, emptyDir: {}}]
                  containers:
                  - name: first
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: shared, mountPath: /shared}]
                    lifecycle:
                      postStart:
                        exec: {command: ["sh", "-c", "sleep 20; echo first-hooked > /shared/f"]}
                  - name: second
                    image: busybox
                    command: ["sh", "-c", "cat /shared/f; sleep infinity"]
                    volumeMounts: [{name: shared, mountPath: /shared}]
                """);
        sim.await("ordered", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        assertThat(kubectl.run("logs", "ordered", "-c", "second").ok())
                .as("second started after first's postStart hook wrote the file")
                .isEqualTo("first-hooked\n");
    }

    @Test
    void httpGetAndSleepPostStartHooks() {
        apply(pod("httphook", "Always", "sleep infinity", """
                ports: [{name: web, containerPort: 8080}]
                lifecycle:
                  postStart:
                    httpGet: {path: /started, port: web}
                  preStop:
                    httpGet: {path: /stop, port: 8080}
                """, ""));
        apply(pod("sleephook", "Always", "sleep infinity", """
                lifecycle:
                  postStart:
                    sleep: {seconds: 20}
                """, ""));
        sim.await("httphook", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        Pod slept = sim.await("sleephook", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        long startedAt = Timestamps.toMillis(app(slept).getState().getRunning().getStartedAt());
        long readyAt = Timestamps.toMillis(SimHarness.condition(slept, "Ready").getLastTransitionTime());
        assertThat(readyAt - startedAt).as("a 20 s sleep hook (2 s real)").isGreaterThanOrEqualTo(1_500);
        assertThat(events("httphook")).doesNotContain("Failed");
    }

    @Test
    void aFailedPostStartHookKillsTheContainerWithEvents() {
        apply(pod("badhook", "Never", "sleep infinity", """
                lifecycle:
                  postStart:
                    exec: {command: ["sh", "-c", "echo nope; exit 3"]}
                """, ""));
        Pod failed = sim.awaitPhase("badhook", "Failed", WAIT);
        assertThat(app(failed).getState().getTerminated().getExitCode()).isEqualTo(137);
        awaitEvent("badhook", "Warning FailedPostStartHook: PostStartHook failed");
        awaitEvent("badhook", "Normal Killing: FailedPostStartHook");
        assertThat(kubectl.run("describe", "pod", "badhook").ok())
                .contains("FailedPostStartHook")
                .contains("PostStartHook failed");
    }

    @Test
    void aRestartedContainerWaitsWithPostStartHookErrorAndTheHooksMessage() {
        apply(pod("hookloop", "Always", "sleep infinity", """
                lifecycle:
                  postStart:
                    exec: {command: ["sh", "-c", "sleep 20; echo broken; exit 4"]}
                """, ""));
        Pod p = sim.await(
                "hookloop",
                WAIT,
                "waiting in PostStartHookError",
                x -> app(x) != null
                        && app(x).getState().hasWaiting()
                        && app(x).getState().getWaiting().getReason().equals("PostStartHookError"));
        assertThat(app(p).getState().getWaiting().getMessage())
                .startsWith("Exec lifecycle hook ([sh -c sleep 20; echo broken; exit 4]) for Container \"app\" in"
                        + " Pod \"hookloop_default(" + p.getMetadata().getUid() + ")\" failed - error: command"
                        + " 'sh -c sleep 20; echo broken; exit 4' exited with 4: broken");
        assertThat(app(p).getRestartCount()).isEqualTo(1);
        assertThat(app(p).getLastState().getTerminated().getExitCode()).isEqualTo(137);
        kubectl.run("delete", "pod", "hookloop", "--wait=false").ok();
    }

    @Test
    void preStopRunsBeforeSigtermAndDelaysTheDeletion() {
        apply(pod("prestop", "Always", "sleep infinity", """
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "echo bye > /tmp/bye; sleep 30"]}
                """, "terminationGracePeriodSeconds: 120"));
        sim.await("prestop", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        long deleted = System.currentTimeMillis();
        kubectl.run("delete", "pod", "prestop", "--wait=false").ok();
        awaitEvent("prestop", "Normal Killing: Stopping container app");
        // the hook's side effect, while the container still runs it
        String bye = Poll.until(
                WAIT,
                "preStop wrote /tmp/bye",
                () -> kubectl.run("exec", "prestop", "--", "cat", "/tmp/bye").out(),
                o -> o.equals("bye\n"));
        assertThat(bye).isEqualTo("bye\n");
        Pod terminating = sim.get("prestop");
        assertThat(terminating).as("still there while its preStop runs").isNotNull();
        assertThat(app(terminating).getState().hasRunning()).isTrue();
        Poll.until(WAIT, "prestop gone", () -> sim.get("prestop") == null);
        assertThat(System.currentTimeMillis() - deleted)
                .as("the 30 s (3 s real) preStop hook ran before the kill")
                .isGreaterThanOrEqualTo(2_500);
        assertThat(events("prestop")).doesNotContain("FailedPreStopHook");
    }

    @Test
    void aPreStopLongerThanTheGracePeriodIsCutAtIt() {
        apply(pod("longstop", "Always", "sleep infinity", """
                lifecycle:
                  preStop:
                    sleep: {seconds: 600}
                """, "terminationGracePeriodSeconds: 30"));
        sim.await("longstop", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        long deleted = System.currentTimeMillis();
        kubectl.run("delete", "pod", "longstop", "--wait=false").ok();
        Poll.until(WAIT, "longstop gone", () -> sim.get("longstop") == null);
        long took = System.currentTimeMillis() - deleted;
        assertThat(took)
                .as("cut at the 30 s grace period (3 s real), then the 2 s minimum, not the 600 s hook")
                .isBetween(2_500L, 15_000L);
    }

    @Test
    void aLivenessKillRunsPreStopToo() {
        apply(pod("livekill", "Always", "sleep infinity", """
                volumeMounts: [{name: cache, mountPath: /cache}]
                livenessProbe:
                  exec: {command: ["cat", "/tmp/never"]}
                  initialDelaySeconds: 5
                  periodSeconds: 1
                  failureThreshold: 1
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "echo prestop >> /cache/log"]}
                """, "volumes: [{name: cache, emptyDir: {}}]"));
        sim.await(
                "livekill",
                WAIT,
                "restarted",
                p -> app(p) != null
                        && app(p).getRestartCount() >= 1
                        && app(p).getState().hasRunning());
        // the probe kills every instance within 1 s (0.1 s real): exec into one while it runs
        String log = Poll.until(
                WAIT,
                "the killed instance's preStop wrote to the volume the next one sees",
                () -> kubectl.run("exec", "livekill", "--", "cat", "/cache/log").out(),
                o -> o.startsWith("prestop\n"));
        assertThat(log).startsWith("prestop\n");
        kubectl.run("delete", "pod", "livekill", "--wait=false").ok();
    }

    @Test
    void aFailedPreStopHookIsAnEventAndTheDeletionGoesOn() {
        apply(pod("badstop", "Always", "sleep infinity", """
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "exit 1"]}
                """, ""));
        sim.await("badstop", WAIT, "Ready", p -> SimHarness.conditionTrue(p, "Ready"));
        kubectl.run("delete", "pod", "badstop", "--wait=false").ok();
        Poll.until(WAIT, "badstop gone", () -> sim.get("badstop") == null);
        awaitEvent("badstop", "Warning FailedPreStopHook: PreStopHook failed");
    }

    @Test
    void terminationMessageFromTheFileAtTheDefaultAndACustomPath() {
        apply(pod("msgfile", "Never", "printf 'all good' > /dev/termination-log; echo logged", "", ""));
        apply(pod("msgcustom", "Never", "echo -n custom > /tmp/why; exit 5", "terminationMessagePath: /tmp/why", ""));
        sim.awaitPhase("msgfile", "Succeeded", WAIT);
        sim.awaitPhase("msgcustom", "Failed", WAIT);
        assertThat(jsonpath("msgfile", ".status.containerStatuses[0].state.terminated.message"))
                .isEqualTo("all good");
        assertThat(jsonpath("msgcustom", ".status.containerStatuses[0].state.terminated.message"))
                .isEqualTo("custom");
        assertThat(jsonpath("msgfile", ".spec.containers[0].terminationMessagePath"))
                .as("API default")
                .isEqualTo("/dev/termination-log");
        assertThat(jsonpath("msgfile", ".spec.containers[0].terminationMessagePolicy"))
                .as("API default")
                .isEqualTo("File");
    }

    @Test
    void fallbackToLogsOnErrorTakesTheLogsLast80LinesOnlyOnAnErrorWithoutAMessage() {
        String lines = "i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo line $i; done; ";
        apply(pod("fallback", "Never", lines + "exit 2", "terminationMessagePolicy: FallbackToLogsOnError", ""));
        apply(pod("fallbackok", "Never", lines + "exit 0", "terminationMessagePolicy: FallbackToLogsOnError", ""));
        apply(pod("fileonly", "Never", lines + "exit 2", "", ""));
        apply(pod(
                "filewins",
                "Never",
                lines + "echo -n from-file > /dev/termination-log; exit 2",
                "terminationMessagePolicy: FallbackToLogsOnError",
                ""));
        for (String p : new String[] {"fallback", "fileonly", "filewins"}) {
            sim.awaitPhase(p, "Failed", WAIT);
        }
        sim.awaitPhase("fallbackok", "Succeeded", WAIT);
        StringBuilder last80 = new StringBuilder();
        for (int i = 21; i <= 100; i++) {
            last80.append("line ").append(i).append('\n');
        }
        Pod fallback = sim.get("fallback");
        assertThat(app(fallback).getState().getTerminated().getMessage()).isEqualTo(last80.toString());
        assertThat(jsonpath("fallback", ".status.containerStatuses[0].state.terminated.message"))
                .startsWith("line 21\n")
                .endsWith("line 100\n");
        assertThat(app(sim.get("fallbackok")).getState().getTerminated().getMessage())
                .as("exit 0: no fallback")
                .isEmpty();
        assertThat(app(sim.get("fileonly")).getState().getTerminated().getMessage())
                .as("policy File: no fallback")
                .isEmpty();
        assertThat(jsonpath("filewins", ".status.containerStatuses[0].state.terminated.message"))
                .isEqualTo("from-file");
    }

    @Test
    void fallbackToLogsIsCappedAt2048Bytes() {
        String digits = "0123456789".repeat(6);
        String longLines = "i=0; while [ $i -lt 50 ]; do i=$((i+1)); echo " + digits + " $i; done; exit 1";
        apply(pod("biglog", "Never", longLines, "terminationMessagePolicy: FallbackToLogsOnError", ""));
        Pod p = sim.awaitPhase("biglog", "Failed", WAIT);
        String message = app(p).getState().getTerminated().getMessage();
        assertThat(message)
                .as("the first 2048 bytes of the 50 lines of 63 or 64 bytes")
                .hasSize(2048)
                .startsWith(digits + " 1\n" + digits + " 2\n");
    }

    @Test
    void aRestartedContainersLastStateKeepsItsMessage() {
        apply(pod("again", "Always", "echo -n attempt > /dev/termination-log; sleep 1; exit 1", "", ""));
        Pod p = sim.await(
                "again",
                WAIT,
                "restarted once",
                x -> app(x) != null
                        && app(x).getRestartCount() >= 1
                        && app(x).getLastState().hasTerminated());
        assertThat(app(p).getLastState().getTerminated().getMessage()).isEqualTo("attempt");
        assertThat(jsonpath("again", ".status.containerStatuses[0].lastState.terminated.message"))
                .isEqualTo("attempt");
        kubectl.run("delete", "pod", "again", "--wait=false").ok();
    }
}
