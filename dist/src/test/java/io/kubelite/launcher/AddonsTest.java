package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.cli.Kl;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The add-ons of {@code kubelite up} for real, on one cluster shared by the class (every
 * component its own OS process): the DNS server and kube-proxy run and show themselves as
 * mirror pods in kube-system with their logs, the kube-dns Service (installed through the API
 * server, as {@code kubelite addons} does) has 10.96.0.10 and kubeadm's ports and the DNS
 * process as its endpoint, the real dig resolves it, kube-proxy has its chains, and the
 * {@code kubelite addons} command is idempotent and refuses a taken IP or a silent server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddonsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path dir;
    private String dnsPort;
    private int dnsHealthPort;
    private int rulesPort;
    private String upOutput;
    private Kubectl kubectl;
    private final List<Process> launched = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        dir = Files.createTempDirectory("kubelite-addons-");
        dnsPort = Integer.toString(FreePorts.next());
        Result up = kubelite(
                Duration.ofSeconds(240),
                "up",
                "--dir",
                dir.toString(),
                "--port",
                Integer.toString(FreePorts.next()),
                "--detach",
                "--nodes",
                "2",
                "--time-scale",
                "10",
                "--dns-port",
                dnsPort);
        upOutput = up.output();
        assertThat(up.code()).as(up.output()).isZero();
        dnsHealthPort = Integer.parseInt(group(up.output(), "✓ dns\\s+ready \\(pid \\d+, health :(\\d+)\\)"));
        rulesPort = Integer.parseInt(group(up.output(), "rules on 127\\.0\\.0\\.1:(\\d+)"));
        kubectl = Kubectl.withKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (dir != null) {
                kubelite(Duration.ofSeconds(90), "down", "--dir", dir.toString());
                ClusterState.load(dir.resolve("cluster.json"))
                        .ifPresent(s -> s.processes.forEach(
                                p -> ClusterState.live(p).ifPresent(ProcessHandle::destroyForcibly)));
            }
        } finally {
            launched.forEach(Process::destroyForcibly);
            if (dir != null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void upStartsKubeProxyAndInstallsTheKubeDnsService() {
        assertThat(upOutput)
                .contains("✓ dns", "✓ kube-proxy", "✓ addons", "service/kube-dns created", "kubelite is up")
                .doesNotContain("Exception");
        Result status = uncheckedKubelite(Duration.ofSeconds(30), "status", "--dir", dir.toString());
        assertThat(status.code()).as(status.output()).isZero();
        assertThat(status.output())
                .contains(
                        "127.0.0.1:" + dnsPort + " udp+tcp, health 127.0.0.1:" + dnsHealthPort,
                        "rules 127.0.0.1:" + rulesPort + ", health 127.0.0.1:");
        assertThat(status.output().lines().filter(l -> l.startsWith("kube-proxy ") || l.startsWith("dns ")))
                .as(status.output())
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains(" ready "));
    }

    @Test
    void theKubeDnsServiceHasKubeadmsShape() throws Exception {
        JsonNode svc = json(kubectl.run("-n", "kube-system", "get", "svc", "kube-dns", "-o", "json")
                .ok());
        assertThat(svc.at("/spec/clusterIP").asText()).isEqualTo("10.96.0.10");
        assertThat(svc.at("/spec/selector/k8s-app").asText()).isEqualTo("kube-dns");
        assertThat(svc.at("/metadata/labels/kubernetes.io~1name").asText()).isEqualTo("CoreDNS");
        assertThat(svc.at("/metadata/annotations/prometheus.io~1port").asText()).isEqualTo("9153");
        List<String> ports = new ArrayList<>();
        svc.at("/spec/ports")
                .forEach(p -> ports.add(p.path("name").asText() + " "
                        + p.path("port").asInt() + "/" + p.path("protocol").asText() + "->"
                        + p.path("targetPort").asText()));
        assertThat(ports).containsExactly("dns 53/UDP->dns", "dns-tcp 53/TCP->dns-tcp", "metrics 9153/TCP->metrics");
        // and the table a user sees
        assertThat(kubectl.run("-n", "kube-system", "get", "svc", "kube-dns").ok())
                .contains("10.96.0.10", "53/UDP,53/TCP,9153/TCP");
    }

    @Test
    void theDnsMirrorPodBacksTheServiceOnItsRealPorts() throws Exception {
        String want = "127.0.0.1 dns=" + dnsPort + "/UDP dns-tcp=" + dnsPort + "/TCP metrics=" + dnsHealthPort + "/TCP";
        Poll.until(
                Duration.ofSeconds(30),
                "the kube-dns EndpointSlice lists the DNS mirror pod: " + want,
                () -> sliceSummary(kubectl.run(
                                "-n",
                                "kube-system",
                                "get",
                                "endpointslices",
                                "-l",
                                "kubernetes.io/service-name=kube-dns",
                                "-o",
                                "json")
                        .ok()),
                want::equals);
        Poll.until(
                Duration.ofSeconds(30),
                "Endpoints kube-dns lists 127.0.0.1 with the dns port " + dnsPort,
                () -> kubectl.run("-n", "kube-system", "get", "endpoints", "kube-dns", "-o", "wide")
                        .ok(),
                out -> out.contains("127.0.0.1:" + dnsPort));
        assertThat(kubectl.run("-n", "kube-system", "get", "pods", "-l", "k8s-app=kube-dns", "-o", "name")
                        .ok())
                .isEqualTo("pod/kube-dns-dns-0\n");
        assertThat(kubectl.run("-n", "kube-system", "get", "pods", "-l", "k8s-app=kube-proxy", "-o", "name")
                        .ok())
                .isEqualTo("pod/kube-proxy-kube-proxy-0\n");
    }

    @Test
    void metricsServerRunsAsAMirrorPodBehindItsServiceAndApiService() throws Exception {
        assertThat(upOutput)
                .contains(
                        "✓ metrics-server",
                        "service/metrics-server created",
                        "apiservice/v1beta1.metrics.k8s.io created");
        assertThat(kubectl.run("-n", "kube-system", "get", "pods", "-l", "k8s-app=metrics-server", "-o", "name")
                        .ok())
                .isEqualTo("pod/kube-metrics-server-metrics-server-0\n");
        String port = kubectl.run(
                        "-n",
                        "kube-system",
                        "get",
                        "pod",
                        "kube-metrics-server-metrics-server-0",
                        "-o",
                        "jsonpath={.spec.containers[0].ports[?(@.name==\"https\")].containerPort}")
                .ok();
        assertThat(upOutput).contains("https on 127.0.0.1:" + port);
        assertThat(kubectl.run("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "jsonpath={.spec.service.name}")
                        .ok())
                .isEqualTo("metrics-server");
        Result again = kubelite(
                Duration.ofSeconds(60),
                "addons",
                "--kubeconfig",
                dir.resolve("kubeconfig").toString());
        assertThat(again.output())
                .contains(
                        "service/metrics-server unchanged", "apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io");
    }

    @Test
    void theDashboardRunsAsAMirrorPodBehindItsServiceAndItsPrintedLinkSignsInOnce() throws Exception {
        assertThat(upOutput).contains("✓ dashboard", "service/kubelite-dashboard created");
        String link = group(upOutput, "dashboard:\\s+(http://127\\.0\\.0\\.1:\\d+/\\?login=[0-9a-f]{32})\\s");
        String port = group(link, ":(\\d+)/");
        assertThat(kubectl.run(
                                "-n",
                                "kube-system",
                                "get",
                                "pod",
                                "-l",
                                "k8s-app=kubelite-dashboard",
                                "-o",
                                "jsonpath={.items[0].metadata.name} {.items[0].spec.containers[0].ports[?(@.name==\"http\")].containerPort}")
                        .ok())
                .isEqualTo("kube-dashboard-dashboard-0 " + port);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient(); // follows no redirects
        var first = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue("/#/overview");
        assertThat(first.headers().firstValue("Set-Cookie").orElse(""))
                .startsWith("kubelite-dashboard-session=")
                .containsIgnoringCase("HttpOnly") // attribute names are case-insensitive; Vert.x writes HTTPOnly
                .contains("SameSite=Strict");
        var again = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(again.headers().firstValue("Location")).as("a spent code").hasValue("/#/login?reason=link");
        assertThat(Files.exists(dir.resolve("dashboard-login-code")))
                .as("the code file, deleted once read")
                .isFalse();
    }

    @Test
    void podLinesReachTheLogStoreWhichItsServiceSelects() throws Exception {
        assertThat(upOutput).contains("✓ log-store", "service/log-store created");
        String port = group(upOutput, "http on 127\\.0\\.0\\.1:(\\d+)");
        assertThat(kubectl.run(
                                "-n",
                                "kube-system",
                                "get",
                                "pod",
                                "-l",
                                "k8s-app=log-store",
                                "-o",
                                "jsonpath={.items[0].spec.containers[0].ports[?(@.name==\"http\")].containerPort}")
                        .ok())
                .isEqualTo(port);
        kubectl.run("run", "greeter", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo hello-log-store")
                .ok();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String query = java.net.URLEncoder.encode("{pod=\"greeter\"}", StandardCharsets.UTF_8);
        Poll.until(
                Duration.ofSeconds(60),
                "greeter's line in the log store on port " + port,
                () -> {
                    try {
                        return http.send(
                                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                                        + port + "/loki/api/v1/query_range?query=" + query))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body();
                    } catch (Exception e) {
                        return e.toString();
                    }
                },
                body -> body.contains("hello-log-store") && body.contains("\"node\""));
    }

    @Test
    void theAddOnsMirrorPodsServeTheirLogs() {
        assertThat(kubectl.run("-n", "kube-system", "logs", "kube-dns-dns-0").ok())
                .contains("dns zone cluster.local. served on 127.0.0.1:" + dnsPort);
        assertThat(kubectl.run("-n", "kube-system", "logs", "kube-proxy-kube-proxy-0")
                        .ok())
                .contains("kubelite kube-proxy running as kube-proxy-0");
    }

    @Test
    void digResolvesKubeDnsAndKubeProxyHasItsChains() {
        Poll.until(
                Duration.ofSeconds(30),
                "dig kube-dns.kube-system.svc.cluster.local answers 10.96.0.10",
                () -> Dig.shortAnswer(dnsPort, "kube-dns.kube-system.svc.cluster.local"),
                out -> out.trim().equals("10.96.0.10"));
        Poll.until(
                Duration.ofSeconds(60),
                "kl proxy rules node-0 has the kube-dns service chains and the DNS endpoint's DNAT",
                () -> kl("proxy", "rules", "node-0", "--proxy-address", "127.0.0.1:" + rulesPort),
                out -> out.contains("KUBE-SVC-")
                        && out.contains("kube-system/kube-dns:dns cluster IP")
                        && out.contains("kube-system/kube-dns:dns-tcp cluster IP")
                        && out.contains("kube-system/kube-dns:metrics cluster IP")
                        && out.contains("127.0.0.1:" + dnsPort));
    }

    @Test
    void theAddonsCommandChangesNothingTheSecondTime() throws Exception {
        String before = kubectl.run(
                        "-n", "kube-system", "get", "svc", "kube-dns", "-o", "jsonpath={.metadata.resourceVersion}")
                .ok();
        Result again = kubelite(
                Duration.ofSeconds(60),
                "addons",
                "--kubeconfig",
                dir.resolve("kubeconfig").toString());
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(again.output()).contains("service/kube-dns unchanged");
        assertThat(kubectl.run(
                                "-n",
                                "kube-system",
                                "get",
                                "svc",
                                "kube-dns",
                                "-o",
                                "jsonpath={.metadata.resourceVersion}")
                        .ok())
                .as("the Service was not rewritten")
                .isEqualTo(before);
        JsonNode managed =
                json(kubectl.run("-n", "kube-system", "get", "svc", "kube-dns", "-o", "json", "--show-managed-fields")
                        .ok());
        List<String> managers = new ArrayList<>();
        managed.at("/metadata/managedFields")
                .forEach(m -> managers.add(
                        m.path("manager").asText() + " " + m.path("operation").asText()));
        assertThat(managers).contains("kubelite-addons Apply");
    }

    @Test
    void theAddonsCommandRefusesAnIpAnotherServiceHolds() throws Exception {
        assertThat(kubectl.run("create", "service", "clusterip", "squatter", "--tcp=80:80", "--clusterip=10.96.0.20")
                        .ok())
                .contains("service/squatter created");
        Result taken = kubelite(
                Duration.ofSeconds(60),
                "addons",
                "--kubeconfig",
                dir.resolve("kubeconfig").toString(),
                "--cluster-dns-ip",
                "10.96.0.20");
        assertThat(taken.code()).as(taken.output()).isEqualTo(1);
        assertThat(taken.output())
                .contains("kubelite addons: 10.96.0.20 is already the cluster IP of Service default/squatter")
                .doesNotContain("Exception", "\tat ");
        Result missing = kubelite(
                Duration.ofSeconds(60),
                "addons",
                "--kubeconfig",
                dir.resolve("no-such-kubeconfig").toString());
        assertThat(missing.code()).as(missing.output()).isEqualTo(1);
        assertThat(missing.output().strip())
                .isEqualTo("kubelite addons: kubeconfig " + dir.resolve("no-such-kubeconfig") + " does not exist");
        Result bad = kubelite(
                Duration.ofSeconds(60),
                "addons",
                "--kubeconfig",
                dir.resolve("kubeconfig").toString(),
                "--cluster-dns-ip",
                "10.96.0");
        assertThat(bad.code()).as(bad.output()).isEqualTo(1);
        assertThat(bad.output()).contains("--cluster-dns-ip must be an IPv4 address, got \"10.96.0\"");
    }

    @Test
    void theAddonsCommandGivesUpOnASilentApiServerInOneLine() throws Exception {
        Path kubeconfig = dir.resolve("silent-kubeconfig");
        Kubeconfig.writeToken(kubeconfig, "http://127.0.0.1:" + FreePorts.next(), "t");
        Result r = kubelite(Duration.ofSeconds(60), "addons", "--kubeconfig", kubeconfig.toString(), "--timeout", "2s");
        assertThat(r.code()).as(r.output()).isEqualTo(1);
        assertThat(r.output().strip())
                .startsWith("kubelite addons: the API server at http://127.0.0.1:")
                .contains("did not become ready within 2s (last: connection refused)")
                .doesNotContain("Exception", "\tat ");
        assertThat(r.output().strip().lines().count()).as(r.output()).isEqualTo(1);
    }

    @Test
    void upRefusesAServiceRangeWithoutRoomForTheDnsIpBeforeStartingAnything() throws Exception {
        Path other = Files.createTempDirectory("kubelite-addons-range-");
        try {
            Result r = kubelite(
                    Duration.ofSeconds(60),
                    "up",
                    "--dir",
                    other.toString(),
                    "--service-cluster-ip-range",
                    "10.0.0.0/29");
            assertThat(r.code()).as(r.output()).isEqualTo(2);
            assertThat(r.output().strip())
                    .isEqualTo("kubelite up: --service-cluster-ip-range must be an IPv4 CIDR of at least 16 addresses,"
                            + " got \"10.0.0.0/29\"");
        } finally {
            try (Stream<Path> s = Files.walk(other)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The one endpoint of the kube-dns slices: {@code ADDRESS name=port/proto ...}, ports by name. */
    private static String sliceSummary(String json) {
        JsonNode items;
        try {
            items = JSON.readTree(json).path("items");
        } catch (Exception e) {
            return "invalid JSON: " + json;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : items) {
            for (JsonNode e : s.path("endpoints")) {
                Map<String, String> ports = new java.util.TreeMap<>();
                s.path("ports")
                        .forEach(p -> ports.put(
                                p.path("name").asText(),
                                p.path("port").asInt() + "/"
                                        + p.path("protocol").asText()));
                StringBuilder line =
                        new StringBuilder(e.path("addresses").path(0).asText());
                ports.forEach((name, port) ->
                        line.append(' ').append(name).append('=').append(port));
                out.add(line.toString());
            }
        }
        return String.join("; ", out);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("/" + regex + "/ in:\n" + text).isTrue();
        return m.group(1);
    }

    private record Result(int code, String output) {}

    private Result uncheckedKubelite(Duration timeout, String... args) {
        try {
            return kubelite(timeout, args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the kubelite command as a separate JVM; returns its exit code and output (stdout and stderr). */
    private Result kubelite(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KubeliteMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("ETCD_ENDPOINTS");
        Process p = pb.start();
        launched.add(p);
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubelite " + String.join(" ", args) + " did not finish in " + timeout
                    + "; output:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private String kl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(
                List.of("--kubeconfig", dir.resolve("kubeconfig").toString()));
        all.addAll(List.of(args));
        int code = Kl.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new HashMap<>(Map.of()),
                Clock.systemUTC());
        return code == 0 ? out.toString(StandardCharsets.UTF_8) : "kl exited " + code + ": " + err;
    }
}
