package io.kubelite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.api.Container;
import io.kubelite.api.DaemonEndpoint;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.NodeDaemonEndpoints;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.Store;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics-server component on a real etcd behind the real API server's aggregation layer, as
 * the real {@code kubectl top} sees it. Nodes and pods are written to etcd as kubelet-sim writes
 * them; their kubelet is a {@link FakeKubelet} on 127.0.0.1 with constant usage (until
 * kubelet-sim's Summary API is on main), so the printed values are exact. The add-on objects
 * (Service, APIService) are applied with kubectl as {@code kubelite addons} applies them; the
 * Service's EndpointSlice is written as the EndpointSlice controller writes a host-network pod's.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlTopTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls()
            .tokenFile("admin-token,admin,uid-1,\"system:masters\"\n")
            .setup(s -> s.withApiServiceCheckInterval(Duration.ofMillis(500)));

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeKubelet kubelet;
    static MetricsServerComponent server;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        kubelet = new FakeKubelet(Clock.systemUTC());
        kubelet.serve(
                "node-a",
                new FakeKubelet.NodeUsage(
                        250_000_000L,
                        1536L << 20,
                        List.of(
                                new FakeKubelet.PodUsage(
                                        "default",
                                        "web-1",
                                        List.of(
                                                new FakeKubelet.Container("app", 123_456_789L, 64L << 20),
                                                new FakeKubelet.Container("sidecar", 5_000_000L, 16L << 20))),
                                new FakeKubelet.PodUsage(
                                        "kube-system",
                                        "dns-1",
                                        List.of(new FakeKubelet.Container(
                                                "coredns", 2_000_000L, (12L << 20) + 4096))))));
        kubelet.serve(
                "node-b",
                new FakeKubelet.NodeUsage(
                        1_500_000_000L,
                        3L << 30,
                        List.of(new FakeKubelet.PodUsage(
                                "default",
                                "web-2",
                                List.of(new FakeKubelet.Container("app", 300_000_000L, 100L << 20))))));
        Store store = CLUSTER.store();
        NodeAgents.join(store.of(NodeKind.RESOURCE).create(node("node-a", "127.0.0.1", "app-nodes", kubelet.port())));
        NodeAgents.join(store.of(NodeKind.RESOURCE).create(node("node-b", "127.0.0.1", "app-nodes", kubelet.port())));
        // a node whose kubelet is not on loopback: never scraped, shown <unknown>
        NodeAgents.join(store.of(NodeKind.RESOURCE).create(node("node-far", "10.1.2.3", "far", kubelet.port())));
        NodeAgents.join(store.of(PodKind.RESOURCE).create(pod("default", "web-1", "node-a", "web")));
        NodeAgents.join(store.of(PodKind.RESOURCE).create(pod("default", "web-2", "node-b", "web")));
        NodeAgents.join(store.of(PodKind.RESOURCE).create(pod("kube-system", "dns-1", "node-a", "dns")));
        // in etcd but not in any summary: no metrics
        NodeAgents.join(store.of(PodKind.RESOURCE).create(pod("default", "pending", "", "web")));

        server = start(0);

        kubectl = CLUSTER.kubectl("admin-token");
        kubectl.run("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
                        spec:
                          selector: {k8s-app: metrics-server}
                          ports: [{name: https, port: 443, protocol: TCP, targetPort: https}]
                        ---
                        apiVersion: apiregistration.k8s.io/v1
                        kind: APIService
                        metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
                        spec:
                          group: metrics.k8s.io
                          version: v1beta1
                          groupPriorityMinimum: 100
                          versionPriority: 100
                          insecureSkipTLSVerify: true
                          service: {namespace: kube-system, name: metrics-server}
                        """, Map.of(), "apply", "-f", "-").ok();
        NodeAgents.join(store.of(EndpointSliceKind.RESOURCE).create(slice(server.port())));
    }

    /** The component on {@code port} (0: a free one), scraping every second. */
    static MetricsServerComponent start(int port) throws Exception {
        MetricsServerOptions o = new MetricsServerOptions();
        o.securePort = port;
        o.metricResolution = Duration.ofSeconds(1);
        o.kubeletRequestTimeout = Duration.ofSeconds(2);
        MetricsServerComponent c = new MetricsServerComponent(o);
        c.start(new ComponentContext(
                "metrics-server",
                "metrics-server-test",
                CLUSTER.etcd(),
                new CommonOptions(),
                new SimpleMeterRegistry(),
                new ReadinessChecks(),
                (reason, t) -> {
                    throw new AssertionError("fatal: " + reason, t);
                }));
        return c;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kubelet != null) {
            kubelet.close();
        }
    }

    /** A node as kubelet-sim writes it, its kubelet at {@code ip:kubeletPort}. */
    static Node node(String name, String ip, String pool, int kubeletPort) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putLabels("pool", pool))
                .setStatus(NodeStatus.newBuilder()
                        .addAddresses(
                                NodeAddress.newBuilder().setType("InternalIP").setAddress(ip))
                        .setDaemonEndpoints(NodeDaemonEndpoints.newBuilder()
                                .setKubeletEndpoint(DaemonEndpoint.newBuilder().setPort(kubeletPort)))
                        .putCapacity("cpu", "4")
                        .putCapacity("memory", "8Gi")
                        .putAllocatable("cpu", "4")
                        .putAllocatable("memory", "8Gi"))
                .build();
    }

    static Pod pod(String ns, String name, String node, String app) {
        return Pod.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace(ns).setName(name).putLabels("app", app))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(node)
                        .addContainers(Container.newBuilder().setName("app").setImage("nginx")))
                .build();
    }

    static EndpointSlice slice(int port) {
        return EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("metrics-server-1")
                        .setNamespace("kube-system")
                        .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "metrics-server"))
                .setAddressType("IPv4")
                .addEndpoints(Endpoint.newBuilder()
                        .addAddresses("127.0.0.1")
                        .setConditions(EndpointConditions.newBuilder().setReady(true)))
                .addPorts(
                        EndpointPort.newBuilder().setName("https").setPort(port).setProtocol("TCP"))
                .build();
    }

    /** Polls {@code kubectl args} until it succeeds with {@code expected}, then returns its output. */
    static String awaitOutput(String expected, String... args) {
        return Poll.until(
                WAIT,
                "kubectl " + String.join(" ", args) + " to print\n" + expected,
                () -> {
                    Kubectl.Result r = kubectl.run(args);
                    return r.exitCode() == 0 ? r.out() : "exit " + r.exitCode() + ": " + r.err();
                },
                expected::equals);
    }

    @Test
    @Order(1)
    void topNodesPrintsUsageAndPercentOfAllocatableAndUnknownForUnscrapedNodes() {
        awaitOutput("""
                NAME       CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)  \s
                node-a     250m         6%          1536Mi          18%        \s
                node-b     1500m        37%         3072Mi          37%        \s
                node-far   <unknown>    <unknown>   <unknown>       <unknown>  \s
                """, "top", "nodes");
    }

    @Test
    @Order(2)
    void topNodeNameAndLabelSelector() {
        awaitOutput("""
                NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)  \s
                node-b   1500m        37%      3072Mi          37%        \s
                """, "top", "node", "node-b");
        awaitOutput("""
                NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)  \s
                node-b   1500m        37%      3072Mi          37%        \s
                node-a   250m         6%       1536Mi          18%        \s
                """, "top", "nodes", "-l", "pool=app-nodes", "--sort-by", "cpu");
    }

    @Test
    @Order(3)
    void topPodsAllNamespacesWithContainers() {
        awaitOutput("""
                NAMESPACE     POD     NAME      CPU(cores)   MEMORY(bytes)  \s
                default       web-1   app       124m         64Mi           \s
                default       web-1   sidecar   5m           16Mi           \s
                default       web-2   app       300m         100Mi          \s
                kube-system   dns-1   coredns   2m           12Mi           \s
                """, "top", "pods", "-A", "--containers");
        awaitOutput("""
                NAME    CPU(cores)   MEMORY(bytes)  \s
                web-2   300m         100Mi          \s
                web-1   129m         80Mi           \s
                """, "top", "pods", "-l", "app=web", "--sort-by", "cpu");
    }

    @Test
    @Order(4)
    void rawAnswersHaveMetricsServerFieldsAndStatusErrors() throws Exception {
        JsonNode pod =
                JSON.readTree(kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1")
                        .ok());
        assertThat(pod.path("kind").asText()).isEqualTo("PodMetrics");
        assertThat(pod.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        assertThat(pod.path("window").asText()).matches("\\d+s");
        assertThat(pod.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(pod.path("containers").get(0).path("usage").path("cpu").asText())
                .isEqualTo("123456789n");
        assertThat(pod.path("containers").get(0).path("usage").path("memory").asText())
                .isEqualTo("64Mi");

        Kubectl.Result missing = kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/nope");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("nodemetrics.metrics.k8s.io \"nope\" not found");
        Kubectl.Result noPod =
                kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/pending");
        assertThat(noPod.err()).contains("podmetrics.metrics.k8s.io \"default/pending\" not found");
        Kubectl.Result badSelector =
                kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a%20in");
        assertThat(badSelector.exitCode()).isNotZero();
        assertThat(badSelector.err()).contains("BadRequest");

        JsonNode byName = JSON.readTree(
                kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Dweb-2")
                        .ok());
        assertThat(byName.path("kind").asText()).isEqualTo("PodMetricsList");
        assertThat(byName.path("items").findValuesAsText("name")).containsExactly("web-2", "app");
    }

    @Test
    @Order(5)
    void klTopPrintsWhatKubectlTopPrints() {
        List<List<String>> commands = List.of(
                List.of("top", "nodes"),
                List.of("top", "node", "node-a"),
                List.of("top", "nodes", "--sort-by", "memory", "-l", "pool=app-nodes"),
                List.of("top", "pods", "-A", "--containers"),
                List.of("top", "pods", "-A", "--sort-by", "cpu", "--sum"),
                List.of("top", "pods", "-n", "kube-system", "--no-headers"),
                List.of("top", "pod", "web-1", "--containers", "--sort-by", "memory"));
        for (List<String> c : commands) {
            String want = kubectl.run(c.toArray(String[]::new)).ok();
            assertThat(kl(c.toArray(String[]::new)))
                    .as("kl " + String.join(" ", c))
                    .isEqualTo(want);
        }
        assertThat(kl("top", "pods", "-n", "empty-ns"))
                .isEqualTo(kubectl.run("top", "pods", "-n", "empty-ns").err());
    }

    /** kl's stdout when it exits 0, else its stderr. */
    static String kl(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(
                List.of("--kubeconfig", kubectl.kubeconfig().toString()));
        all.addAll(List.of(args));
        int code = io.kubelite.cli.Kl.run(
                all.toArray(String[]::new),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.util.HashMap<>(),
                Clock.systemUTC());
        String o = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        return code == 0 && !o.isEmpty() ? o : err.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    @Order(7)
    void withTheServerGoneTopFailsAsKubesDoesAndComesBackWithIt() throws Exception {
        int port = server.port();
        server.close();
        Kubectl.Result down = Poll.until(
                WAIT,
                "kubectl top nodes to fail: ServiceUnavailable, or the metrics API gone from discovery",
                () -> kubectl.run("top", "nodes"),
                r -> r.exitCode() != 0
                        && (r.err().contains("ServiceUnavailable") || r.err().contains("Metrics API not available")));
        assertThat(down.out()).isEmpty();
        assertThat(kl("top", "nodes")).containsAnyOf("ServiceUnavailable", "Metrics API not available");

        server = start(port);
        awaitOutput("""
                NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)  \s
                node-a   250m         6%       1536Mi          18%        \s
                """, "top", "node", "node-a");
    }

    @Test
    @Order(6)
    void aBadKubeletAnswerDropsOnlyThatNodeAndItComesBack() {
        kubelet.mode("node-b", FakeKubelet.Mode.GARBAGE);
        try {
            awaitOutput("""
                    NAME     CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)  \s
                    node-a   250m         6%          1536Mi          18%        \s
                    node-b   <unknown>    <unknown>   <unknown>       <unknown>  \s
                    """, "top", "nodes", "-l", "pool=app-nodes");
        } finally {
            kubelet.mode("node-b", FakeKubelet.Mode.OK);
        }
        awaitOutput("""
                NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)  \s
                node-b   1500m        37%      3072Mi          37%        \s
                """, "top", "node", "node-b");
    }
}
