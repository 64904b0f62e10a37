package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs and CronJobs as the real {@code kubectl} drives them: {@code create job} (also
 * {@code --from=cronjob/x}), {@code wait --for=condition=complete}, {@code get jobs} and
 * {@code get cronjobs} with kubectl's columns, {@code create cronjob}, cascading delete. Real:
 * kubectl, the API server, etcd and the controller-manager's Job, CronJob and garbage-collector
 * controllers (in this JVM); a loop here stands in for the scheduler and kubelet and runs each
 * pod to a successful end.
 */
@Timeout(300)
class KubectlJobTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(60);

    static TestApiServer api;
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
        controllerManager =
                InProcessControllerManager.start(CLUSTER, "cm-kubectl-jobs", "job,cronjob,garbagecollector");
        NodeAgents agents = new NodeAgents(api.store());
        kubelet = StandInKubelet.start(() -> {
            for (Pod p : pods()) {
                if (p.getMetadata().hasDeletionTimestamp()) {
                    if (p.getMetadata().getFinalizersCount() == 0) {
                        agents.finishDeletion(p);
                    }
                } else if (!p.getStatus().getPhase().equals("Succeeded")) {
                    succeed(p);
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (controllerManager != null) {
            controllerManager.close();
        }
    }

    static List<Pod> pods() {
        return NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>inNamespace("default")))
                .items();
    }

    /** The kubelet's status of a container that ran and exited 0, on node-1. */
    static void succeed(Pod p) {
        com.google.protobuf.Timestamp now = com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Instant.now().getEpochSecond())
                .build();
        NodeAgents.join(api.store()
                .of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        p.getMetadata().getNamespace(), p.getMetadata().getName(), c -> {
                            Pod.Builder b = c.toBuilder();
                            b.getSpecBuilder().setNodeName("node-1");
                            b.getStatusBuilder()
                                    .setPhase("Succeeded")
                                    .clearContainerStatuses()
                                    .addContainerStatuses(ContainerStatus.newBuilder()
                                            .setName(
                                                    c.getSpec().getContainers(0).getName())
                                            .setImage(
                                                    c.getSpec().getContainers(0).getImage())
                                            .setState(ContainerState.newBuilder()
                                                    .setTerminated(ContainerStateTerminated.newBuilder()
                                                            .setExitCode(0)
                                                            .setReason("Completed")
                                                            .setStartedAt(now)
                                                            .setFinishedAt(now))))
                                    .clearConditions()
                                    .addConditions(PodCondition.newBuilder()
                                            .setType("Ready")
                                            .setStatus("False"));
                            return b.build();
                        }));
    }

    static List<String> cells(String line) {
        return Arrays.asList(line.trim().split("\\s{2,}"));
    }

    @Test
    void aJobRunsToCompletion() {
        assertThat(kubectl.run("create", "job", "pi", "--image=busybox", "--", "sh", "-c", "exit 0")
                        .ok())
                .isEqualTo("job.batch/pi created\n");
        assertThat(kubectl.run("wait", "--for=condition=complete", "job/pi", "--timeout=60s")
                        .ok())
                .isEqualTo("job.batch/pi condition met\n");
        List<String> lines = kubectl.run("get", "jobs", "pi").ok().lines().toList();
        assertThat(cells(lines.get(0))).containsExactly("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE");
        List<String> row = cells(lines.get(1));
        assertThat(row.subList(0, 3)).containsExactly("pi", "Complete", "1/1");
        assertThat(row.get(3)).matches("\\d+s");

        assertThat(kubectl.run("delete", "job", "pi").ok()).isEqualTo("job.batch \"pi\" deleted\n");
        Poll.until(
                WAIT,
                "the Job's pods garbage-collected",
                () -> pods().stream().map(p -> p.getMetadata().getName()).toList(),
                names -> names.stream().noneMatch(n -> n.startsWith("pi-")));
    }

    private static final String INDEXED_JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: %s
            spec:
              completionMode: %s
              completions: 3
              parallelism: 3
              backoffLimitPerIndex: 1
              successPolicy:
                rules:
                - succeededCount: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: work
                    image: busybox
            """;

    @Test
    void anIndexedJobWithASuccessPolicyAndPerIndexBackoff() {
        Kubectl.Result bad =
                kubectl.run(String.format(INDEXED_JOB, "plain", "NonIndexed"), java.util.Map.of(), "apply", "-f", "-");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err())
                .contains("The Job \"plain\" is invalid: ")
                .contains("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode")
                .contains("spec.successPolicy: Invalid value: requires indexed completion mode");

        assertThat(kubectl.run(String.format(INDEXED_JOB, "leaders", "Indexed"), java.util.Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("job.batch/leaders created\n");
        assertThat(kubectl.run("wait", "--for=condition=complete", "job/leaders", "--timeout=60s")
                        .ok())
                .isEqualTo("job.batch/leaders condition met\n");
        assertThat(kubectl.run(
                                "get",
                                "job",
                                "leaders",
                                "-o",
                                "jsonpath={.spec.backoffLimit} {.status.conditions[*].reason} [{.status.failedIndexes}]")
                        .ok())
                .as("backoffLimit defaults to MaxInt32; the success policy completes the Job")
                .isEqualTo("2147483647 SuccessPolicy SuccessPolicy []");
        kubectl.run("delete", "job", "leaders").ok();
    }

    @Test
    void aCronJobAndAJobFromIt() {
        assertThat(kubectl.run(
                                "create",
                                "cronjob",
                                "hello",
                                "--image=busybox",
                                "--schedule=*/5 * * * *",
                                "--",
                                "echo",
                                "hello")
                        .ok())
                .isEqualTo("cronjob.batch/hello created\n");
        List<String> lines =
                kubectl.run("get", "cronjobs", "hello").ok().lines().toList();
        assertThat(cells(lines.get(0)))
                .containsExactly("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE");
        assertThat(cells(lines.get(1)).subList(0, 6))
                .containsExactly("hello", "*/5 * * * *", "<none>", "False", "0", "<none>");

        assertThat(kubectl.run("create", "job", "manual", "--from=cronjob/hello")
                        .ok())
                .isEqualTo("job.batch/manual created\n");
        assertThat(kubectl.run("wait", "--for=condition=complete", "job/manual", "--timeout=60s")
                        .ok())
                .isEqualTo("job.batch/manual condition met\n");
        assertThat(kubectl.run(
                                "get",
                                "job",
                                "manual",
                                "-o",
                                "jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate} "
                                        + "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}")
                        .ok())
                .isEqualTo("manual CronJob/hello");
    }
}
