package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The garbage collector with owners of a custom kind, through the real kubectl: pods owned by a
 * custom object go with it ({@code --cascade=background}), a foreground deletion keeps the owner
 * until its blocking pods are gone, and {@code --cascade=orphan} leaves the pods without the
 * reference. Custom objects are dependents too: a Stack owned by a Stack goes with it, and its
 * pods after it. No kind is listed by hand: the collector follows the CRD.
 */
class KubectlCustomOwnerGcTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(30);
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: stacks.gc.example.org
            spec:
              group: gc.example.org
              scope: Namespaced
              names: {plural: stacks, singular: stack, kind: Stack}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    @BeforeAll
    static void start() throws Exception {
        kubectl = CLUSTER.kubectl();
        controllerManager = InProcessControllerManager.start(CLUSTER, "cm-kubectl-custom-gc", "garbagecollector");
        kubectl.run(CRD, Map.of(), "apply", "-f", "-").ok();
        kubectl.run("wait", "--for", "condition=established", "--timeout=10s", "crd/stacks.gc.example.org")
                .ok();
    }

    @AfterAll
    static void stop() {
        if (controllerManager != null) {
            controllerManager.close();
        }
    }

    /** Creates a Stack and {@code pods} pods it owns; returns the Stack's uid. */
    static String stackWithPods(String name, int pods, boolean blockOwnerDeletion) {
        Poll.until(
                WAIT,
                "stack " + name + " created",
                () -> kubectl.run(
                        "apiVersion: gc.example.org/v1\nkind: Stack\nmetadata:\n  name: " + name
                                + "\nspec:\n  size: 1\n",
                        Map.of(),
                        "apply",
                        "-f",
                        "-"),
                r -> r.exitCode() == 0);
        String uid = kubectl.run("get", "stack", name, "-o", "jsonpath={.metadata.uid}")
                .ok();
        for (int i = 0; i < pods; i++) {
            kubectl.run("""
                            apiVersion: v1
                            kind: Pod
                            metadata:
                              name: %s-%d
                              labels: {stack: %s}
                              ownerReferences:
                              - {apiVersion: gc.example.org/v1, kind: Stack, name: %s, uid: %s, controller: true, blockOwnerDeletion: %s}
                            spec:
                              containers: [{name: c, image: busybox}]
                            """.formatted(name, i, name, name, uid, blockOwnerDeletion), Map.of(), "apply", "-f", "-")
                    .ok();
        }
        return uid;
    }

    static String pods(String stack) {
        return kubectl.run("get", "pods", "-l", "stack=" + stack, "-o", "name").ok();
    }

    @Test
    void podsOwnedByACustomObjectGoWithIt() {
        stackWithPods("background", 2, false);
        assertThat(pods("background")).isEqualTo("pod/background-0\npod/background-1\n");
        assertThat(kubectl.run("delete", "stack", "background").ok())
                .isEqualTo("stack.gc.example.org \"background\" deleted\n");
        Poll.until(WAIT, "the stack's pods collected", () -> pods("background"), String::isEmpty);
    }

    @Test
    void foregroundDeletionOfACustomObjectWaitsForItsPods() {
        stackWithPods("foreground", 2, true);
        // kubectl waits for the owner to be gone: it goes once its blocking pods are
        assertThat(kubectl.run("delete", "stack", "foreground", "--cascade=foreground", "--timeout=30s")
                        .ok())
                .isEqualTo("stack.gc.example.org \"foreground\" deleted\n");
        assertThat(pods("foreground")).isEmpty();
        assertThat(kubectl.run("get", "stack", "foreground").exitCode()).isEqualTo(1);
    }

    @Test
    void orphanedPodsOfACustomObjectStayWithoutTheReference() {
        stackWithPods("orphan", 1, true);
        kubectl.run("delete", "stack", "orphan", "--cascade=orphan").ok();
        Poll.holds(
                Duration.ofSeconds(3),
                "the orphaned pod stays",
                () -> assertThat(pods("orphan")).isEqualTo("pod/orphan-0\n"));
        assertThat(kubectl.run("get", "pod", "orphan-0", "-o", "jsonpath={.metadata.ownerReferences}")
                        .ok())
                .isEmpty();
    }

    static String ownedStack(String name, String ownerName, String ownerUid) {
        kubectl.run("""
                        apiVersion: gc.example.org/v1
                        kind: Stack
                        metadata:
                          name: %s
                          ownerReferences:
                          - {apiVersion: gc.example.org/v1, kind: Stack, name: %s, uid: %s}
                        spec: {size: 1}
                        """.formatted(name, ownerName, ownerUid), Map.of(), "apply", "-f", "-")
                .ok();
        return kubectl.run("get", "stack", name, "-o", "jsonpath={.metadata.uid}")
                .ok();
    }

    @Test
    void aCustomObjectOwnedByAnotherGoesWithItAndTakesItsPods() {
        String parent = stackWithPods("parent", 0, false);
        String child = ownedStack("child", "parent", parent);
        // the child's pods, created as stackWithPods does, but owned by the child
        kubectl.run("""
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: child-0
                          labels: {stack: child}
                          ownerReferences:
                          - {apiVersion: gc.example.org/v1, kind: Stack, name: child, uid: %s}
                        spec:
                          containers: [{name: c, image: busybox}]
                        """.formatted(child), Map.of(), "apply", "-f", "-").ok();
        kubectl.run("delete", "stack", "parent").ok();
        Poll.until(
                WAIT,
                "the child Stack collected with its parent, then its pod",
                () -> kubectl.run("get", "stack", "child", "--ignore-not-found", "-o", "name")
                                .ok()
                        + pods("child"),
                String::isEmpty);
    }

    @Test
    void anOrphanedCustomObjectStaysWithoutTheReference() {
        String owner = stackWithPods("keeper", 0, false);
        ownedStack("kept", "keeper", owner);
        kubectl.run("delete", "stack", "keeper", "--cascade=orphan").ok();
        Poll.holds(
                Duration.ofSeconds(3),
                "the orphaned Stack stays",
                () -> assertThat(kubectl.run("get", "stack", "kept", "-o", "name")
                                .ok())
                        .isEqualTo("stack.gc.example.org/kept\n"));
        assertThat(kubectl.run("get", "stack", "kept", "-o", "jsonpath={.metadata.ownerReferences}")
                        .ok())
                .isEmpty();
    }
}
