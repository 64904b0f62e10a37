package io.kubelite.apiserver.etcdsecurity;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerMain;
import io.kubelite.apiserver.pki.CertificateAuthority;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.election.LeaderElector;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.election.LeadershipListener;
import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * kubelite toward a secured etcd: one etcd serving TLS only with {@code --client-cert-auth}
 * (certificates from a CA made here), one with user/password auth enabled. Components take
 * kube's {@code --etcd-cafile/--etcd-certfile/--etcd-keyfile} and {@code --etcd-username} with
 * {@code --etcd-password-file}; a client etcd refuses stops at once with one clear line.
 */
@Timeout(240)
class EtcdTlsAndAuthTest {
    static Path dir;
    static EtcdMember tlsEtcd;
    static EtcdMember authEtcd;
    static Path caFile;
    static Path certFile;
    static Path keyFile;

    @BeforeAll
    static void startEtcds() throws Exception {
        dir = Files.createTempDirectory("etcd-security");
        Path etcd = EtcdBinary.etcd().orElseThrow(() -> new AssertionError("no etcd binary"));
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
        CertificateAuthority.Issued server = ca.issueServer("etcd", List.of("127.0.0.1", "localhost"));
        CertificateAuthority.Issued client = ca.issueClient("kube-apiserver-etcd-client", List.of());
        caFile = Files.writeString(dir.resolve("ca.crt"), Pem.encode(ca.certificate()));
        Path serverCert = Files.writeString(dir.resolve("etcd.crt"), Pem.encode(server.certificate()));
        Path serverKey = Files.writeString(dir.resolve("etcd.key"), Pem.encode(server.key()));
        certFile = Files.writeString(dir.resolve("client.crt"), Pem.encode(client.certificate()));
        keyFile = Files.writeString(dir.resolve("client.key"), Pem.encode(client.key()));

        EtcdMember.Spec tls = EtcdMember.Spec.single("tls", dir.resolve("tls-data"), dir.resolve("tls.log"));
        String url = "https://127.0.0.1:" + tls.clientPort();
        tlsEtcd = new EtcdMember(
                etcd,
                tls.withFlags(
                        "--listen-client-urls",
                        url,
                        "--advertise-client-urls",
                        url,
                        "--cert-file",
                        serverCert.toString(),
                        "--key-file",
                        serverKey.toString(),
                        "--trusted-ca-file",
                        caFile.toString(),
                        "--client-cert-auth"));
        tlsEtcd.start();
        authEtcd =
                new EtcdMember(etcd, EtcdMember.Spec.single("auth", dir.resolve("auth-data"), dir.resolve("auth.log")));
        authEtcd.start();
        tlsEtcd.awaitListening(Duration.ofSeconds(30));
        authEtcd.awaitHealthy(Duration.ofSeconds(30));
        etcdctl(authEtcd.endpoint(), "user", "add", "root", "--new-user-password=right-password");
        etcdctl(authEtcd.endpoint(), "auth", "enable");
    }

