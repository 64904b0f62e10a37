package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * StatefulSets as the real {@code kubectl} drives them: {@code apply -f} of kubernetes.io's
 * StatefulSet basics example ({@code examples/statefulset.yaml}: the headless Service nginx and
 * the StatefulSet web), get (and -o wide), rollout status, scale, a partitioned image update.
 * Real: kubectl, the API server, etcd and the controller-manager's StatefulSet and garbage-collector
 * controllers (in this JVM). A loop here stands in for the kubelet by making pods Running and Ready
 * — only while {@link #kubeletOn}, so that the test can hold the set at a step and read what
 * {@code kubectl rollout status} says there.
 */
@Timeout(300)
class KubectlStatefulSetTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(60);

    static TestApiServer api;
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;
    static volatile boolean kubeletOn = true;

    @BeforeAll
    static void start() throws Exception {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
        controllerManager = InProcessControllerManager.start(CLUSTER, "cm-kubectl-sts", "statefulset,garbagecollector");
        NodeAgents agents = new NodeAgents(api.store());
        kubelet = StandInKubelet.start(() -> {
            for (Pod p : allPods()) {
                if (p.getMetadata().hasDeletionTimestamp()) {
                    // the kubelet's last word on a terminating pod: remove it
                    NodeAgents.join(api.store()
                            .of(PodKind.RESOURCE)
                            .delete("default", p.getMetadata().getName()));
                } else if (kubeletOn && !ready(p)) {
                    agents.markRunningAndReady("default", p.getMetadata().getName());
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

    static List<Pod> allPods() {
        return NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>inNamespace("default")))
                .items();
    }

    /** The live pods' names, by ordinal. */
    static List<String> podNames() {
        return allPods().stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .map(p -> p.getMetadata().getName())
                .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1))))
                .toList();
    }

    static boolean ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static List<String> cells(String line) {
        return Arrays.asList(line.trim().split("\\s{2,}"));
    }

    @Test
    void theStatefulSetBasicsExampleThroughKubectl() throws Exception {
        String manifest = Files.readString(
                Path.of("..", "examples", "statefulset.yaml").toAbsolutePath().normalize());

        // apply, held at web-0 created and not ready: rollout status waits, web-1 is not created
        kubeletOn = false;
        assertThat(kubectl.run(manifest, Map.of(), "apply", "-f", "-").ok())
                .isEqualTo("service/nginx created\nstatefulset.apps/web created\n");
        try (Kubectl.Background status = kubectl.start("rollout", "status", "sts/web", "--timeout=60s")) {
            status.awaitLine(l -> l.equals("Waiting for 2 pods to be ready..."), WAIT);
            assertThat(podNames()).containsExactly("web-0");
            kubeletOn = true;
            status.awaitLine(l -> l.equals("partitioned roll out complete: 2 new pods have been updated..."), WAIT);
        }
        assertThat(podNames()).containsExactly("web-0", "web-1");
        assertThat(kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.spec.hostname}.{.spec.subdomain}")
                        .ok())
                .isEqualTo("web-1.nginx");
        assertThat(kubectl.run("get", "svc", "nginx", "-o", "jsonpath={.spec.clusterIP}")
                        .ok())
                .isEqualTo("None");

        // get: kube's columns
        List<String> lines = kubectl.run("get", "sts").ok().lines().toList();
        assertThat(cells(lines.get(0))).containsExactly("NAME", "READY", "AGE");
        assertThat(cells(lines.get(1)).subList(0, 2)).containsExactly("web", "2/2");
        List<String> wide =
                kubectl.run("get", "statefulsets", "-o", "wide").ok().lines().toList();
        assertThat(cells(wide.get(0))).containsExactly("NAME", "READY", "AGE", "CONTAINERS", "IMAGES");
        assertThat(cells(wide.get(1))).endsWith("nginx", "registry.k8s.io/nginx-slim:0.21");
        assertThat(kubectl.run(
                                "get",
                                "sts",
                                "web",
                                "-o",
                                "jsonpath={.spec.podManagementPolicy}"
                                        + " {.spec.updateStrategy.type} {.spec.updateStrategy.rollingUpdate.partition}"
                                        + " {.spec.revisionHistoryLimit}")
                        .ok())
                .isEqualTo("OrderedReady RollingUpdate 0 10");

        // scale through the scale subresource: web-2, web-3, web-4 in order
        assertThat(kubectl.run("scale", "sts", "web", "--replicas=5").ok()).isEqualTo("statefulset.apps/web scaled\n");
        assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok())
                .endsWith("partitioned roll out complete: 5 new pods have been updated...\n");
        assertThat(podNames()).containsExactly("web-0", "web-1", "web-2", "web-3", "web-4");
        // each pod has the claim of the volumeClaimTemplate (no PV controller runs here: they stay unbound)
        assertThat(kubectl.run("get", "pvc", "-o", "jsonpath={.items[*].metadata.name}")
                        .ok())
                .isEqualTo("www-web-0 www-web-1 www-web-2 www-web-3 www-web-4");
        assertThat(cells(kubectl.run("get", "sts", "web").ok().lines().toList().get(1))
                        .subList(0, 2))
                .containsExactly("web", "5/5");

        // a partitioned update: only web-3 and web-4 take the new image
        kubectl.run(
                        "patch",
                        "sts",
                        "web",
                        "-p",
                        "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":3}}}}")
                .ok();
        assertThat(kubectl.run("set", "image", "sts/web", "nginx=registry.k8s.io/nginx-slim:0.24")
                        .ok())
                .isEqualTo("statefulset.apps/web image updated\n");
        assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok())
                .endsWith("partitioned roll out complete: 2 new pods have been updated...\n");
        Poll.until(
                WAIT,
                "web-3 and web-4 on 0.24, web-0..2 on 0.21",
                () -> kubectl.run(
                                "get",
                                "pods",
                                "-o",
                                "jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}")
                        .ok(),
                s -> s.contains("web-0=registry.k8s.io/nginx-slim:0.21")
                        && s.contains("web-2=registry.k8s.io/nginx-slim:0.21")
                        && s.contains("web-3=registry.k8s.io/nginx-slim:0.24")
                        && s.contains("web-4=registry.k8s.io/nginx-slim:0.24"));

        // history: kubectl reads the set's ControllerRevisions
        assertThat(kubectl.run("rollout", "history", "sts/web").ok())
                .isEqualTo("statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
        List<String> revs =
                kubectl.run("get", "controllerrevisions").ok().lines().toList();
        assertThat(cells(revs.get(0))).containsExactly("NAME", "CONTROLLER", "REVISION", "AGE");
        assertThat(revs.subList(1, revs.size()).stream()
                        .map(l -> cells(l).subList(1, 3).toString()))
                .containsExactlyInAnyOrder("[statefulset.apps/web, 1]", "[statefulset.apps/web, 2]");

        // undo: kubectl applies revision 1's data (the template patch); revision 1 becomes 3
        assertThat(kubectl.run(
                                "patch",
                                "sts",
                                "web",
                                "-p",
                                "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}")
                        .ok())
                .isEqualTo("statefulset.apps/web patched\n");
        assertThat(kubectl.run("rollout", "undo", "sts/web").ok()).isEqualTo("statefulset.apps/web rolled back\n");
        assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok())
                .endsWith("partitioned roll out complete: 5 new pods have been updated...\n");
        Poll.until(
                WAIT,
                "every pod back on 0.21",
                () -> kubectl.run("get", "pods", "-o", "jsonpath={.items[*].spec.containers[0].image}")
                        .ok(),
                s -> s.split(" ").length == 5 && !s.contains("0.24"));
        assertThat(kubectl.run("rollout", "history", "sts/web").ok())
                .isEqualTo("statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n");

        // describe: kubectl's own describer over the set, its pods and events
        assertThat(kubectl.run("describe", "sts", "web").ok())
                .contains("Replicas:", "5 desired | 5 total")
                .contains("Update Strategy:    RollingUpdate")
                .contains("SuccessfulCreate", "create Pod web-4 in StatefulSet web successful");

        // delete: the pods and revisions go with it (the Service stays, as in kube)
        kubectl.run("delete", "sts", "web").ok();
        Poll.until(WAIT, "pods collected", KubectlStatefulSetTest::podNames, List::isEmpty);
        Poll.until(
                WAIT,
                "revisions collected",
                () -> kubectl.run("get", "controllerrevisions", "-o", "name").ok(),
                String::isEmpty);
        kubectl.run("delete", "svc", "nginx").ok();
    }
}
