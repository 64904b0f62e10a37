package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.DaemonSet;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.core.node.NodeKind;
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

/**
 * DaemonSets as the real {@code kubectl} drives them: apply kubernetes.io's fluentd example, get
 * (and -o wide), rollout status, set image. Real: kubectl, the API server, etcd and the
 * controller-manager's DaemonSet and garbage-collector controllers (in this JVM). A loop here
 * stands in for the scheduler and the kubelets of two nodes: it binds each daemon pod to the node
 * its {@code matchFields metadata.name} affinity names, makes it Running and Ready — at most
 * {@link #readyBudget} at once, so that a rollout can be held at a step — and finishes deletions.
 */
@Timeout(300)
class KubectlDaemonSetTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NS = "kube-system";

    static TestApiServer api;
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;
    static volatile int readyBudget = Integer.MAX_VALUE;

    @BeforeAll
    static void start() throws Exception {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
        for (String n : List.of("node-a", "node-b")) {
            NodeAgents.join(api.store()
                    .of(NodeKind.RESOURCE)
                    .create(Node.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName(n).putLabels("kubernetes.io/hostname", n))
                            .setStatus(NodeStatus.newBuilder()
                                    .addConditions(NodeCondition.newBuilder()
                                            .setType("Ready")
                                            .setStatus("True")))
                            .build()));
        }
        controllerManager = InProcessControllerManager.start(CLUSTER, "cm-kubectl-ds", "daemonset,garbagecollector");
        NodeAgents agents = new NodeAgents(api.store());
        kubelet = StandInKubelet.start(() -> step(agents));
    }

    private static void step(NodeAgents agents) {
        List<Pod> all = allDaemonPods();
        long ready = all.stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .filter(KubectlDaemonSetTest::ready)
                .count();
        for (Pod p : all) {
            var m = p.getMetadata();
            if (m.hasDeletionTimestamp()) {
                agents.finishDeletion(p);
            } else if (p.getSpec().getNodeName().isEmpty()) {
                String node = p.getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms(0)
                        .getMatchFields(0)
                        .getValues(0);
                NodeAgents.join(api.store()
                        .of(PodKind.RESOURCE)
                        .guaranteedUpdate(
                                NS,
                                m.getName(),
                                c -> c.toBuilder()
                                        .setSpec(c.getSpec().toBuilder().setNodeName(node))
                                        .build()));
            } else if (!ready(p) && ready < readyBudget) {
                agents.markRunningAndReady(NS, m.getName());
                ready++;
            }
        }
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

    /** The example's pods (kube-system holds others too). */
    static List<Pod> daemonPods() {
        return daemonPods("fluentd-elasticsearch");
    }

    /** The pods labelled {@code name=<name>}. */
    static List<Pod> daemonPods(String name) {
        return allDaemonPods().stream()
                .filter(p -> name.equals(p.getMetadata().getLabelsMap().get("name")))
                .toList();
    }

    /** Every DaemonSet's pods in the namespace: the ones the test kubelet runs. */
    static List<Pod> allDaemonPods() {
        return NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>inNamespace(NS))).items().stream()
                .filter(p -> p.getMetadata().getOwnerReferencesList().stream()
                        .anyMatch(r -> r.getKind().equals("DaemonSet")))
                .toList();
    }

    static boolean ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static List<String> cells(String line) {
        return Arrays.asList(line.trim().split("\\s{2,}"));
    }

    static DaemonSet fluentd() {
        return NodeAgents.join(api.store().of(DaemonSetKind.RESOURCE).get(NS, "fluentd-elasticsearch"));
    }

    @Test
    void theDocumentationsDaemonSetThroughKubectl() throws Exception {
        kubectl.run("create", "namespace", NS); // exists already where the namespace controller bootstrapped it
        String manifest = Files.readString(
                Path.of("..", "examples", "daemonset.yaml").toAbsolutePath().normalize());

        // apply, held at one ready pod: rollout status says what kube's says, then succeeds
        readyBudget = 1;
        assertThat(kubectl.run(manifest, Map.of(), "apply", "-f", "-").ok())
                .isEqualTo("daemonset.apps/fluentd-elasticsearch created\n");
        try (Kubectl.Background status =
                kubectl.start("rollout", "status", "ds/fluentd-elasticsearch", "-n", NS, "--timeout=60s")) {
            status.awaitLine(
                    l -> l.equals("Waiting for daemon set \"fluentd-elasticsearch\" rollout to finish: 1 of 2 updated"
                            + " pods are available..."),
                    WAIT);
            readyBudget = Integer.MAX_VALUE;
            status.awaitLine(l -> l.equals("daemon set \"fluentd-elasticsearch\" successfully rolled out"), WAIT);
        }

        // get: kube's columns
        List<String> lines = kubectl.run("get", "ds", "-n", NS).ok().lines().toList();
        assertThat(cells(lines.get(0)))
                .containsExactly(
                        "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE");
        assertThat(cells(lines.get(1)).subList(0, 7))
                .containsExactly("fluentd-elasticsearch", "2", "2", "2", "2", "2", "<none>");
        List<String> wide = kubectl.run("get", "daemonsets", "-n", NS, "-o", "wide")
                .ok()
                .lines()
                .toList();
        assertThat(cells(wide.get(0)))
                .containsExactly(
                        "NAME",
                        "DESIRED",
                        "CURRENT",
                        "READY",
                        "UP-TO-DATE",
                        "AVAILABLE",
                        "NODE SELECTOR",
                        "AGE",
                        "CONTAINERS",
                        "IMAGES",
                        "SELECTOR");
        assertThat(cells(wide.get(1)))
                .endsWith(
                        "fluentd-elasticsearch",
                        "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
                        "name=fluentd-elasticsearch");
        assertThat(fluentd()
                        .getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getNumberValue())
                .isEqualTo(1);

        // set image, held with one pod ready: one node at a time (maxUnavailable 1)
        readyBudget = 1;
        assertThat(kubectl.run(
                                "set",
                                "image",
                                "ds/fluentd-elasticsearch",
                                "-n",
                                NS,
                                "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0")
                        .ok())
                .isEqualTo("daemonset.apps/fluentd-elasticsearch image updated\n");
        try (Kubectl.Background status =
                kubectl.start("rollout", "status", "ds/fluentd-elasticsearch", "-n", NS, "--timeout=60s")) {
            status.awaitLine(
                    l -> l.equals("Waiting for daemon set \"fluentd-elasticsearch\" rollout to finish: 1 out of 2 new"
                            + " pods have been updated..."),
                    WAIT);
            readyBudget = Integer.MAX_VALUE;
            status.awaitLine(l -> l.equals("daemon set \"fluentd-elasticsearch\" successfully rolled out"), WAIT);
        }
        assertThat(fluentd().getMetadata().getAnnotationsMap())
                .containsEntry("deprecated.daemonset.template.generation", "2");
        List<Pod> pods = daemonPods().stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .toList();
        assertThat(pods)
                .extracting(p -> p.getSpec().getNodeName() + " "
                        + p.getSpec().getContainers(0).getImage() + " "
                        + p.getMetadata().getLabelsMap().get("pod-template-generation"))
                .containsExactlyInAnyOrder(
                        "node-a quay.io/fluentd_elasticsearch/fluentd:v2.6.0 2",
                        "node-b quay.io/fluentd_elasticsearch/fluentd:v2.6.0 2");

        // describe: kubectl's own describer over the DaemonSet, its pods and events
        assertThat(kubectl.run("describe", "ds", "fluentd-elasticsearch", "-n", NS)
                        .ok())
                .contains("Desired Number of Nodes Scheduled: 2")
                .contains("Current Number of Nodes Scheduled: 2")
                .contains("Number of Nodes Scheduled with Up-to-date Pods: 2")
                .contains("Number of Nodes Scheduled with Available Pods: 2")
                .contains("Number of Nodes Misscheduled: 0")
                .contains("2 Running / 0 Waiting / 0 Succeeded / 0 Failed")
                .contains("SuccessfulCreate", "SuccessfulDelete");

        // delete: the pods go with it
        kubectl.run("delete", "ds", "fluentd-elasticsearch", "-n", NS).ok();
        Poll.until(WAIT, "daemon pods collected", () -> daemonPods().size(), n -> n == 0);
    }

    /** A DaemonSet {@code hist} on every node, its template's image and change-cause annotation given. */
    static String histManifest(String image, String cause) {
        return """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: hist
                  namespace: kube-system
                  annotations:
                    kubernetes.io/change-cause: "%s"
                spec:
                  selector:
                    matchLabels: {name: hist}
                  template:
                    metadata:
                      labels: {name: hist}
                    spec:
                      terminationGracePeriodSeconds: 0
                      containers:
                      - name: agent
                        image: %s
                """.formatted(cause, image);
    }

    /** node=image of hist's live pods, sorted. */
    static List<String> histImages() {
        return daemonPods("hist").stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .map(p -> p.getSpec().getNodeName() + "="
                        + p.getSpec().getContainers(0).getImage())
                .sorted()
                .toList();
    }

    static void awaitHistImages(String image) {
        List<String> want = List.of("node-a=" + image, "node-b=" + image);
        Poll.until(WAIT, "hist pods " + want, KubectlDaemonSetTest::histImages, want::equals);
    }

    static String rolledOut() {
        return kubectl.run("rollout", "status", "ds/hist", "-n", NS, "--timeout=60s")
                .ok();
    }

    @Test
    void rolloutHistoryAndUndoThroughKubectl() throws Exception {
        kubectl.run("create", "namespace", NS);
        try {
            historyAndUndo();
        } finally {
            // the other test counts ready daemon pods in the namespace
            kubectl.run("delete", "ds", "hist", "-n", NS, "--ignore-not-found");
            Poll.until(WAIT, "hist pods collected", () -> daemonPods("hist").size(), n -> n == 0);
        }
    }

    private void historyAndUndo() throws Exception {
        String v1 = "registry.k8s.io/pause:3.1";
        String v2 = "registry.k8s.io/pause:3.9";
        assertThat(kubectl.run(histManifest(v1, "pause 3.1"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("daemonset.apps/hist created\n");
        assertThat(rolledOut()).endsWith("daemon set \"hist\" successfully rolled out\n");
        assertThat(kubectl.run(histManifest(v2, "pause 3.9"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("daemonset.apps/hist configured\n");
        assertThat(rolledOut()).endsWith("daemon set \"hist\" successfully rolled out\n");
        awaitHistImages(v2);

        // history: one revision per template, with the DaemonSet's change-cause at the time
        assertThat(kubectl.run("rollout", "history", "daemonset/hist", "-n", NS).ok())
                .isEqualTo(
                        "daemonset.apps/hist \nREVISION  CHANGE-CAUSE\n1         pause 3.1\n2         pause 3.9\n\n");
        assertThat(kubectl.run("rollout", "history", "ds/hist", "-n", NS, "--revision=1")
                        .ok())
                .startsWith("daemonset.apps/hist with revision #1\nPod Template:\n")
                .contains("name=hist")
                .contains("Image:\t" + v1);
        assertThat(kubectl.run("rollout", "history", "ds/hist", "-n", NS, "--revision=7"))
                .satisfies(r -> {
                    assertThat(r.exitCode()).as(r.toString()).isNotZero();
                    assertThat(r.err()).as(r.toString()).contains("unable to find the specified revision");
                });
        List<String> revs =
                kubectl.run("get", "controllerrevisions", "-n", NS).ok().lines().toList();
        assertThat(revs.subList(1, revs.size()).stream()
                        .map(l -> cells(l).subList(1, 3).toString()))
                .containsExactlyInAnyOrder("[daemonset.apps/hist, 1]", "[daemonset.apps/hist, 2]");

        // undo: back to the previous template; its revision becomes 3, the pods roll back
        assertThat(kubectl.run("rollout", "undo", "daemonset/hist", "-n", NS).ok())
                .isEqualTo("daemonset.apps/hist rolled back\n");
        assertThat(rolledOut()).endsWith("daemon set \"hist\" successfully rolled out\n");
        awaitHistImages(v1);
        Poll.until(
                WAIT,
                "history after undo",
                () -> kubectl.run("rollout", "history", "ds/hist", "-n", NS).ok(),
                "daemonset.apps/hist \nREVISION  CHANGE-CAUSE\n2         pause 3.9\n3         pause 3.1\n\n"::equals);

        // undo --to-revision: a named revision; the current one is skipped; an unknown one is an error
        assertThat(kubectl.run("rollout", "undo", "ds/hist", "-n", NS, "--to-revision=2")
                        .ok())
                .isEqualTo("daemonset.apps/hist rolled back\n");
        assertThat(rolledOut()).endsWith("daemon set \"hist\" successfully rolled out\n");
        awaitHistImages(v2);
        Poll.until(
                WAIT,
                "history after undo --to-revision=2",
                () -> kubectl.run("rollout", "history", "ds/hist", "-n", NS).ok(),
                "daemonset.apps/hist \nREVISION  CHANGE-CAUSE\n3         pause 3.1\n4         pause 3.9\n\n"::equals);
        assertThat(kubectl.run("rollout", "undo", "ds/hist", "-n", NS, "--to-revision=4")
                        .ok())
                .isEqualTo("daemonset.apps/hist skipped rollback (current template already matches revision 4)\n");
        assertThat(kubectl.run("rollout", "undo", "ds/hist", "-n", NS, "--to-revision=9"))
                .satisfies(r -> {
                    assertThat(r.exitCode()).as(r.toString()).isNotZero();
                    assertThat(r.err()).as(r.toString()).contains("unable to find specified revision 9 in history");
                });

        // delete: pods and revisions go with it
        kubectl.run("delete", "ds", "hist", "-n", NS).ok();
        Poll.until(WAIT, "hist pods collected", () -> daemonPods("hist").size(), n -> n == 0);
        Poll.until(
                WAIT,
                "hist revisions collected",
                () -> kubectl.run("get", "controllerrevisions", "-n", NS, "-o", "name")
                        .ok(),
                String::isEmpty);
    }
}
