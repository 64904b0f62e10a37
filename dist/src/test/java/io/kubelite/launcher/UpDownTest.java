package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.cli.Kl;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubelite up} for real: every component as its own OS process from the built
 * classpath, used through {@code kl} and the real kubectl with the kubeconfig {@code up} wrote
 * (HTTPS, client certificate), stopped by {@code down}, and started again on the same data and
 * the same certificates.
 */
class UpDownTest {
    private Path dir;
    private final List<Process> launched = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (dir != null) {
            // stop whatever is left, even when the test failed half-way
            run(Duration.ofSeconds(90), "down", "--dir", dir.toString());
            ClusterState.load(dir.resolve("cluster.json"))
                    .ifPresent(s ->
                            s.processes.forEach(p -> ClusterState.live(p).ifPresent(ProcessHandle::destroyForcibly)));
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        launched.forEach(Process::destroyForcibly);
    }

    /** Runs the kubelite command as a separate JVM; returns exit code and output. */
    private Result run(Duration timeout, String... args) throws Exception {
        return run(Map.of(), timeout, args);
    }

    private Result run(Map<String, String> env, Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KubeliteMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("ETCD_ENDPOINTS");
        pb.environment().putAll(env);
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

    private record Result(int code, String output) {}

    /** The audit log's lines so far (none before the first event). */
    private List<String> auditLines() {
        Path log = dir.resolve("audit/audit.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
                new HashMap<>(),
                Clock.systemUTC());
        if (code != 0) {
            throw new AssertionError("kl " + String.join(" ", args) + " exited " + code + ": " + err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void upRunsAClusterThatKlCanUseDownStopsItAndASecondUpKeepsTheData() throws Exception {
        dir = Files.createTempDirectory("kubelite-up-");
        String port = Integer.toString(FreePorts.next());
        String dnsPort = Integer.toString(FreePorts.next());
        long t0 = System.nanoTime();
        Result up = run(
                Duration.ofSeconds(240),
                "up",
                "--dir",
                dir.toString(),
                "--port",
                port,
                "--detach",
                "--nodes",
                "3",
                "--zones",
                "zone-a,zone-b",
                "--time-scale",
                "10",
                "--dns-port",
                dnsPort);
        assertThat(up.code()).as(up.output()).isZero();
        assertThat(up.output())
                .contains(
                        "✓ etcd",
                        "✓ apiserver",
                        "✓ controller-manager",
                        "✓ scheduler",
                        "✓ kubelet-sim",
                        "✓ dns",
                        "serving 127.0.0.1:" + dnsPort,
                        "kubelite is up");
        System.out.printf("kubelite up took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(dir.resolve("kubeconfig"))
                .content()
                .contains(
                        "server: https://127.0.0.1:" + port,
                        "certificate-authority-data: ",
                        "client-certificate-data: ",
                        "client-key-data: ");
        assertThat(dir.resolve("logs/apiserver.log")).exists();
        // every file holding a secret is the owner's alone
        for (String secret : List.of(
                "kubeconfig",
                "tokens.csv",
                "pki/ca.key",
                "pki/apiserver.key",
                "pki/admin.key",
                "pki/sa.key",
                "audit/audit.log")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(secret)))
                    .as(secret)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        Map<String, byte[]> certs = certificates();

        Result status = run(Duration.ofSeconds(30), "status", "--dir", dir.toString());
        assertThat(status.code()).as(status.output()).isZero();
        assertThat(status.output()).contains("apiserver", "scheduler", "controller-manager", "kubelet-sim", "ready");

        // the cluster DNS answers for the kubernetes Service (the range's first address)
        Poll.until(
                Duration.ofSeconds(30),
                "dig kubernetes.default.svc.cluster.local on the dns port answers 10.96.0.1",
                () -> Dig.shortAnswer(dnsPort, "kubernetes.default.svc.cluster.local"),
                out -> out.trim().equals("10.96.0.1"));

        Poll.until(
                Duration.ofSeconds(60),
                "3 Ready nodes",
                () -> kl("get", "nodes")
                                .lines()
                                .filter(l -> l.contains(" Ready "))
                                .count()
                        == 3);
        // the real kubectl with the written kubeconfig, unchanged
        Kubectl kubectl = Kubectl.withKubeconfig(dir.resolve("kubeconfig"));
        assertThat(kubectl.run("get", "nodes", "-o", "name").ok()).isEqualTo("node/node-0\nnode/node-1\nnode/node-2\n");
        assertThat(kubectl.run("create", "namespace", "from-kubectl").ok())
                .isEqualTo("namespace/from-kubectl created\n");
        // the audit log says who created it, under up's default policy
        Poll.until(
                Duration.ofSeconds(20),
                "an audit event of the namespace's create in audit/audit.log",
                () -> auditLines().stream()
                        .filter(l -> l.contains("\"verb\":\"create\"") && l.contains("from-kubectl"))
                        .toList(),
                found -> !found.isEmpty() && found.get(0).contains("\"username\":\"kubernetes-admin\""));
        Path ns = dir.resolve("ns.yaml");
        Files.writeString(ns, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: keep-me\n");
        kl("apply", "-f", ns.toString());
        kl("apply", "-f", Path.of("..", "examples", "replicaset.yaml").toString());
        Poll.until(
                Duration.ofSeconds(90),
                "3 web pods Running",
                () -> kl("get", "pods", "-l", "app=web")
                                .lines()
                                .filter(l -> l.contains("Running"))
                                .count()
                        == 3);

        ClusterState before = ClusterState.load(dir.resolve("cluster.json")).orElseThrow();
        Result down = run(Duration.ofSeconds(120), "down", "--dir", dir.toString());
        assertThat(down.code()).as(down.output()).isZero();
        assertThat(before.processes)
                .allSatisfy(p -> assertThat(ClusterState.live(p))
                        .as(p.name() + " stopped")
                        .isEmpty());
        assertThat(run(Duration.ofSeconds(30), "status", "--dir", dir.toString())
                        .code())
                .isEqualTo(3);

        Result again = run(
                Duration.ofSeconds(240),
                "up",
                "--dir",
                dir.toString(),
                "--port",
                port,
                "--detach",
                "--nodes",
                "3",
                "--zones",
                "zone-a,zone-b",
                "--time-scale",
                "10");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(again.output()).contains("✓ certificates", "reused");
        // the same CA and certificates: a kubeconfig copied elsewhere before the restart still works
        assertThat(certificates())
                .allSatisfy((name, bytes) ->
                        assertThat(bytes).as(name + " unchanged").isEqualTo(certs.get(name)));
        assertThat(kl("get", "namespaces")).contains("keep-me", "from-kubectl");
        assertThat(kubectl.run("get", "namespace", "keep-me", "-o", "name").ok())
                .isEqualTo("namespace/keep-me\n");
        Poll.until(
                Duration.ofSeconds(60),
                "the ReplicaSet's pods are back",
                () -> kl("get", "pods", "-l", "app=web")
                                .lines()
                                .filter(l -> l.contains("Running"))
                                .count()
                        == 3);
    }

    /** The certificate and key files of pki/ and the kubeconfig, by name. */
    private Map<String, byte[]> certificates() throws Exception {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        for (String f : List.of(
                "kubeconfig",
                "pki/ca.crt",
                "pki/ca.key",
                "pki/apiserver.crt",
                "pki/apiserver.key",
                "pki/admin.crt",
                "pki/admin.key")) {
            out.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        return out;
    }

    @Test
    void withoutAnEtcdBinaryUpRunsOnEtcdliteAndInsecureHttpServesPlainHttp() throws Exception {
        dir = Files.createTempDirectory("kubelite-noetcd-");
        String port = Integer.toString(FreePorts.next());
        Result up = run(
                Map.of("PATH", "/nonexistent", "ETCD_BIN", ""),
                Duration.ofSeconds(240),
                "up",
                "--dir",
                dir.toString(),
                "--port",
                port,
                "--detach",
                "--nodes",
                "2",
                "--time-scale",
                "10",
                "--insecure-http");
        assertThat(up.code()).as(up.output()).isZero();
        // --insecure-http: plain HTTP and a bearer token; pki/ still holds the service-account key, owner-only
        assertThat(dir.resolve("kubeconfig")).content().contains("server: http://127.0.0.1:" + port, "token: ");
        assertThat(Files.getPosixFilePermissions(dir.resolve("pki/sa.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("pki")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(up.output())
                .contains("no etcd binary; starting etcdlite", "✓ etcd", "etcdlite", "kubelite is up")
                .doesNotContain("Exception");
        Poll.until(
                Duration.ofSeconds(60),
                "2 Ready nodes on etcdlite",
                () -> kl("get", "nodes")
                                .lines()
                                .filter(l -> l.contains(" Ready "))
                                .count()
                        == 2);
        assertThat(dir.resolve("etcdlite")).isDirectory();
    }
}
