package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Deployment;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deployments as the real {@code kubectl} drives them: create, get (and -o wide), set image,
 * rollout status/history/undo/pause/resume/restart, scale. Real: kubectl, the API server, etcd and
 * the controller-manager's ReplicaSet, Deployment and garbage-collector controllers (in this JVM).
 * Not running: the scheduler and kubelet-sim; a loop here stands in for the kubelet by making the
 * Deployment's pods Running and Ready — at most {@link #readyBudget} of them, so that the test can
 * hold a rollout at a step and read what {@code kubectl rollout status} says there.
 */
@Timeout(300)
class KubectlDeploymentTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(60);

    static TestApiServer api;
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;
    /** How many of the Deployment's pods may be Ready at once. */
    static volatile int readyBudget = Integer.MAX_VALUE;

    @BeforeAll
    static void start() throws Exception {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
        controllerManager =
                InProcessControllerManager.start(CLUSTER, "cm-kubectl", "replicaset,deployment,garbagecollector");
        NodeAgents agents = new NodeAgents(api.store());
        kubelet = StandInKubelet.start(() -> {
            List<Pod> pods = pods();
            long ready = pods.stream().filter(KubectlDeploymentTest::ready).count();
            for (Pod p : pods) {
                if (!ready(p) && ready < readyBudget) {
                    agents.markRunningAndReady("default", p.getMetadata().getName());
                    ready++;
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
                .items()
                .stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .toList();
    }

    static boolean ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static List<ReplicaSet> replicaSets() {
        return NodeAgents.join(
                        api.store().of(ReplicaSetKind.RESOURCE).list(ListOptions.<ReplicaSet>inNamespace("default")))
                .items();
    }

    static Deployment web() {
        return NodeAgents.join(api.store().of(DeploymentKind.RESOURCE).get("default", "web"));
    }

    static String image() {
        return kubectl.run("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
                .ok();
    }

    static String rolloutStatus() {
        return kubectl.run("rollout", "status", "deployment/web", "--timeout=60s")
                .ok();
    }

    /** {@code kubectl rollout history} rows: revision numbers, oldest first. */
    static List<String> revisions() {
        String out = kubectl.run("rollout", "history", "deployment/web").ok();
        assertThat(out).startsWith("deployment.apps/web \nREVISION  CHANGE-CAUSE\n");
        return out.lines()
                .skip(2)
                .filter(l -> !l.isBlank())
                .map(l -> l.split("\\s+")[0])
                .toList();
    }

    static List<String> cells(String line) {
        return Arrays.asList(line.trim().split("\\s{2,}"));
    }

    @Test
    void aDeploymentsLifeThroughKubectl() throws Exception {
        // create, held at one ready pod: rollout status says what kube's says, then succeeds
        readyBudget = 1;
        assertThat(kubectl.run("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3")
                        .ok())
                .isEqualTo("deployment.apps/web created\n");
        try (Kubectl.Background status = kubectl.start("rollout", "status", "deployment/web", "--timeout=60s")) {
            status.awaitLine(
                    l -> l.equals(
                            "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available..."),
                    WAIT);
            readyBudget = Integer.MAX_VALUE;
            status.awaitLine(l -> l.equals("deployment \"web\" successfully rolled out"), WAIT);
        }

        // get: kube's columns
        List<String> lines = kubectl.run("get", "deploy").ok().lines().toList();
        assertThat(cells(lines.get(0))).containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
        assertThat(cells(lines.get(1)).subList(0, 4)).containsExactly("web", "3/3", "3", "3");
        List<String> wide =
                kubectl.run("get", "deployments", "-o", "wide").ok().lines().toList();
        assertThat(cells(wide.get(0)))
                .containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR");
        assertThat(cells(wide.get(1))).endsWith("nginx", "nginx:1.25", "app=web");
        assertThat(replicaSets())
                .hasSize(1)
                .allSatisfy(rs -> assertThat(rs.getMetadata().getName())
                        .isEqualTo("web-" + rs.getMetadata().getLabelsMap().get("pod-template-hash")));

        // set image, held at the surge pod: "1 out of 3 new replicas have been updated"
        readyBudget = 3;
        assertThat(kubectl.run("set", "image", "deployment/web", "nginx=nginx:1.27")
                        .ok())
                .isEqualTo("deployment.apps/web image updated\n");
        try (Kubectl.Background status = kubectl.start("rollout", "status", "deployment/web", "--timeout=60s")) {
            status.awaitLine(
                    l -> l.equals(
                            "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..."),
                    WAIT);
            readyBudget = Integer.MAX_VALUE;
            status.awaitLine(l -> l.equals("deployment \"web\" successfully rolled out"), WAIT);
        }
        assertThat(image()).isEqualTo("nginx:1.27");
        assertThat(revisions()).containsExactly("1", "2");

        // undo: back to revision 1's template, which becomes revision 3
        assertThat(kubectl.run("rollout", "undo", "deployment/web").ok())
                .isEqualTo("deployment.apps/web rolled back\n");
        assertThat(rolloutStatus()).endsWith("deployment \"web\" successfully rolled out\n");
        assertThat(image()).isEqualTo("nginx:1.25");
        assertThat(revisions()).containsExactly("2", "3");
        assertThat(replicaSets()).as("no ReplicaSet beyond the two templates").hasSize(2);
        assertThat(kubectl.run("rollout", "undo", "deployment/web", "--to-revision=2")
                        .ok())
                .isEqualTo("deployment.apps/web rolled back\n");
        assertThat(rolloutStatus()).endsWith("deployment \"web\" successfully rolled out\n");
        assertThat(image()).isEqualTo("nginx:1.27");
        assertThat(revisions()).containsExactly("3", "4");
        assertThat(kubectl.run("rollout", "history", "deployment/web", "--revision=4")
                        .ok())
                .contains("Image:", "nginx:1.27", "pod-template-hash=");

        // pause: a new template waits; undo refuses; resume rolls it out
        assertThat(kubectl.run("rollout", "pause", "deployment/web").ok()).isEqualTo("deployment.apps/web paused\n");
        kubectl.run("set", "image", "deployment/web", "nginx=nginx:1.28").ok();
        Poll.holds(
                Duration.ofSeconds(2),
                "no new ReplicaSet while paused",
                () -> assertThat(replicaSets()).hasSize(2));
        Kubectl.Result refused = kubectl.run("rollout", "undo", "deployment/web");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err())
                .contains("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and"
                        + " try again");
        assertThat(kubectl.run("rollout", "resume", "deployment/web").ok()).isEqualTo("deployment.apps/web resumed\n");
        assertThat(rolloutStatus()).endsWith("deployment \"web\" successfully rolled out\n");
        assertThat(revisions()).containsExactly("3", "4", "5");

        // restart: a new template (the restartedAt annotation), a new revision
        assertThat(kubectl.run("rollout", "restart", "deployment/web").ok())
                .isEqualTo("deployment.apps/web restarted\n");
        assertThat(rolloutStatus()).endsWith("deployment \"web\" successfully rolled out\n");
        assertThat(web().getSpec().getTemplate().getMetadata().getAnnotationsMap())
                .containsKey("kubectl.kubernetes.io/restartedAt");
        assertThat(revisions()).containsExactly("3", "4", "5", "6");

        // scale through the scale subresource
        assertThat(kubectl.run("scale", "deploy", "web", "--replicas=5").ok())
                .isEqualTo("deployment.apps/web scaled\n");
        assertThat(rolloutStatus()).endsWith("deployment \"web\" successfully rolled out\n");
        List<String> scaled = kubectl.run("get", "deploy", "web").ok().lines().toList();
        assertThat(cells(scaled.get(1)).subList(0, 4)).containsExactly("web", "5/5", "5", "5");
        assertThat(kubectl.run("get", "deploy", "web", "-o", "jsonpath={.status.conditions[*].reason}")
                        .ok())
                .contains("MinimumReplicasAvailable", "NewReplicaSetAvailable");

        // describe: kubectl's own describer over the Deployment, its ReplicaSets and events
        String described = kubectl.run("describe", "deployment", "web").ok();
        assertThat(described)
                .contains("Replicas:", "5 desired | 5 updated | 5 total | 5 available | 0 unavailable")
                .contains("StrategyType:", "RollingUpdate")
                .contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge")
                .contains("NewReplicaSet:", "ScalingReplicaSet");

        // the documentation's manifest: kubectl apply (client-side, three-way strategic merge) twice
        String manifest = Files.readString(
                Path.of("..", "examples", "deployment.yaml").toAbsolutePath().normalize());
        assertThat(kubectl.run(manifest, Map.of(), "apply", "-f", "-").ok()).isEqualTo("deployment.apps/api created\n");
        assertThat(kubectl.run("rollout", "status", "deployment/api", "--timeout=60s")
                        .ok())
                .endsWith("deployment \"api\" successfully rolled out\n");
        assertThat(kubectl.run(manifest.replace("nginx:1.25", "nginx:1.27"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("deployment.apps/api configured\n");
        assertThat(kubectl.run("rollout", "status", "deployment/api", "--timeout=60s")
                        .ok())
                .endsWith("deployment \"api\" successfully rolled out\n");
        assertThat(kubectl.run("get", "deploy", "api", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
                        .ok())
                .isEqualTo("nginx:1.27");
        kubectl.run("delete", "deployment", "api").ok();

        // delete: the ReplicaSets and pods go with it
        kubectl.run("delete", "deployment", "web").ok();
        Poll.until(WAIT, "ReplicaSets and pods collected", () -> replicaSets().size() + pods().size(), n -> n == 0);
    }
}
