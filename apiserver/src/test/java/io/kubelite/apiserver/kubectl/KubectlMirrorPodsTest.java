package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.mirror.EtcdMemberMirrorPods;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.store.runtime.HealthServer;
import io.kubelite.store.runtime.LogBuffer;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.runtime.mirror.MirrorPodPublisher;
import io.kubelite.store.runtime.mirror.ProcessMirrorPod;
import io.kubelite.store.testing.Poll;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl sees a kubelite process as a mirror pod in kube-system: {@code get pods}
 * lists it, {@code logs} shows the process's own log (its health server's {@code /logs}),
 * and a deleted mirror pod comes back, as kube's do. The etcd member shows as
 * {@code etcd-<member>}, Running 1/1, whose {@code logs} say they are not served.
 */
class KubectlMirrorPodsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();
    static LogBuffer logs;
    static HealthServer health;
    static MirrorPodPublisher publisher;
    static EtcdMemberMirrorPods etcdPods;
    static String pod;
    static String etcdPod;

    @BeforeAll
    static void start() throws Exception {
        logs = new LogBuffer(100, 100_000);
        for (int i = 1; i <= 5; i++) {
            logs.append("line " + i + " of the scheduler's log");
        }
        ReadinessChecks readiness = new ReadinessChecks();
        health = new HealthServer(
                "127.0.0.1", 0, readiness, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), logs);
        health.start();
        ProcessMirrorPod source = new ProcessMirrorPod(
                "scheduler",
                "sched-1",
                "testhost",
                List.of("kubelite", "scheduler", "--id", "sched-1"),
                health.port(),
                Instant.now(),
                () -> true);
        pod = source.name();
        publisher = new MirrorPodPublisher(
                CLUSTER.etcd(), Duration.ofSeconds(5), Duration.ofMillis(300), Clock.systemUTC());
        publisher.add(source);
        etcdPods = new EtcdMemberMirrorPods(CLUSTER.etcd(), "testhost", Duration.ofSeconds(1));
        publisher.add(etcdPods);
        publisher.start();
        String member = CLUSTER.etcd()
                .client()
                .getClusterClient()
                .listMember()
                .get(10, TimeUnit.SECONDS)
                .getMembers()
                .get(0)
                .getName();
        etcdPod = "etcd-" + MirrorPods.nameSegment(member);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {publisher, etcdPods, health}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private String getPods() {
        return kubectl.run("get", "pods", "-n", "kube-system", "-o", "name").ok();
    }

    @Test
    void getPodsListsTheProcessAndLogsShowItsLog() {
        Poll.until(
                Duration.ofSeconds(20),
                "kubectl get pods -n kube-system lists " + pod,
                () -> getPods(),
                out -> out.contains("pod/" + pod + "\n"));
        assertThat(kubectl.run(
                                "get",
                                "pod",
                                pod,
                                "-n",
                                "kube-system",
                                "-o",
                                "jsonpath={.metadata.labels.component} "
                                        + "{.metadata.annotations.kubernetes\\.io/config\\.source} {.status.phase} "
                                        + "{.status.conditions[?(@.type==\"Ready\")].status}")
                        .ok())
                .isEqualTo("kube-scheduler kubelite Running True");
        assertThat(kubectl.run("logs", "-n", "kube-system", pod).ok())
                .startsWith("line 1 of")
                .contains("line 5 of");
        assertThat(kubectl.run("logs", "-n", "kube-system", pod, "--tail=2").ok())
                .isEqualTo("line 4 of the scheduler's log\nline 5 of the scheduler's log\n");
    }

    @Test
    void theEtcdMemberIsARunningPodWhoseLogIsNotServed() {
        String row = Poll.until(
                Duration.ofSeconds(20),
                "kubectl get pods -n kube-system shows " + etcdPod + " Running 1/1",
                () -> kubectl.run("get", "pods", "-n", "kube-system", "--no-headers")
                        .ok()
                        .lines()
                        .filter(l -> l.startsWith(etcdPod + " "))
                        .findFirst()
                        .orElse(""),
                l -> l.matches(Pattern.quote(etcdPod) + "\\s+1/1\\s+Running\\s+0\\s+\\S+"));
        assertThat(row).startsWith(etcdPod);
        assertThat(kubectl.run(
                                "get",
                                "pod",
                                etcdPod,
                                "-n",
                                "kube-system",
                                "-o",
                                "jsonpath={.metadata.labels.component} {.spec.containers[0].name} "
                                        + "{.spec.priorityClassName} {.spec.hostNetwork}")
                        .ok())
                .isEqualTo("etcd etcd system-node-critical true");

        Kubectl.Result logs = kubectl.run("logs", "-n", "kube-system", etcdPod);
        assertThat(logs.exitCode()).isNotZero();
        assertThat(logs.err())
                .startsWith("Error from server (BadRequest): etcd's log is not served by kubelite: pod " + etcdPod);
    }

    @Test
    void aDeletedMirrorPodComesBack() {
        Poll.until(Duration.ofSeconds(20), "mirror pod listed", () -> getPods(), out -> out.contains("pod/" + pod));
        String uid = kubectl.run("get", "pod", pod, "-n", "kube-system", "-o", "jsonpath={.metadata.uid}")
                .ok();
        assertThat(kubectl.run("delete", "pod", pod, "-n", "kube-system", "--wait=false")
                        .ok())
                .contains("deleted");
        Poll.until(
                Duration.ofSeconds(20),
                "mirror pod re-created by its publisher",
                () -> kubectl.run("get", "pod", pod, "-n", "kube-system", "-o", "jsonpath={.metadata.uid}")
                        .out(),
                out -> !out.isEmpty() && !out.equals(uid));
    }
}
