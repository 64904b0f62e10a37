package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.dashboard.testing.MetricsServerProcess;
import io.kubelite.store.testing.Poll;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resource usage from {@code metrics.k8s.io} in headless Chromium, against a real cluster with
 * kubelite's metrics-server as its own process behind the API server's aggregation layer ({@link
 * MetricsServerProcess}). kubelet-sim's usage annotations fix the containers' usage, so the
 * numbers are known: a pod {@code busy} on {@value #NODE} uses 400m CPU and 300Mi, and a node adds
 * 50m and 64Mi for its own processes. Checked as a user would: the overview's "unavailable" turns
 * into numbers once metrics-server serves, without a reload; a node's usage bar says what the real
 * {@code kubectl top node} says (within {@value #CPU_TOLERANCE_MILLIS}m and {@value
 * #MEMORY_TOLERANCE_MI}Mi: both read a sample that moves), and
 * the cluster's bar their sum; the pod page charts each container's usage with its request and
 * limit, gaining samples without a reload; with metrics-server killed, the pod page keeps its
 * samples and says why no new one comes, and the overview says usage is unavailable again.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsageBrowserTest {
    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER = new DashboardCluster().controllers("endpointslice");

    @RegisterExtension
    @Order(2)
    static final MetricsServerProcess METRICS = new MetricsServerProcess(CLUSTER);

    @RegisterExtension
    @Order(3)
    static final Browser BROWSER = new Browser();

    static final String NODE = "sim-node-1";
    static final long CPU_TOLERANCE_MILLIS = 10;
    static final long MEMORY_TOLERANCE_MI = 2;
    static final Duration WAIT = Duration.ofSeconds(60);

    private static final String BUSY = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: busy
              annotations:
                sim.kubelite.io/cpu-usage.app: 400m
                sim.kubelite.io/memory-usage.app: 300Mi
                sim.kubelite.io/cpu-usage.sidecar: 20m
                sim.kubelite.io/memory-usage.sidecar: 16Mi
            spec:
              nodeName: sim-node-1
              containers:
              - name: app
                image: busybox
                command: [sleep, "3600"]
                resources:
                  requests: {cpu: 250m, memory: 256Mi}
                  limits: {cpu: 500m, memory: 512Mi}
              - name: sidecar
                image: busybox
                command: [sleep, "3600"]
            """;

    @Test
    @Order(1)
    void theOverviewTurnsFromUnavailableToWhatKubectlTopSays() throws Exception {
        CLUSTER.kubectl().run(BUSY, Map.of(), "apply", "-f", "-").ok();
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", "Cluster overview"::equals);
        String row = "tr[data-node=" + NODE + "]";
        BROWSER.waitForElement(
                "[data-metrics]",
                "usage unavailable before metrics-server runs",
                t -> t.startsWith("usage unavailable (no metrics-server answers"));
        BROWSER.waitForElement(row + " [data-field=cpu] [data-field=requests]", "busy's CPU request", "250m"::equals);
        assertThat(BROWSER.textOf(row + " [data-field=cpu] [data-field=usage]")).isEqualTo("–");
        assertThat(BROWSER.textOf("[data-field=cluster-usage] [data-field=memory] [data-field=usage]"))
                .isEqualTo("–");

        METRICS.start();

        // the same page, not reloaded: usage arrives with the poll after metrics-server answers
        BROWSER.waitForElement(
                "[data-metrics]", "usage from metrics.k8s.io on the open page", "usage from metrics.k8s.io"::equals);
        Map<String, Usage> top = awaitPageMatchingTop(row, NODE);
        assertThat(top.get(NODE).cpuMillis())
                .as("busy's 420m plus the node's 50m")
                .isBetween(460L, 480L);

        // the cluster: allocatable, requests and usage summed over the 4 nodes
        Map<String, Usage> all = awaitPageMatchingTop("[data-field=cluster-usage]", null);
        assertThat(all).hasSize(DashboardCluster.NODES);
        assertThat(BROWSER.textOf("[data-field=cluster-usage] [data-field=cpu] [data-field=allocatable]"))
                .isEqualTo("32");
        assertThat(BROWSER.textOf("[data-field=cluster-usage] [data-field=memory] [data-field=requests]"))
                .isEqualTo("256Mi");
    }

    @Test
    @Order(2)
    void thePodPageChartsEachContainersUsageAndGainsSamplesLive() throws Exception {
        METRICS.start();
        BROWSER.open(CLUSTER.url() + "/#/pod?namespace=default&name=busy");
        BROWSER.waitForElement("h1", "busy's page", "Pod default/busy"::equals);
        String app = "[data-usage-container=app] figure";
        BROWSER.waitForElement(
                app + ":first-of-type figcaption",
                "app's CPU at its annotated 400m (±" + CPU_TOLERANCE_MILLIS + "m) with its request and limit",
                t -> cpuNear(t, "CPU: (\\d+)m, request 250m, limit 500m", 400));
        BROWSER.waitForElement(
                app + ":last-of-type figcaption",
                "app's memory at its annotated usage with its request and limit",
                "Memory: 300Mi, request 256Mi, limit 512Mi"::equals);
        BROWSER.waitForElement(
                "[data-usage-container=sidecar] figure:first-of-type figcaption",
                "the sidecar's CPU at its annotated 20m, without request or limit",
                t -> cpuNear(t, "CPU: (\\d+)m", 20));
        assertThat(BROWSER.textOf("[data-field=metrics-problem]")).isNull();

        // metrics-server scrapes every second and the dashboard reads every second: the chart grows
        int first = samples(app);
        String grown = Poll.until(
                Duration.ofSeconds(30),
                "app's CPU chart to gain 3 samples after " + first + " without a reload",
                () -> BROWSER.script(
                                "const f = document.querySelector(arguments[0]); return f ? f.dataset.samples : null",
                                app)
                        + "",
                s -> !s.equals("null") && Integer.parseInt(s) >= first + 3);
        assertThat(BROWSER.script("return document.querySelector(arguments[0] + ' path.chart-line') !== null", app))
                .as("a line, not a dot, once there are " + grown + " samples")
                .isEqualTo(true);
    }

    @Test
    @Order(3)
    void metricsServerKilledThePodPageKeepsItsSamplesAndSaysWhyAndTheOverviewSaysUnavailable() throws Exception {
        METRICS.start();
        BROWSER.open(CLUSTER.url() + "/#/pod?namespace=default&name=busy");
        String app = "[data-usage-container=app] figure";
        BROWSER.waitForElement(
                app + " figcaption", "app's CPU chart", t -> cpuNear(t, "CPU: (\\d+)m, request 250m, limit 500m", 400));
        int before = samples(app);

        METRICS.kill9();

        BROWSER.waitForElement(
                "[data-field=metrics-problem]",
                "the pod page saying why there is no new sample",
                t -> t.startsWith("Metrics unavailable"));
        assertThat(samples(app)).as("the samples read before stay on the chart").isGreaterThanOrEqualTo(before);
        BROWSER.open(CLUSTER.url() + "/#/overview");
        BROWSER.waitForElement(
                "[data-metrics]",
                "the overview saying usage is unavailable again",
                t -> t.startsWith("usage unavailable (no metrics-server answers"));
        assertThat(BROWSER.textOf("tr[data-node=" + NODE + "] [data-field=cpu] [data-field=usage]"))
                .isEqualTo("–");
        assertThat(BROWSER.textOf("tr[data-node=" + NODE + "] [data-field=cpu] [data-field=requests]"))
                .as("requests do not depend on metrics-server")
                .isEqualTo("250m");
    }

    /**
     * Whether {@code caption} matches {@code pattern} with its millicores within the tolerance of
     * {@code millis}: metrics-server's rate over two samples' timestamps is off by a millicore or two.
     */
    private static boolean cpuNear(String caption, String pattern, long millis) {
        Matcher m = Pattern.compile(pattern).matcher(caption);
        return m.matches() && Math.abs(Long.parseLong(m.group(1)) - millis) <= CPU_TOLERANCE_MILLIS;
    }

    private static int samples(String figure) {
        Object s = BROWSER.script(
                "const f = document.querySelector(arguments[0]); return f ? f.dataset.samples : null", figure);
        assertThat(s).as("samples of " + figure).isNotNull();
        return Integer.parseInt(s.toString());
    }

    /** What {@code kubectl top node} printed: usage per node. */
    record Usage(long cpuMillis, long memoryMi) {}

    /**
     * Polls the page's usage bar under {@code scope} and {@code kubectl top nodes} until they agree
     * within the tolerances: for {@code node}, that node's row; for null, the sum of all rows.
     * Returns kubectl's answer; a timeout shows both.
     */
    private static Map<String, Usage> awaitPageMatchingTop(String scope, String node) {
        record Seen(String pageCpu, String pageMemory, Map<String, Usage> top, String topOut) {}
        Seen seen = Poll.until(
                WAIT,
                (node == null ? "the cluster's" : node + "'s") + " usage bars on the page to match kubectl top nodes"
                        + " (±" + CPU_TOLERANCE_MILLIS + "m, ±" + MEMORY_TOLERANCE_MI + "Mi)",
                () -> {
                    var r = CLUSTER.kubectl().run("top", "nodes", "--no-headers");
                    return new Seen(
                            BROWSER.textOf(scope + " [data-field=cpu] [data-field=usage]"),
                            BROWSER.textOf(scope + " [data-field=memory] [data-field=usage]"),
                            r.exitCode() == 0 ? parseTop(r.out()) : Map.of(),
                            r.exitCode() == 0 ? r.out() : r.err());
                },
                s -> {
                    if (s.top().isEmpty() || s.pageCpu() == null || s.pageCpu().equals("–")) {
                        return false;
                    }
                    long cpu = node == null
                            ? s.top().values().stream()
                                    .mapToLong(Usage::cpuMillis)
                                    .sum()
                            : s.top()
                                    .getOrDefault(node, new Usage(-1_000_000, 0))
                                    .cpuMillis();
                    long memory = node == null
                            ? s.top().values().stream()
                                    .mapToLong(Usage::memoryMi)
                                    .sum()
                            : s.top()
                                    .getOrDefault(node, new Usage(0, -1_000_000))
                                    .memoryMi();
                    int nodes = node == null ? s.top().size() : 1;
                    return Math.abs(millis(s.pageCpu()) - cpu) <= CPU_TOLERANCE_MILLIS * nodes
                            && Math.abs(mebibytes(s.pageMemory()) - memory) <= MEMORY_TOLERANCE_MI * nodes;
                });
        return seen.top();
    }

    /** {@code kubectl top nodes --no-headers}: NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%). */
    static Map<String, Usage> parseTop(String out) {
        Map<String, Usage> m = new LinkedHashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || f[1].equals("<unknown>")) {
                continue;
            }
            m.put(f[0], new Usage(millis(f[1]), mebibytes(f[3])));
        }
        return m;
    }

    /** A CPU quantity as the page or kubectl prints it ("450m", "2") in millicores. */
    static long millis(String q) {
        return q.endsWith("m")
                ? Long.parseLong(q.substring(0, q.length() - 1))
                : new BigDecimal(q).multiply(BigDecimal.valueOf(1000)).longValue();
    }

    /** A memory quantity as the page or kubectl prints it ("364Mi", "1.5Gi") in whole MiB. */
    static long mebibytes(String q) {
        String[][] units = {{"Ki", "0.0009765625"}, {"Mi", "1"}, {"Gi", "1024"}, {"Ti", "1048576"}};
        for (String[] u : units) {
            if (q.endsWith(u[0])) {
                return new BigDecimal(q.substring(0, q.length() - 2))
                        .multiply(new BigDecimal(u[1]))
                        .longValue();
            }
        }
        return Long.parseLong(q) >> 20;
    }
}
