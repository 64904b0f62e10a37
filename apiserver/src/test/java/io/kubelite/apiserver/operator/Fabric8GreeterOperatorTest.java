package io.kubelite.apiserver.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator written against fabric8 ({@link GreeterOperator}) running in this JVM against the
 * real API server and etcd, with the controller-manager's garbage collector and a stand-in kubelet
 * that marks pods ready: what its user sees is pods appearing for a Greeter, owned by it, the
 * Greeter's status counting them, scaling both ways, and the pods going with the Greeter.
 */
@Timeout(180)
class Fabric8GreeterOperatorTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp().withoutKubectl();

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: greeters.demo.example.org
            spec:
              group: demo.example.org
              scope: Namespaced
              names: {plural: greeters, singular: greeter, kind: Greeter}
              versions:
              - name: v1
                served: true
                storage: true
                subresources: {status: {}}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [replicas, message]
                        properties:
                          replicas: {type: integer, minimum: 0}
                          message: {type: string}
                      status:
                        type: object
                        properties:
                          pods: {type: integer}
                          readyPods: {type: integer}
            """;

    static KubernetesClient client;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;
    static GreeterOperator operator;

    @BeforeAll
    static void start() throws Exception {
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl(CLUSTER.url())
                        .withNamespace("default")
                        .withRequestTimeout(10_000)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        controllerManager = InProcessControllerManager.start(CLUSTER, "cm-greeter-operator", "garbagecollector");
        NodeAgents agents = new NodeAgents(CLUSTER.store());
        kubelet = StandInKubelet.start(() -> {
            for (Pod p : client.pods().inNamespace("default").list().getItems()) {
                if (p.getMetadata().getDeletionTimestamp() == null
                        && (p.getStatus() == null
                                || !"Running".equals(p.getStatus().getPhase()))) {
                    agents.markRunningAndReady("default", p.getMetadata().getName());
                }
            }
        });
        CustomResourceDefinition crd = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(new ByteArrayInputStream(CRD.getBytes(StandardCharsets.UTF_8)))
                .item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        Poll.until(WAIT, "the Greeter CRD served", () -> {
            client.genericKubernetesResources(GreeterOperator.API_VERSION, GreeterOperator.KIND)
                    .inNamespace("default")
                    .list();
            return true;
        });
        operator = new GreeterOperator(client, "default");
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.close();
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (controllerManager != null) {
            controllerManager.close();
        }
        if (client != null) {
            client.close();
        }
    }

    static GenericKubernetesResource greeter(String name, int replicas, String message) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(GreeterOperator.API_VERSION)
                .withKind(GreeterOperator.KIND)
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("replicas", replicas, "message", message)))
                .build();
    }

    static List<String> podsOf(String greeter) {
        return client.pods().inNamespace("default").withLabel(GreeterOperator.LABEL, greeter).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    static String status(String greeter) {
        GenericKubernetesResource g = client.genericKubernetesResources(
                        GreeterOperator.API_VERSION, GreeterOperator.KIND)
                .inNamespace("default")
                .withName(greeter)
                .get();
        if (g == null) {
            return "(no greeter)";
        }
        return "pods=" + g.get("status", "pods") + " readyPods=" + g.get("status", "readyPods");
    }

    static void scale(String greeter, int replicas) {
        client.genericKubernetesResources(GreeterOperator.API_VERSION, GreeterOperator.KIND)
                .inNamespace("default")
                .withName(greeter)
                .edit(g -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec =
                            (Map<String, Object>) g.getAdditionalProperties().get("spec");
                    spec.put("replicas", replicas);
                    return g;
                });
    }

    @Test
    void theOperatorRunsGreetersPodsAndTheGarbageCollectorTakesThemAway() {
        GenericKubernetesResource hello = client.genericKubernetesResources(
                        GreeterOperator.API_VERSION, GreeterOperator.KIND)
                .inNamespace("default")
                .resource(greeter("hello", 2, "hi there"))
                .create();
        Poll.until(
                WAIT,
                "two pods for greeter hello",
                () -> podsOf("hello"),
                p -> p.equals(List.of("hello-0", "hello-1")));
        Pod pod = client.pods().inNamespace("default").withName("hello-0").get();
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Greeter");
            assertThat(o.getUid()).isEqualTo(hello.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("demo.example.org/message", "hi there");
        Poll.until(
                WAIT,
                "hello's status to count two ready pods",
                () -> status("hello"),
                s -> s.equals("pods=2 readyPods=2"));

        scale("hello", 3);
        Poll.until(WAIT, "a third pod after scaling up", () -> podsOf("hello"), p -> p.size() == 3);
        Poll.until(WAIT, "hello's status at three", () -> status("hello"), s -> s.equals("pods=3 readyPods=3"));
        scale("hello", 1);
        Poll.until(WAIT, "one pod left after scaling down", () -> podsOf("hello"), p -> p.equals(List.of("hello-0")));
        Poll.until(WAIT, "hello's status at one", () -> status("hello"), s -> s.equals("pods=1 readyPods=1"));

        // the operator does not delete a deleted Greeter's pods: the garbage collector does
        client.genericKubernetesResources(GreeterOperator.API_VERSION, GreeterOperator.KIND)
                .inNamespace("default")
                .withName("hello")
                .delete();
        Poll.until(WAIT, "hello's pods collected with it", () -> podsOf("hello"), List::isEmpty);
        assertThat(status("hello")).isEqualTo("(no greeter)");
    }
}
