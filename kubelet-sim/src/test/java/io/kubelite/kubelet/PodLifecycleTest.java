package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.condition;
import static io.kubelite.kubelet.SimHarness.conditionTrue;
import static io.kubelite.kubelet.SimHarness.container;
import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static io.kubelite.kubelet.SimHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.ExecAction;
import io.kubelite.api.HTTPGetAction;
import io.kubelite.api.IntOrString;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.Probe;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.TCPSocketAction;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.testing.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pod lifecycle against real etcd, at --time-scale 10 (a documented 30 s is 3 s here). */
class PodLifecycleTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final double SCALE = 10;
    static final Duration T = Duration.ofSeconds(20);
    static final String NODE = "sim-node-0";
    static SimHarness h;

    @BeforeAll
    static void start() throws Exception {
        h = new SimHarness(
                ETCD,
                new KubeletSimOptions()
                        .nodes(2)
                        .timeScale(SCALE)
                        .podCidrFallback("10.200.0.0/16")
                        .cpu("8")
                        .memory("32Gi"));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    static Probe.Builder exec(String... cmd) {
        return Probe.newBuilder().setExec(ExecAction.newBuilder().addAllCommand(List.of(cmd)));
    }

    @Test
    void aPodsStartIsTimedAsKubesPodStartDuration() {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        h.sim.pods().recordMetricsIn(registry);
        h.create(pod("timed", NODE, "Always", container("nginx", "nginx")));
        h.await("timed", T, "Running", x -> x.getStatus().getPhase().equals("Running"));
        io.kubelite.store.testing.Poll.until(
                T,
                "kubelet_pod_start_duration_seconds counts the started pod",
                registry::scrape,
                text -> text.matches("(?s).*kubelet_pod_start_duration_seconds_count [1-9].*")
                        && text.matches("(?s).*kubelet_pod_start_duration_seconds_bucket\\{le=\"3600.0\"} [1-9].*"));
    }

    @Test
    void runningPodHasKubeletFieldsAndConditionsWithoutTouchingPodScheduled() {
        Pod created = h.create(pod(
                "web",
                NODE,
                "Always",
                container("nginx", "nginx").addPorts(ContainerPort.newBuilder().setContainerPort(80))));
        Pod p = h.await(
                "web",
                T,
                "Running and Ready",
                x -> x.getStatus().getPhase().equals("Running") && conditionTrue(x, "Ready"));
        assertThat(p.getStatus().getHostIp()).isEqualTo("127.0.0.1");
        assertThat(p.getStatus().getPodIp()).startsWith("10.200.0.");
        assertThat(p.getStatus().getPodIpsList()).hasSize(1);
        assertThat(p.getStatus().hasStartTime()).isTrue();
        assertThat(p.getStatus().getQosClass()).isEqualTo("BestEffort");
        PodCondition scheduled = condition(p, "PodScheduled");
        assertThat(scheduled).isEqualTo(condition(created, "PodScheduled"));
        for (String type : List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")) {
            PodCondition c = condition(p, type);
            assertThat(c).as(type).isNotNull();
            assertThat(c.getStatus()).as(type).isEqualTo("True");
            assertThat(c.hasLastTransitionTime()).as(type).isTrue();
            assertThat(c.hasLastProbeTime())
                    .as(type + " lastProbeTime stays null, as the kubelet leaves it")
                    .isFalse();
        }
        ContainerStatus cs = status(p, "nginx");
        assertThat(cs.getState().hasRunning()).isTrue();
        assertThat(cs.getReady()).isTrue();
        assertThat(cs.getStarted()).isTrue();
        assertThat(cs.getRestartCount()).isZero();
        assertThat(cs.getContainerId()).startsWith("containerd://");
        assertThat(cs.getImage()).isEqualTo("docker.io/library/nginx:latest");
        assertThat(cs.getImageId()).startsWith("docker.io/library/nginx@sha256:");
    }

    @Test
    void succeededAndFailedPhasesWithTerminatedStates() {
        h.create(pod("ok", NODE, "Never", sh("main", "echo done")));
        h.create(pod("bad", NODE, "Never", sh("main", "echo oops; exit 3")));
        Pod ok = h.awaitPhase("ok", "Succeeded", T);
        Pod bad = h.awaitPhase("bad", "Failed", T);
        assertThat(status(ok, "main").getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(status(ok, "main").getState().getTerminated().getExitCode()).isZero();
        assertThat(status(bad, "main").getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(status(bad, "main").getState().getTerminated().getExitCode()).isEqualTo(3);
        for (Pod p : List.of(ok, bad)) {
            PodCondition ready = condition(p, "Ready");
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("PodCompleted");
            assertThat(status(p, "main").getReady()).isFalse();
        }
    }

    @Test
    void activeDeadlineFailsThePodWithDeadlineExceeded() {
        Pod.Builder p = pod("deadline", NODE, "Always", sh("main", "sleep 600"));
        p.getSpecBuilder().setActiveDeadlineSeconds(20); // 2 s at --time-scale 10
        h.create(p);
        Pod failed = h.awaitPhase("deadline", "Failed", T);
        assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getStatus().getMessage())
                .isEqualTo("Pod was active on the node longer than the specified deadline");
    }

    @Test
    void pendingWhileImagePullsThenRunning() {
        h.create(pod("slow-pull", NODE, "Always", container("app", "registry.example/app:1"))
                .setMetadata(io.kubelite.api.ObjectMeta.newBuilder()
                        .setName("slow-pull")
                        .setNamespace("default")
                        .putAnnotations("sim.kubelite.io/image-pull-time", "20s")));
        Pod p = h.await(
                "slow-pull",
                T,
                "Pending with ContainerCreating",
                x -> x.getStatus().getPhase().equals("Pending")
                        && status(x, "app") != null
                        && status(x, "app").getState().getWaiting().getReason().equals("ContainerCreating"));
        assertThat(conditionTrue(p, "Ready")).isFalse();
        assertThat(condition(p, "Ready").getReason()).isEqualTo("ContainersNotReady");
        assertThat(condition(p, "Ready").getMessage()).isEqualTo("containers with unready status: [app]");
        h.awaitPhase("slow-pull", "Running", T);
    }

    @Test
    void imagePullFailureShowsErrImagePullThenImagePullBackOff() {
        h.create(pod("no-image", NODE, "Always", container("app", "nginx:doesnotexist"))
                .setMetadata(io.kubelite.api.ObjectMeta.newBuilder()
                        .setName("no-image")
                        .setNamespace("default")
                        .putAnnotations("sim.kubelite.io/image-pull-failures", "always")));
        h.await(
                "no-image",
                T,
                "ErrImagePull",
                x -> status(x, "app") != null
                        && status(x, "app").getState().getWaiting().getReason().equals("ErrImagePull"));
        Pod p = h.await(
                "no-image",
                T,
                "ImagePullBackOff",
                x -> status(x, "app").getState().getWaiting().getReason().equals("ImagePullBackOff"));
        assertThat(status(p, "app").getState().getWaiting().getMessage())
                .isEqualTo("Back-off pulling image \"nginx:doesnotexist\"");
        assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
    }

    @Test
    void readinessTransitionsMoveLastTransitionTimeOnlyOnChange() {
        // ready once /tmp/ready exists (after 2 s simulated = 0.2 s), unready again after 3 s more
        h.create(pod(
                "ready-flip",
                NODE,
                "Always",
                sh("app", "sleep 2; touch /tmp/ready; sleep 3; rm /tmp/ready; sleep 600")
                        .setReadinessProbe(
                                exec("cat", "/tmp/ready").setPeriodSeconds(1).setFailureThreshold(1))));
        Pod notReady = h.await(
                "ready-flip",
                T,
                "Running, not ready",
                x -> x.getStatus().getPhase().equals("Running"));
        PodCondition init = condition(notReady, "Initialized");
        Pod ready = h.await("ready-flip", T, "Ready", x -> conditionTrue(x, "Ready"));
        PodCondition r1 = condition(ready, "Ready");
        assertThat(conditionTrue(ready, "ContainersReady")).isTrue();
        assertThat(Timestamps.toMillis(r1.getLastTransitionTime()))
                .isGreaterThanOrEqualTo(Timestamps.toMillis(init.getLastTransitionTime()));
        assertThat(condition(ready, "Initialized")).isEqualTo(init);
        Pod unready = h.await("ready-flip", T, "not Ready again", x -> !conditionTrue(x, "Ready"));
        PodCondition r2 = condition(unready, "Ready");
        assertThat(r2.getReason()).isEqualTo("ContainersNotReady");
        assertThat(Timestamps.toMillis(r2.getLastTransitionTime()))
                .isGreaterThan(Timestamps.toMillis(r1.getLastTransitionTime()));
        assertThat(condition(unready, "ContainersReady").getStatus()).isEqualTo("False");
        assertThat(status(unready, "app").getReady()).isFalse();
        assertThat(status(unready, "app").getState().hasRunning()).isTrue();
        assertThat(condition(unready, "Initialized")).isEqualTo(init);
    }

    @Test
    void initContainersRunInOrderBeforeAppContainers() {
        h.create(pod("inits", NODE, "Always", sh("app", "echo app; sleep 600"))
                .setSpec(pod("inits", NODE, "Always", sh("app", "echo app; sleep 600")).getSpec().toBuilder()
                        .addInitContainers(sh("init-1", "sleep 5"))
                        .addInitContainers(sh("init-2", "sleep 3"))));
        Pod during = h.await(
                "inits",
                T,
                "init-1 running",
                x -> status(x, "init-1") != null
                        && status(x, "init-1").getState().hasRunning());
        assertThat(during.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(condition(during, "Initialized").getStatus()).isEqualTo("False");
        assertThat(condition(during, "Initialized").getReason()).isEqualTo("ContainersNotInitialized");
        assertThat(condition(during, "Initialized").getMessage())
                .isEqualTo("containers with incomplete status: [init-1 init-2]");
        assertThat(status(during, "init-2").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        assertThat(status(during, "app").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        Pod p = h.await("inits", T, "Running", x -> x.getStatus().getPhase().equals("Running"));
        var i1 = status(p, "init-1").getState().getTerminated();
        var i2 = status(p, "init-2").getState().getTerminated();
        assertThat(i1.getReason()).isEqualTo("Completed");
        assertThat(i2.getReason()).isEqualTo("Completed");
        long appStart =
                Timestamps.toMillis(status(p, "app").getState().getRunning().getStartedAt());
        assertThat(Timestamps.toMillis(i2.getStartedAt()))
                .isGreaterThanOrEqualTo(Timestamps.toMillis(i1.getFinishedAt()));
        assertThat(appStart).isGreaterThanOrEqualTo(Timestamps.toMillis(i2.getFinishedAt()));
        assertThat(Timestamps.toMillis(i1.getFinishedAt()) - Timestamps.toMillis(i1.getStartedAt()))
                .isGreaterThanOrEqualTo(400);
        assertThat(conditionTrue(p, "Initialized")).isTrue();
    }

    @Test
    void failedInitContainerFailsThePodUnderNeverAndIsRetriedOtherwise() {
        var never = pod("init-never", NODE, "Never", sh("app", "sleep 600"));
        never.getSpecBuilder().addInitContainers(sh("init", "exit 1"));
        h.create(never);
        var onFailure = pod("init-retry", NODE, "OnFailure", sh("app", "sleep 600"));
        onFailure.getSpecBuilder().addInitContainers(sh("init", "exit 1"));
        h.create(onFailure);
        Pod failed = h.awaitPhase("init-never", "Failed", T);
        assertThat(status(failed, "init").getState().getTerminated().getExitCode())
                .isEqualTo(1);
        assertThat(status(failed, "app").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        assertThat(condition(failed, "Initialized").getStatus()).isEqualTo("False");
        Pod retried = h.await(
                "init-retry",
                T,
                "init restarted twice",
                x -> status(x, "init") != null && status(x, "init").getRestartCount() >= 2);
        assertThat(retried.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(status(retried, "app").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
    }

    @Test
    void restartPolicyByExitCodeMatrix() {
        String[] policies = {"Always", "OnFailure", "Never"};
        int[] codes = {0, 1};
        for (String policy : policies) {
            for (int code : codes) {
                h.create(pod(
                        ("m-" + policy + "-" + code).toLowerCase(),
                        "sim-node-1",
                        policy,
                        sh("c", "sleep 1; exit " + code)));
            }
        }
        // restarts expected: Always (0 and 1), OnFailure (1); terminal: OnFailure/0 Succeeded, Never/0 Succeeded,
        // Never/1 Failed
        h.awaitPhase("m-onfailure-0", "Succeeded", T);
        h.awaitPhase("m-never-0", "Succeeded", T);
        h.awaitPhase("m-never-1", "Failed", T);
        for (String name : List.of("m-always-0", "m-always-1", "m-onfailure-1")) {
            Pod p = h.await(
                    name,
                    T,
                    "restarted",
                    x -> status(x, "c") != null && status(x, "c").getRestartCount() >= 1);
            assertThat(p.getStatus().getPhase()).as(name).isEqualTo("Running");
            assertThat(status(p, "c").getLastState().hasTerminated()).as(name).isTrue();
        }
        for (String name : List.of("m-onfailure-0", "m-never-0", "m-never-1")) {
            assertThat(status(h.get(name), "c").getRestartCount()).as(name).isZero();
        }
    }

    @Test
    void crashLoopBackOffDoublesFromTenSeconds() {
        long t0 = System.currentTimeMillis();
        h.create(pod("crash", "sim-node-1", "Always", sh("c", "exit 1")));
        // restarts at ~0 s, then after 10 s, 20 s (scaled: 0, 1, 2): restartCount 3 takes >= 3 s
        Pod p = h.await(
                "crash",
                T,
                "CrashLoopBackOff",
                x -> status(x, "c") != null
                        && status(x, "c").getState().getWaiting().getReason().equals("CrashLoopBackOff"));
        String msg = status(p, "c").getState().getWaiting().getMessage();
        assertThat(msg).matches("back-off (10|20)s restarting failed container=c pod=crash_default\\(.*\\)");
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        assertThat(status(p, "c").getLastState().getTerminated().getExitCode()).isEqualTo(1);
        h.await("crash", T, "restartCount 3", x -> status(x, "c").getRestartCount() >= 3);
        long took = System.currentTimeMillis() - t0;
        assertThat(took).as("0 + 10 s + 20 s of back-off at scale 10").isGreaterThanOrEqualTo(2_900);
        Pod later = h.await(
                "crash",
                T,
                "back-off 40s",
                x -> status(x, "c").getState().getWaiting().getMessage().startsWith("back-off 40s"));
        assertThat(status(later, "c").getRestartCount()).isEqualTo(3);
    }

    @Test
    void livenessExecProbeRestartsTheDocumentedExample() {
        // kubernetes.io "Define a liveness command": periodSeconds 5, initialDelaySeconds 5
        long t0 = System.currentTimeMillis();
        h.create(pod(
                "liveness-exec",
                "sim-node-1",
                "Always",
                sh("liveness", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600")
                        .setLivenessProbe(exec("cat", "/tmp/healthy")
                                .setInitialDelaySeconds(5)
                                .setPeriodSeconds(5))));
        Pod p = h.await(
                "liveness-exec",
                T,
                "restarted by liveness",
                x -> status(x, "liveness") != null && status(x, "liveness").getRestartCount() >= 1);
        assertThat(System.currentTimeMillis() - t0).isGreaterThanOrEqualTo(3_000L);
        var last = status(p, "liveness").getLastState().getTerminated();
        // the file goes at 30 s; 3 failures 5 s apart: killed between ~35 and ~50 s simulated (3.5-5 s here)
        long ran = Timestamps.toMillis(last.getFinishedAt()) - Timestamps.toMillis(last.getStartedAt());
        assertThat(ran).isBetween(3_400L, 5_500L);
        assertThat(last.getExitCode()).isEqualTo(137);
        assertThat(last.getReason()).isEqualTo("Error");
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        // the documentation's `kubectl describe pod liveness-exec` shows these kubelet Events
        String uid = p.getMetadata().getUid();
        io.kubelite.store.testing.Poll.until(
                java.time.Duration.ofSeconds(10), "the kubelet's events for liveness-exec", () -> {
                    java.util.Map<String, io.kubelite.api.Event> byReason = new java.util.HashMap<>();
                    for (io.kubelite.api.Event e : h.store
                            .of(EventKind.RESOURCE)
                            .list(io.kubelite.store.ListOptions.inNamespace("default"))
                            .join()
                            .items()) {
                        if (e.getInvolvedObject().getUid().equals(uid)) {
                            byReason.put(e.getReason(), e);
                        }
                    }
                    if (!byReason.keySet()
                            .containsAll(java.util.List.of("Pulled", "Created", "Started", "Unhealthy", "Killing"))) {
                        return false;
                    }
                    io.kubelite.api.Event unhealthy = byReason.get("Unhealthy");
                    assertThat(unhealthy.getType()).isEqualTo("Warning");
                    assertThat(unhealthy.getMessage())
                            .isEqualTo(
                                    "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
                    assertThat(unhealthy.getCount()).isGreaterThanOrEqualTo(1);
                    assertThat(unhealthy.getSource().getComponent()).isEqualTo("kubelet");
                    assertThat(unhealthy.getSource().getHost()).isEqualTo("sim-node-1");
                    assertThat(unhealthy.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{liveness}");
                    assertThat(byReason.get("Killing").getMessage())
                            .isEqualTo("Container liveness failed liveness probe, will be restarted");
                    assertThat(byReason.get("Started").getMessage()).isEqualTo("Started container liveness");
                    return true;
                });
    }

    @Test
    void probesOfEachKindInEachRole() {
        ContainerPort http = ContainerPort.newBuilder()
                .setName("http")
                .setContainerPort(8080)
                .build();
        // readiness: tcp on a declared port passes; httpGet with 500 fails; exec passes
        h.create(pod(
                "ready-tcp",
                NODE,
                "Always",
                container("s", "server")
                        .addPorts(http)
                        .setReadinessProbe(Probe.newBuilder()
                                .setTcpSocket(TCPSocketAction.newBuilder().setPort(IntOrString.of("http")))
                                .setPeriodSeconds(1))));
        var http500 = pod(
                "ready-http-500",
                NODE,
                "Always",
                container("s", "server")
                        .addPorts(http)
                        .setReadinessProbe(Probe.newBuilder()
                                .setHttpGet(HTTPGetAction.newBuilder()
                                        .setPath("/healthz")
                                        .setPort(IntOrString.of(8080)))
                                .setPeriodSeconds(1)));
        http500.getMetadataBuilder().putAnnotations("sim.kubelite.io/http-status", "500");
        h.create(http500);
        h.create(pod(
                "ready-exec",
                NODE,
                "Always",
                sh("s", "touch /tmp/ok; sleep 600")
                        .setReadinessProbe(exec("test", "-f", "/tmp/ok").setPeriodSeconds(1))));
        // liveness: httpGet turning 500 after 3 s kills; tcp on an undeclared port kills; exec ok keeps running
        var liveHttp = pod(
                "live-http",
                NODE,
                "Always",
                container("s", "server")
                        .addPorts(http)
                        .setLivenessProbe(Probe.newBuilder()
                                .setHttpGet(HTTPGetAction.newBuilder().setPort(IntOrString.of("http")))
                                .setPeriodSeconds(1)));
        liveHttp.getMetadataBuilder().putAnnotations("sim.kubelite.io/http-status", "200,500@3s");
        h.create(liveHttp);
        h.create(pod(
                "live-tcp",
                NODE,
                "Always",
                container("s", "server")
                        .addPorts(http)
                        .setLivenessProbe(Probe.newBuilder()
                                .setTcpSocket(TCPSocketAction.newBuilder().setPort(IntOrString.of(9999)))
                                .setPeriodSeconds(1))));
        // startup: exec succeeding after 3 s holds liveness back; httpGet never answering restarts the container
        h.create(pod(
                "startup-exec",
                NODE,
                "Always",
                sh("s", "sleep 3; touch /tmp/started; sleep 600")
                        .setStartupProbe(
                                exec("cat", "/tmp/started").setPeriodSeconds(1).setFailureThreshold(30))
                        .setLivenessProbe(
                                exec("cat", "/tmp/started").setPeriodSeconds(1).setFailureThreshold(1))));
        var startupHttp = pod(
                "startup-http",
                NODE,
                "Always",
                container("s", "server")
                        .addPorts(http)
                        .setStartupProbe(Probe.newBuilder()
                                .setHttpGet(HTTPGetAction.newBuilder().setPort(IntOrString.of(8080)))
                                .setPeriodSeconds(1)
                                .setFailureThreshold(3)));
        startupHttp.getMetadataBuilder().putAnnotations("sim.kubelite.io/startup-time", "1h");
        h.create(startupHttp);

        h.await("ready-tcp", T, "ready", x -> conditionTrue(x, "Ready"));
        h.await("ready-exec", T, "ready", x -> conditionTrue(x, "Ready"));
        h.await(
                "live-http",
                T,
                "restarted",
                x -> status(x, "s") != null && status(x, "s").getRestartCount() >= 1);
        h.await(
                "live-tcp",
                T,
                "restarted",
                x -> status(x, "s") != null && status(x, "s").getRestartCount() >= 1);
        h.await(
                "startup-http",
                T,
                "restarted",
                x -> status(x, "s") != null && status(x, "s").getRestartCount() >= 1);
        Pod started = h.await("startup-exec", T, "started and ready", x -> conditionTrue(x, "Ready"));
        assertThat(status(started, "s").getStarted()).isTrue();
        assertThat(status(started, "s").getRestartCount())
                .as("liveness waited for the startup probe")
                .isZero();
        Pod unready = h.await(
                "ready-http-500", T, "running", x -> x.getStatus().getPhase().equals("Running"));
        assertThat(conditionTrue(unready, "Ready")).isFalse();
        assertThat(status(h.get("ready-http-500"), "s").getReady()).isFalse();
        assertThat(status(h.get("startup-http"), "s").getStarted()).isFalse();
    }

    @Test
    void outOfCpuAndPodsAdmission() {
        h.create(pod(
                "big",
                "sim-node-1",
                "Always",
                container("c", "nginx")
                        .setResources(ResourceRequirements.newBuilder()
                                .putRequests("cpu", "6")
                                .putRequests("memory", "1Gi"))));
        h.awaitPhase("big", "Running", T);
        h.create(pod(
                "too-big",
                "sim-node-1",
                "Always",
                container("c", "nginx")
                        .setResources(ResourceRequirements.newBuilder().putRequests("cpu", "3"))));
        Pod p = h.awaitPhase("too-big", "Failed", T);
        assertThat(p.getStatus().getReason()).isEqualTo("OutOfcpu");
        assertThat(p.getStatus().getMessage())
                .startsWith("Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: ")
                .endsWith(", capacity: 8000");
        assertThat(p.getStatus().getPodIp()).isEmpty();
    }

    @Test
    void gracefulDeletionStopsContainersThenRemovesThePod() {
        var slow = pod("graceful", NODE, "Always", container("s", "server"));
        slow.getMetadataBuilder().putAnnotations("sim.kubelite.io/termination-time", "5s");
        h.create(slow);
        h.create(pod("quick", NODE, "Always", sh("s", "sleep 600")));
        h.awaitPhase("graceful", "Running", T);
        h.awaitPhase("quick", "Running", T);
        String ip = h.get("quick").getStatus().getPodIp();
        long t0 = System.currentTimeMillis();
        h.deleteGracefully("graceful", 30);
        h.deleteGracefully("quick", 30);
        io.kubelite.store.testing.Poll.until(T, "quick removed", () -> h.get("quick") == null);
        io.kubelite.store.testing.Poll.until(T, "graceful removed", () -> h.get("graceful") == null);
        assertThat(System.currentTimeMillis() - t0)
                .as("termination-time 5s at scale 10")
                .isGreaterThanOrEqualTo(450);
        // a new pod may get the freed IP; the IP is no longer held
        h.create(pod("after-delete", NODE, "Always", sh("s", "sleep 600")));
        assertThat(h.awaitPhase("after-delete", "Running", T).getStatus().getPodIp())
                .isNotEqualTo("");
        assertThat(ip).isNotEmpty();
    }

    @Test
    void containerLogsAreServedCurrentAndPrevious() throws Exception {
        h.create(pod("logger", NODE, "Always", sh("c", "echo line-1; echo line-2; echo line-3; sleep 1; exit 1")));
        h.await(
                "logger",
                T,
                "restarted",
                x -> status(x, "c") != null && status(x, "c").getRestartCount() >= 1);
        int port = h.listNodes().stream()
                .filter(n -> n.getMetadata().getName().equals(NODE))
                .findFirst()
                .orElseThrow()
                .getStatus()
                .getDaemonEndpoints()
                .getKubeletEndpoint()
                .getPort();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> prev = client.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/containerLogs/default/logger/c?previous=true"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prev.statusCode()).isEqualTo(200);
        assertThat(prev.body()).isEqualTo("line-1\nline-2\nline-3\n");
        HttpResponse<String> tail = client.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/containerLogs/default/logger/c?tailLines=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tail.body()).isEqualTo("line-3\n");
        HttpResponse<String> missing = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/containerLogs/default/nope/c"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
