package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.StandInKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EndpointSlices as the real {@code kubectl} shows them: {@code kubectl get endpointslices -l
 * kubernetes.io/service-name=web} with kubectl's columns, following pods and the Service. Real:
 * kubectl, the API server, etcd and the controller-manager's Endpoints, EndpointSlice and garbage
 * collector controllers (in this JVM). A loop here stands in for the scheduler and the kubelet: it
 * binds every pod to node n1 and makes it Running and Ready with an IP.
 */
@Timeout(120)
class KubectlEndpointSliceTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String SELECT = "kubernetes.io/service-name=web";

    static TestApiServer api;
    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;
    static StandInKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
        NodeAgents.join(api.store()
                .of(NodeKind.RESOURCE)
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("n1")
                                .putLabels("topology.kubernetes.io/zone", "zone-a"))
                        .build()));
        controllerManager =
                InProcessControllerManager.start(CLUSTER, "cm-kubectl-eps", "endpoint,endpointslice,garbagecollector");
        AtomicInteger nextIp = new AtomicInteger(1);
        kubelet = StandInKubelet.start(() -> {
            for (Pod p : NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>inNamespace("default")))
                    .items()) {
                if (p.getStatus().getPodIp().isEmpty() && !p.getMetadata().hasDeletionTimestamp()) {
                    String ip = "10.244.0." + nextIp.getAndIncrement();
                    NodeAgents.join(api.store()
                            .of(PodKind.RESOURCE)
                            .guaranteedUpdate("default", p.getMetadata().getName(), cur -> {
                                Pod.Builder b = cur.toBuilder();
                                b.getSpecBuilder().setNodeName("n1");
                                b.getStatusBuilder()
                                        .setPhase("Running")
                                        .setPodIp(ip)
                                        .clearConditions()
                                        .addConditions(PodCondition.newBuilder()
                                                .setType("Ready")
                                                .setStatus("True"));
                                return b.build();
                            }));
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

    static List<String> cells(String line) {
        return Arrays.asList(line.trim().split("\\s{2,}"));
    }

    /** The rows of {@code kubectl get endpointslices -l kubernetes.io/service-name=web}, header first. */
    static List<List<String>> table() {
        return kubectl.run("get", "endpointslices", "-l", SELECT)
                .ok()
                .lines()
                .map(KubectlEndpointSliceTest::cells)
                .toList();
    }

    static Set<String> podIps() {
        Set<String> out = new TreeSet<>();
        for (Pod p : NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>inNamespace("default")))
                .items()) {
            if (!p.getStatus().getPodIp().isEmpty()) {
                out.add(p.getStatus().getPodIp());
            }
        }
        return out;
    }

    @Test
    void kubectlGetEndpointSlicesOfAService() {
        for (int i = 1; i <= 4; i++) {
            kubectl.run("run", "web-" + i, "--image=nginx", "--labels=app=web", "--port=8080")
                    .ok();
        }
        assertThat(kubectl.run("create", "service", "clusterip", "web", "--tcp=80:8080")
                        .ok())
                .isEqualTo("service/web created\n");
        List<List<String>> rows = Poll.until(
                WAIT,
                "one slice of web with 4 endpoints (3 shown, + 1 more...)",
                KubectlEndpointSliceTest::table,
                t -> t.size() == 2 && t.get(1).size() == 5 && t.get(1).get(3).endsWith(" + 1 more..."));
        assertThat(rows.get(0)).containsExactly("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE");
        List<String> row = rows.get(1);
        String name = row.get(0);
        assertThat(name).matches("web-[a-z0-9]{5}");
        assertThat(row.get(1)).isEqualTo("IPv4");
        assertThat(row.get(2)).isEqualTo("8080");
        String[] shown = row.get(3).replace(" + 1 more...", "").split(",");
        assertThat(shown).hasSize(3);
        assertThat(podIps()).hasSize(4).contains(shown);

        // the slice in kube's JSON: labels, conditions, the pod reference
        String json = kubectl.run("get", "endpointslice", name, "-o", "json").ok();
        assertThat(json)
                .contains("\"apiVersion\": \"discovery.k8s.io/v1\"")
                .contains("\"endpointslice.kubernetes.io/managed-by\": \"endpointslice-controller.k8s.io\"")
                .contains("\"kubernetes.io/service-name\": \"web\"")
                .contains("\"zone\": \"zone-a\"")
                .contains("\"serving\": true");

        String described = kubectl.run("describe", "endpointslice", name).ok();
        assertThat(described)
                .contains("Name:         " + name)
                .contains("AddressType:  IPv4")
                .contains("kubernetes.io/service-name=web");

        // a deleted pod leaves the same slice; the Endpoints object says the same
        kubectl.run("delete", "pod", "web-4", "--wait=false").ok();
        NodeAgents agents = new NodeAgents(api.store());
        Pod gone = NodeAgents.join(api.store().of(PodKind.RESOURCE).get("default", "web-4"));
        Poll.until(
                WAIT,
                "web-4 dropped from the slice (terminating, then removed)",
                () -> {
                    agents.finishDeletion(gone); // the kubelet's part of a graceful deletion
                    return table();
                },
                t -> t.size() == 2
                        && !t.get(1).get(3).contains("more")
                        && t.get(1).get(3).split(",").length == 3);
        assertThat(table().get(1).get(0)).isEqualTo(name);
        Set<String> left = new TreeSet<>(Arrays.asList(table().get(1).get(3).split(",")));
        Poll.until(
                WAIT,
                "kubectl get endpoints web lists the same three pods",
                () -> kubectl.run("get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}")
                        .ok(),
                out -> new TreeSet<>(Arrays.asList(out.split(" "))).equals(left));

        // the Service's slices go with it
        kubectl.run("delete", "service", "web").ok();
        Poll.until(
                WAIT,
                "no slices of web",
                () -> kubectl.run("get", "endpointslices", "-l", SELECT),
                r -> r.exitCode() == 0 && r.out().isEmpty() && r.err().contains("No resources found"));
    }

    @Test
    void aUsersSliceIsValidatedAndLeftAlone() {
        String manifest = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ext
                spec:
                  ports:
                  - port: 80
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: ext-1
                  labels:
                    kubernetes.io/service-name: ext
                addressType: IPv4
                ports:
                - port: 80
                endpoints:
                - addresses: ["192.0.2.10"]
                """;
        kubectl.run(manifest, Map.of(), "apply", "-f", "-").ok();
        assertThat(kubectl.run("get", "endpointslices", "-l", "kubernetes.io/service-name=ext")
                        .ok()
                        .lines()
                        .skip(1)
                        .map(KubectlEndpointSliceTest::cells)
                        .map(c -> c.subList(0, 4))
                        .toList())
                .containsExactly(List.of("ext-1", "IPv4", "80", "192.0.2.10"));
        assertThat(kubectl.run("get", "endpointslice", "ext-1", "-o", "jsonpath={.ports[0].protocol}")
                        .ok())
                .isEqualTo("TCP");
        // kube's validation, kube's words
        Kubectl.Result bad = kubectl.run(
                manifest.substring(manifest.indexOf("apiVersion: discovery")).replace("192.0.2.10", "fd00::1"),
                Map.of(),
                "apply",
                "-f",
                "-");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err())
                .contains("endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address");
        Kubectl.Result immutable =
                kubectl.run("patch", "endpointslice", "ext-1", "--type=merge", "-p", "{\"addressType\":\"IPv6\"}");
        assertThat(immutable.exitCode()).isNotZero();
        assertThat(immutable.err()).contains("addressType: Invalid value: \"IPv6\": field is immutable");
        // the controller writes no slice for a Service without selector, and leaves the user's alone
        Poll.holds(
                Duration.ofSeconds(2),
                "ext keeps only its user's slice, unchanged",
                () -> assertThat(kubectl.run(
                                        "get",
                                        "endpointslices",
                                        "-l",
                                        "kubernetes.io/service-name=ext",
                                        "-o",
                                        "jsonpath={.items[*].metadata.name} {.items[*].endpoints[*].addresses[*]}")
                                .ok())
                        .isEqualTo("ext-1 192.0.2.10"));
    }
}