    @AfterAll
    static void stopEtcds() throws IOException {
        for (EtcdMember m : new EtcdMember[] {tlsEtcd, authEtcd}) {
            if (m != null) {
                m.close();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String tlsEndpoint() {
        return "127.0.0.1:" + tlsEtcd.spec().clientPort();
    }

    /** The flags as a component parses them (the shared {@link CommonOptions} mixin). */
    private static EtcdConfig parse(String... args) {
        @CommandLine.Command(name = "component")
        class Component {
            @CommandLine.Mixin
            CommonOptions common = new CommonOptions();
        }
        Component c = new Component();
        new CommandLine(c).parseArgs(args);
        c.common.validate();
        return c.common.etcdConfig().withPrefix("/tls-test");
    }

    @Test
    void withKubesFlagsWritesWatchAndElectionWorkOverTls() throws Exception {
        EtcdConfig config = parse(
                "--etcd-endpoints", tlsEndpoint(),
                "--etcd-cafile", caFile.toString(),
                "--etcd-certfile", certFile.toString(),
                "--etcd-keyfile", keyFile.toString());
        try (Etcd etcd = Etcd.connect(config)) {
            ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (var w = pods.watch(null, 0, new WatchListener<>() {
                @Override
                public void onEvent(WatchEvent<Pod> e) {
                    seen.add(e.type() + " " + e.object().getMetadata().getName());
                }

                @Override
                public void onExpired(io.kubelite.store.ExpiredException error) {
                    seen.add("expired");
                }
            })) {
                pods.create(pod("over-tls")).join();
                Poll.until(
                        Duration.ofSeconds(10),
                        "the watch over TLS to see the pod",
                        () -> List.copyOf(seen),
                        s -> s.contains("ADDED over-tls"));
            }
            AtomicReference<Leadership> led = new AtomicReference<>();
            try (LeaderElector elector =
                    new LeaderElector(etcd, "tls-election", "me", Duration.ofSeconds(5), new LeadershipListener() {
                        @Override
                        public void onStartedLeading(Leadership leadership) {
                            led.set(leadership);
                        }

                        @Override
                        public void onStoppedLeading() {}
                    })) {
                elector.start();
                Poll.until(Duration.ofSeconds(15), "leadership over TLS", () -> led.get() != null);
                // a fenced write carries the leader's fence in the same transaction
                pods.withFence(led.get().fence()).create(pod("fenced")).join();
            }
            assertThat(pods.get("default", "fenced").join().getMetadata().getName())
                    .isEqualTo("fenced");
        }
    }

    @Test
    void aComponentWithoutAClientCertificateStopsAtOnceNamingTheTlsFlags() throws Exception {
        // a short call deadline: gRPC retries the refused handshake until it, before the TLS check runs
        Run r = runApiServer(List.of(
                "--etcd-endpoints", tlsEndpoint(), "--etcd-cafile", caFile.toString(), "--etcd-request-timeout", "3s"));
        assertThat(r.exitCode).as("exit code; %s", r).isNotZero();
        assertThat(r.output)
                .as("output")
                .contains("refused this client: TLS handshake with etcd failed")
                .contains("check --etcd-cafile, --etcd-certfile and --etcd-keyfile")
                .doesNotContain("\tat ");
    }

    @Test
    void aComponentWithTheFlagsServesOverTlsEtcd() throws Exception {
        try (Running api = startApiServer(List.of(
                "--etcd-endpoints", tlsEndpoint(),
                "--etcd-cafile", caFile.toString(),
                "--etcd-certfile", certFile.toString(),
                "--etcd-keyfile", keyFile.toString()))) {
            api.awaitReady();
            HttpResponse<String> created = api.send(
                    "POST",
                    "/api/v1/namespaces/default/configmaps",
                    "{\"metadata\":{\"name\":\"via-tls\"},\"data\":{\"a\":\"1\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(api.send("GET", "/api/v1/namespaces/default/configmaps/via-tls", null)
                            .body())
                    .contains("\"a\":\"1\"");
        }
    }

    @Test
    void aWrongEtcdPasswordIsAClearStartupErrorAndTheRightOneWorks() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "wrong-password\n");
        Run r = runApiServer(List.of(
                "--etcd-endpoints", authEtcd.endpoint(),
                "--etcd-username", "root",
                "--etcd-password-file", wrong.toString()));
        assertThat(r.exitCode).as("exit code; %s", r).isNotZero();
        assertThat(r.output)
                .contains("refused this client: etcd refused the credentials: authentication failed, invalid user ID"
                        + " or password (check --etcd-username and --etcd-password-file)")
                .doesNotContain("wrong-password")
                .doesNotContain("\tat ");

        Path right = Files.writeString(dir.resolve("right-password"), "right-password\n");
        EtcdConfig config = parse(
                "--etcd-endpoints", authEtcd.endpoint(),
                "--etcd-username", "root",
                "--etcd-password-file", right.toString());
        assertThat(config.toString()).doesNotContain("right-password");
        try (Etcd etcd = Etcd.connect(config)) {
            ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
            pods.create(pod("authenticated")).join();
            assertThat(pods.get("default", "authenticated").join().getMetadata().getName())
                    .isEqualTo("authenticated");
        }
    }

    private static Pod pod(String name) {
        return Pod.newBuilder()
                .setMetadata(io.kubelite.api.ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name))
                .build();
    }

    private record Run(int exitCode, String output) {}

    private static List<String> apiServerArgs(List<String> etcdFlags, int port) {
        List<String> args = new ArrayList<>(etcdFlags);
        args.addAll(List.of(
                "--etcd-prefix",
                "/api-" + port,
                "--etcd-startup-timeout",
                "60s",
                "--secure-port",
                Integer.toString(port),
                "--health-port",
                Integer.toString(FreePorts.next()),
                "--insecure-http",
                "--token-auth-file",
                tokenFile().toString(),
                "--event-loops",
                "1"));
        return args;
    }

    private static final String TOKEN = "etcd-security-admin-token";

    private static Path tokenFile() {
        try {
            return Files.writeString(dir.resolve("tokens.csv"), TOKEN + ",admin,admin-uid,\"system:masters\"\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process start(List<String> args, Path log) throws IOException {
        ProcessBuilder pb = ChildJvm.builder(
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), ApiServerMain.class, args);
        pb.environment().remove("ETCD_ENDPOINTS");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Runs the API server until it exits; a refused client must exit well before its 60 s etcd wait. */
    private static Run runApiServer(List<String> etcdFlags) throws Exception {
        Path log = Files.createTempFile(dir, "apiserver", ".log");
        Process p = start(apiServerArgs(etcdFlags, FreePorts.next()), log);
        try {
            boolean exited = p.waitFor(40, TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited)
                    .as("the API server should stop at once; it still runs. Output:\n%s", out)
                    .isTrue();
            return new Run(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static Running startApiServer(List<String> etcdFlags) throws IOException {
        int port = FreePorts.next();
        Path log = Files.createTempFile(dir, "apiserver", ".log");
        return new Running(start(apiServerArgs(etcdFlags, port), log), "http://127.0.0.1:" + port, log);
    }

    private record Running(Process process, String base, Path log) implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> send(String method, String path, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TOKEN);
            b.method(
                    method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            try {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e.toString(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void awaitReady() {
            Poll.until(
                    Duration.ofSeconds(90),
                    base + "/readyz answers 200",
                    () -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the API server exited: " + output());
                        }
                        return send("GET", "/readyz", null).statusCode();
                    },
                    code -> code == 200);
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void etcdctl(String endpoint, String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of(EtcdBinary.etcdctl().orElseThrow().toString(), "--endpoints=" + endpoint));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(cmd + " failed: " + out);
        }
    }
}
