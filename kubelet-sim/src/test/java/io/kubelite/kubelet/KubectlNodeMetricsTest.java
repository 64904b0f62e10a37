package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kubelet.usage.ContainerSnapshot;
import io.kubelite.kubelet.usage.NodeSnapshot;
import io.kubelite.store.runtime.KubeletNodeHeader;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's per-node metrics as a kubelet serves them ({@code /metrics/resource},
 * {@code /metrics/cadvisor}, {@code /stats/summary}), read with the real {@code kubectl get --raw}
 * through an in-process API server's node proxy from a kubelet-sim of two nodes on a real etcd; and
 * the {@code X-Kubelite-Node} header's errors, straight from the kubelet port. The CPU-throttled
 * busy loop is the usage docs' example.
 */
class KubectlNodeMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE = "sim-node-0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
        // real time: a usage tick is a second, so a summary read between two ticks matches the snapshots
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(2).usageSeed(5).podCidrFallback("10.206.0.0/16"));
        kubectl.run("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: busy}
                        spec:
                          nodeName: sim-node-0
                          containers:
                          - name: loop
                            image: busybox
                            command: ["sh", "-c", "while true; do :; done"]
                            resources:
                              requests: {cpu: 250m, memory: 32Mi}
                              limits: {cpu: 500m, memory: 64Mi}
                        """, Map.of(), "apply", "-f", "-").ok();
        Poll.until(WAIT, "busy/loop throttled in more than 20 CFS periods", () -> {
            ContainerSnapshot s = usage();
            return s != null && s.cpuThrottledPeriods() > 20;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static ContainerSnapshot usage() {
        return sim.sim.usage().containers(NODE).stream()
                .filter(c -> c.pod().equals("busy") && c.container().equals("loop"))
                .findFirst()
                .orElse(null);
    }

    static String raw(String node, String path) {
        return kubectl.run("get", "--raw", "/api/v1/nodes/" + node + "/proxy" + path)
                .ok();
    }

    /** One sample of a Prometheus text exposition: its value and its timestamp (0: none). */
    record Sample(double value, long timestamp) {}

    /** The sample of {@code name} whose labels include every {@code key="value"} given; fails showing the family seen. */
    static Sample sample(String text, String name, String... labels) {
        return text.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .findFirst()
                .map(l -> {
                    String rest =
                            l.startsWith(name + "{") ? l.substring(l.lastIndexOf('}') + 1) : l.substring(name.length());
                    String[] f = rest.trim().split(" ");
                    return new Sample(Double.parseDouble(f[0]), f.length > 1 ? Long.parseLong(f[1]) : 0);
                })
                .orElseThrow(() -> new AssertionError("no " + name + " sample with " + Arrays.toString(labels)
                        + "; the family:\n"
                        + text.lines().filter(l -> l.contains(name)).collect(Collectors.joining("\n"))));
    }

    @Test
    void resourceMetricsShowTheBusyLoopsRisingCpuAndItsWorkingSet() {
        String loop = "container=\"loop\"";
        String busy = "pod=\"busy\"";
        String text = raw(NODE, "/metrics/resource");
        assertThat(text)
                .contains("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the"
                        + " container in core-seconds\n# TYPE container_cpu_usage_seconds_total counter\n")
                .contains("# HELP node_swap_usage_bytes [ALPHA] Current swap usage of the node in bytes.")
                .contains("\nresource_scrape_error 0");
        Sample first = sample(text, "container_cpu_usage_seconds_total", loop, busy, "namespace=\"default\"");
        assertThat(first.value()).isPositive();
        assertThat(first.timestamp())
                .as("kube's explicit sample timestamp, milliseconds")
                .isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
        assertThat(sample(text, "container_memory_working_set_bytes", loop, busy)
                        .value())
                .isPositive();
        assertThat(sample(text, "pod_cpu_usage_seconds_total", busy).value()).isGreaterThanOrEqualTo(first.value());
        assertThat(sample(text, "node_cpu_usage_seconds_total").value()).isGreaterThan(first.value());
        assertThat(sample(text, "container_start_time_seconds", loop, busy).timestamp())
                .as("start times carry no timestamp")
                .isZero();

        Sample later = Poll.until(
                WAIT,
                "busy/loop's container_cpu_usage_seconds_total above " + first.value(),
                () -> sample(raw(NODE, "/metrics/resource"), "container_cpu_usage_seconds_total", loop, busy),
                s -> s.value() > first.value());
        assertThat(later.timestamp()).isGreaterThan(first.timestamp());
    }

    @Test
    void cadvisorMetricsShowThrottlingTheLimitsAndTheCgroups() {
        Pod pod = sim.get("busy");
        ContainerSnapshot s = usage();
        String id = s.containerId().substring("containerd://".length());
        String cgroup = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + pod.getMetadata().getUid().replace('-', '_') + ".slice";
        String container = "id=\"" + cgroup + "/cri-containerd-" + id + ".scope\"";
        String text = raw(NODE, "/metrics/cadvisor");

        String labels = "{container=\"loop\"," + container + ",image=\"docker.io/library/busybox:latest\",name=\"" + id
                + "\",namespace=\"default\",pod=\"busy\"}";
        assertThat(text).contains("container_cpu_usage_seconds_total{container=\"loop\",cpu=\"total\"," + container);
        assertThat(sample(text, "container_cpu_cfs_throttled_periods_total", container)
                        .value())
                .as("throttled periods of a busy loop under a 500m limit")
                .isGreaterThan(20);
        assertThat(sample(text, "container_cpu_cfs_throttled_seconds_total", container)
                        .value())
                .isPositive();
        assertThat(sample(text, "container_cpu_cfs_periods_total", container).value())
                .isGreaterThanOrEqualTo(sample(text, "container_cpu_cfs_throttled_periods_total", container)
                        .value());
        assertThat(text)
                .contains("container_spec_cpu_quota" + labels + " 50000")
                .contains("container_spec_cpu_period" + labels + " 100000")
                .contains("container_spec_memory_limit_bytes" + labels + " 6.7108864E7")
                // 250m: 256 shares, cpu.weight 10 on cgroup v2, read back by cAdvisor as 237
                .contains("container_spec_cpu_shares" + labels + " 237");
        assertThat(sample(text, "container_memory_working_set_bytes", container).value())
                .isPositive();
        assertThat(sample(text, "container_start_time_seconds", container).value())
                .isEqualTo(s.startedAtMillis() / 1000);

        // the pod's cgroup and the root, with blank labels where they have none
        String podCgroup =
                "{container=\"\",id=\"" + cgroup + "\",image=\"\",name=\"\",namespace=\"default\",pod=\"busy\"}";
        assertThat(text).contains("container_spec_cpu_quota" + podCgroup + " 50000");
        assertThat(sample(text, "container_memory_working_set_bytes", "id=\"" + cgroup + "\"")
                        .value())
                .isPositive();
        assertThat(sample(text, "container_cpu_usage_seconds_total", "id=\"/\"").value())
                .isPositive();
        assertThat(text).contains("machine_cpu_cores{boot_id=\"").contains("machine_memory_bytes{boot_id=\"");
        assertThat(sample(text, "machine_cpu_cores").value()).isEqualTo(8);
        assertThat(sample(text, "machine_memory_bytes").value()).isEqualTo(32.0 * 1024 * 1024 * 1024);
    }

    /** A summary read through the API server and the snapshots taken just before and after it. */
    record Read(JsonNode summary, ContainerSnapshot container, NodeSnapshot node, boolean noTickBetween) {}

    @Test
    void statsSummaryAgreesWithTheUsageSnapshots() {
        Pod pod = sim.get("busy");
        // a usage tick may fall between the snapshots and the request: read again until none did
        Read r = Poll.until(
                WAIT,
                "a summary read between two usage ticks",
                () -> {
                    NodeSnapshot node = sim.sim.usage().node(NODE).orElseThrow();
                    ContainerSnapshot before = usage();
                    JsonNode json = parse(raw(NODE, "/stats/summary"));
                    ContainerSnapshot after = usage();
                    NodeSnapshot nodeAfter = sim.sim.usage().node(NODE).orElseThrow();
                    return new Read(
                            json,
                            before,
                            node,
                            before.timestampMillis() == after.timestampMillis()
                                    && node.timestampMillis() == nodeAfter.timestampMillis());
                },
                Read::noTickBetween);
        JsonNode n = r.summary().path("node");
        assertThat(n.path("nodeName").asText()).isEqualTo(NODE);
        assertThat(n.path("cpu").path("usageCoreNanoSeconds").asLong())
                .isEqualTo(r.node().cpuUsageCoreNanos());
        assertThat(n.path("memory").path("workingSetBytes").asLong())
                .isEqualTo(r.node().workingSetBytes());
        assertThat(n.path("memory").path("availableBytes").asLong())
                .isEqualTo(r.node().availableBytes());
        assertThat(n.path("cpu").path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        JsonNode p = null;
        for (JsonNode candidate : r.summary().path("pods")) {
            if (candidate.path("podRef").path("name").asText().equals("busy")) {
                p = candidate;
            }
        }
        assertThat(p).as("pod busy in %s", r.summary()).isNotNull();
        assertThat(p.path("podRef").path("namespace").asText()).isEqualTo("default");
        assertThat(p.path("podRef").path("uid").asText())
                .isEqualTo(pod.getMetadata().getUid());
        JsonNode c = p.path("containers").get(0);
        ContainerSnapshot s = r.container();
        assertThat(c.path("name").asText()).isEqualTo("loop");
        assertThat(c.path("cpu").path("usageCoreNanoSeconds").asLong()).isEqualTo(s.cpuUsageCoreNanos());
        assertThat(c.path("cpu").path("usageNanoCores").asLong())
                .as("a busy loop held at its 500m limit")
                .isEqualTo(500_000_000L);
        assertThat(c.path("memory").path("workingSetBytes").asLong()).isEqualTo(s.workingSetBytes());
        assertThat(c.path("memory").path("availableBytes").asLong()).isEqualTo(64L * 1024 * 1024 - s.workingSetBytes());
        assertThat(c.path("startTime").asText())
                .isEqualTo(java.time.Instant.ofEpochSecond(s.startedAtMillis() / 1000)
                        .toString());
        assertThat(p.path("cpu").path("usageCoreNanoSeconds").asLong()).isEqualTo(s.cpuUsageCoreNanos());
        assertThat(p.path("memory").path("workingSetBytes").asLong()).isEqualTo(s.workingSetBytes());
    }

    @Test
    void eachNodeAnswersForItselfAndTheHeaderErrorsAreClear() throws Exception {
        assertThat(parse(raw("sim-node-1", "/stats/summary"))
                        .path("node")
                        .path("nodeName")
                        .asText())
                .isEqualTo("sim-node-1");
        assertThat(raw("sim-node-1", "/metrics/resource")).doesNotContain("pod=\"busy\"");

        HttpResponse<String> missing = direct("/metrics/resource", null);
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
        assertThat(missing.body()).contains("serves 2 nodes").contains(KubeletNodeHeader.NAME);

        HttpResponse<String> unknown = direct("/stats/summary", "no-such-node");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"no-such-node\"").contains("not simulated");

        HttpResponse<String> ok = direct("/metrics/cadvisor", NODE);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void aProcessSimulatingOneNodeAnswersWithoutTheHeader() throws Exception {
        try (SimHarness solo = new SimHarness(
                ETCD, new KubeletSimOptions().nodes(1).nodeNamePrefix("solo-").timeScale(10))) {
            HttpRequest req = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + solo.sim.kubeletPort() + "/stats/summary"))
                    .build();
            HttpResponse<String> r = Poll.until(
                    WAIT,
                    "solo-0's summary with its first sample",
                    () -> send(req),
                    resp -> resp.statusCode() != 200
                            || parse(resp.body()).path("node").has("cpu"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(parse(r.body()).path("node").path("nodeName").asText()).isEqualTo("solo-0");
            assertThat(parse(r.body()).path("pods").isArray()).isTrue();
        }
    }

    static HttpResponse<String> send(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static HttpResponse<String> direct(String path, String node) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.sim.kubeletPort() + path));
        if (node != null) {
            b.header(KubeletNodeHeader.NAME, node);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
